"""Each request leaves one log line without its token; the OpenAPI document is complete."""

from __future__ import annotations

from structlog.testing import capture_logs

from tests.e2e.conftest import Office


def test_every_request_is_logged_with_id_principal_route_status_and_latency(
        office: Office) -> None:
    account = office.open_yamada()
    with capture_logs() as logs:
        response = office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
            "occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"},
            headers={"X-Request-ID": "req-123"})
    assert response.headers["X-Request-ID"] == "req-123"
    (line,) = [entry for entry in logs if entry["event"] == "request"]
    assert line["request_id"] == "req-123"
    assert line["principal"] == "sato"
    assert line["route"] == "/v1/accounts/{account_id}/visits"
    assert line["status"] == 201
    assert line["ms"] >= 0
    assert office.佐藤さん.token not in repr(logs)
    assert office.佐藤さん.token.split(".")[1] not in repr(logs)


def test_openapi_documents_every_route_with_schemas_and_japanese_examples(
        office: Office) -> None:
    document = office.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            if method == "post" and "requestBody" in operation:
                [content] = operation["requestBody"]["content"].values()  # JSON, or a file
                ref = content["schema"]["$ref"]
                name = ref.rsplit("/", 1)[1]
                assert name in schemas, f"{method} {path}: schema {name} missing"
    assert schemas["VisitCreate"]["examples"][0]["purpose"] == "定期訪問"
    assert "株式会社山田製作所" in str(schemas["AccountCreate"]["examples"])
    assert "/v1/accounts/{account_id}/visits" in document["paths"]
    docs = office.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
