"""Each request leaves one log line without its token; the OpenAPI document is complete."""

from __future__ import annotations

import re

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
                # JSON, or a file (an import: text/csv, or multipart with its mappings)
                for content in operation["requestBody"]["content"].values():
                    ref = content["schema"]["$ref"]
                    name = ref.rsplit("/", 1)[1]
                    assert name in schemas, f"{method} {path}: schema {name} missing"
    assert schemas["VisitCreate"]["examples"][0]["purpose"] == "定期訪問"
    assert "株式会社山田製作所" in str(schemas["AccountCreate"]["examples"])
    assert "/v1/accounts/{account_id}/visits" in document["paths"]
    docs = office.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_a_client_generator_gets_a_title_it_can_name_a_package_by_a_bearer_scheme_and_short_ids(
        office: Office) -> None:
    document = office.client.get("/openapi.json").json()
    assert document["info"]["title"] == "Tsunagi", "a package name a generator can install"
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "<user_id>.<secret>",
        "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    ids = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            assert re.fullmatch(r"[a-z][A-Za-z0-9]{0,39}", operation["operationId"]), \
                f"{method} {path}: {operation['operationId']}"
            headers = [p["name"].lower() for p in operation.get("parameters", [])
                       if p["in"] == "header"]
            assert "authorization" not in headers, f"{method} {path}: auth is the scheme's"
            if path == "/v1/calendars/{key}.ics":
                assert operation["security"] == [], "a calendar app sends no token: the "\
                                                     "URL's secret is the key"
            elif path.startswith("/v1"):
                assert operation.get("security") == [{"bearer": []}], f"{method} {path}"
            else:
                assert "security" not in operation, f"{method} {path} needs no token"
    assert len(ids) == len(set(ids)), "each operationId once"
    assert {"recordVisit", "initiateHandover", "acknowledgeDossier", "acknowledgeComplaint",
            "completeHandover"} <= set(ids)


def test_a_token_in_another_scheme_or_none_is_401_with_the_bearer_challenge(
        office: Office) -> None:
    for headers in ({}, {"Authorization": "Basic c2F0bzpzZWNyZXQ="},
                    {"Authorization": "Bearer "}, {"Authorization": "Bearer nobody.secret"}):
        answer = office.client.get("/v1/users/me", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["WWW-Authenticate"].startswith("Bearer"), headers
        assert answer.headers["content-type"] == "application/problem+json"


def test_docs_and_redoc_name_no_other_host_and_their_assets_are_served(office: Office) -> None:
    for page in ("/docs", "/redoc"):
        html = office.client.get(page)
        assert html.status_code == 200
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", html.text), \
            f"{page} loads something from another host"
        for asset in re.findall(r"(?:src|href)=[\"'](/[^/\"'][^\"']*)", html.text):
            assert office.client.get(asset).status_code == 200, asset
