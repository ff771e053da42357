"""Large documents go out through orjson: the same JSON the standard library would send."""

from __future__ import annotations

import json

from fastapi.responses import JSONResponse

from api.responses import DocumentResponse


def test_a_dossier_document_reads_the_same_as_through_the_standard_library() -> None:
    document = {"account": {"name": "株式会社山田製作所", "owner_rep_id": "suzuki"},
                "visits_per_day": {"2026-11-20": 3}, "health": {"score": 0.875, "open": None},
                "promises": [{"description": "来週までに見積りを送る", "due_date": "2026-11-27"}]}

    sent = DocumentResponse(document, headers={"ETag": '"12"'})

    assert json.loads(sent.body) == json.loads(JSONResponse(document).body) == document
    assert "株式会社山田製作所".encode() in sent.body  # UTF-8, not \\u escapes
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["etag"] == '"12"'
