"""The HTTP floor for P1: FastAPI and uvicorn answering the same POST, recording nothing.

The same route, body model, protocol (httptools, TCP_NODELAY) and number of workers as
`tsunagi serve`, but no authentication, middleware, domain, hash chain, store or views:
what the chosen web stack alone costs per request on this machine. Tsunagi's appends are
printed against it, so the gap to pgbench splits into the stack's share and ours.

``uvicorn bench.floor:app``
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from api.schemas import VisitCreate

app = FastAPI(title="P1 floor")


@app.get("/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def visit(request: Request) -> VisitCreate:
    """The body parsed as Tsunagi parses it (strict, from the JSON bytes)."""
    return VisitCreate.model_validate_json(await request.body())


@app.post("/v1/accounts/{account_id}/visits", status_code=201)
def record_visit(account_id: UUID,
                 payload: Annotated[VisitCreate, Depends(visit)]) -> JSONResponse:
    """Answered on a worker thread like Tsunagi's writes; nothing is kept."""
    return JSONResponse({"account_id": str(account_id), "version": 1,
                         "event_id": str(uuid4()), "visit_id": payload.purpose},
                        status_code=201, headers={"ETag": '"1"'})
