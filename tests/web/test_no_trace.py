"""An anonymous search leaves no trace: the real server process, its logs and its database files.

The server runs as `passerelle serve` on a temporary SQLite file; searches carry a marker in the
free text, the place, the forwarded address and the user agent. Afterwards no table has gained or
lost a row, and no marker is in any log line or any byte of the database files.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, text

from directory.database import make_engine
from tests.browser import LiveServer, live_server

TEXT_MARKER = "notrace-text-5f1c9e"
PLACE_MARKER = "Notraceville"
FORWARDED = "203.0.113.77"
AGENT = "NoTraceAgent/9.41"
MARKERS = (TEXT_MARKER, PLACE_MARKER, FORWARDED, AGENT, "notrace")

pytestmark = pytest.mark.slow


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url, pool=False)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in names
            }
    finally:
        engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    database = tmp_path / "live.db"
    with live_server(f"sqlite:///{database}") as url:
        yield url, database


def anonymous_visit(base: str) -> None:
    headers = {"X-Forwarded-For": FORWARDED, "User-Agent": AGENT, "X-Real-IP": FORWARDED}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        assert client.get("/").status_code == 200
        found = client.post(
            "/search",
            data={"lang": "fr", "needs": ["housing", "legal_migration"], "age": "33",
                  "text": f"{TEXT_MARKER} je cherche un logement", "controlled_by_someone": "true",
                  "accessibility": ["step_free", "quiet_room"]},
        )  # fmt: skip
        assert found.status_code == 200 and "referral" in found.text
        assert TEXT_MARKER not in found.text.split('name="text"')[0], "echoed only in the form"
        ids = [part.split('"', 1)[0] for part in found.text.split('name="service" value="')[1:]]
        assert ids, "the bundled directory answered"
        sheet = client.post("/referral", data={"lang": "fr", "service": ids[:3]})
        assert sheet.status_code == 200
        assert client.get(f"/services/{ids[0]}").status_code == 200
        unknown = client.post("/search", data={"place": PLACE_MARKER, "text": TEXT_MARKER})
        assert unknown.status_code == 422
        wrong = client.post("/search", data={"age": f"{TEXT_MARKER}", "needs": "housing"})
        assert wrong.status_code == 422
        api = client.post("/v1/match", json={"text": TEXT_MARKER, "needs": ["housing"]})
        assert api.status_code == 200
        assert client.get(f"/{TEXT_MARKER}").status_code == 404
        for answer in (found, sheet, unknown, wrong, api):
            assert "set-cookie" not in answer.headers


def test_an_anonymous_search_stores_and_logs_nothing(server: tuple[LiveServer, Path]) -> None:
    base, database = server
    url = f"sqlite:///{database}"
    before = table_counts(url)
    assert before.get("service", 0) > 0

    anonymous_visit(base)

    assert table_counts(url) == before
    log = base.log()
    assert "Uvicorn running" in log or "Application startup complete" in log, "log captured"
    for marker in MARKERS:
        assert marker.lower() not in log.lower(), f"{marker!r} in the server log"
    files = [path for path in database.parent.iterdir() if path.name.startswith("live.db")]
    assert database in files
    for path in files:
        content = path.read_bytes().lower()
        for marker in MARKERS:
            assert marker.lower().encode() not in content, f"{marker!r} in {path.name}"
