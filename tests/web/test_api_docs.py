"""`/api/docs` renders the API's operations in real Chromium under its own strict policy: no inline
script, nothing from another origin, Swagger UI's files served by this server."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from api.privacy import CONTENT_SECURITY_POLICY
from api.routes.docs import DOCS_POLICY
from tests.browser import LiveServer, live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("docs") / "docs.db"
    with live_server(f"sqlite:///{database}") as url:
        yield url


@pytest.mark.browser
def test_the_docs_page_renders_the_operations_under_its_policy(
    browser: Browser, server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else elsewhere.append(r.url))
    answer = page.goto(f"{server}/api/docs")
    assert answer is not None and answer.headers["content-security-policy"] == DOCS_POLICY
    page.wait_for_selector(".opblock", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/match" in [path.replace("\u200b", "") for path in paths]
    page.get_by_text("MatchResult", exact=True).first.wait_for(timeout=10_000)
    assert not problems
    assert not elsewhere
    context.close()


def test_only_the_files_the_page_needs_are_served(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == DOCS_POLICY
    assert "<script>" not in page.text and "http" not in page.text
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/index.html").status_code == 404
    assert client.get("/api/docs/assets/swagger-initializer.js").status_code == 404
    assert client.get("/").headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_the_schema_documents_the_explanation_codes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    result = schema["components"]["schemas"]["MatchResult"]["properties"]
    assert "same order" in result["reason_codes"]["description"]
    assert "same order" in result["caution_codes"]["description"]
