"""F5 of the December security review, defence in depth: a `javascript:` (or any non-http(s))
web address already stored (written past the checks) is never a link, a QR code or a match
answer's `service.url`; the pages still show the service."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.state import bump_version
from tests.web.pages import load_directory

SCRIPT = "javascript:alert(document.domain)"
NAME = "Beta legal desk"


@pytest.fixture(params=[SCRIPT, "JaVaScRiPt:alert(1)", "file:///etc/passwd"])
def site(request: pytest.FixtureRequest, engine: Engine, database_url: str) -> Iterator[TestClient]:
    load_directory(engine)
    with engine.begin() as connection:  # stored by hand, or by a version without the check
        connection.execute(
            text("UPDATE service SET url = :url WHERE name = :name"),
            {"url": request.param, "name": NAME},
        )
        bump_version(connection)
    settings = Settings(database_url=database_url)
    with TestClient(create_app(settings)) as client:
        yield client


def beta_id(site: TestClient) -> str:
    results = site.post("/v1/match", json={"needs": ["legal_migration"]}).json()["results"]
    [found] = [r for r in results if r["service"]["name"] == NAME]
    assert found["service"]["url"] is None  # the match API gives no such address either
    return str(found["service"]["id"])


def assert_no_dangerous_link(html: str) -> None:
    assert NAME in html
    assert not re.search(r"(?i)(javascript|file):", html), "a non-web address is shown"


def test_no_page_renders_a_stored_script_address_as_a_link(site: TestClient) -> None:
    service_id = beta_id(site)
    assert_no_dangerous_link(site.get(f"/services/{service_id}").text)
    assert_no_dangerous_link(
        site.post("/search", data={"lang": "en", "needs": "legal_migration"}).text
    )
    sheet = site.post("/referral", data={"lang": "en", "service": [service_id]})
    assert_no_dangerous_link(sheet.text)
    saved = site.post("/referral", data={"lang": "en", "service": [service_id], "format": "file"})
    assert saved.status_code == 200
    assert_no_dangerous_link(saved.text)
    assert "QR code of" not in saved.text  # nothing to encode: no public address configured
