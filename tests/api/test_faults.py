"""Database faults seen through the API: unreachable, stopped and restarted, read-only, full.

Reads and writes that need the database answer 503 with a JSON message and `Retry-After`, never
a 500; `/health` says "degraded"; service comes back without a restart when the database does.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import event, text

from api.app import create_app
from api.deps import SessionDep
from api.settings import Settings
from directory.accounts.service import Role, create_token
from directory.database import make_engine, session_scope, upgrade_schema
from directory.hsds.importer import import_records
from tests.builders import service_record
from tests.conftest import FIXTURES
from tests.private_postgres import PrivatePostgres
from web.i18n import translator

SAMPLE = FIXTURES / "passerelle-sample.json"


def app_on(url: str) -> FastAPI:
    app = create_app(Settings(database_url=url, secret_key="k" * 40))

    @app.post("/test-write")
    def write(session: SessionDep) -> dict[str, int]:
        """A real write path (an import of one service), as partner edits will be."""
        record = service_record("Written", description="A long description. " * 50_000)
        summary = import_records(session.connection(), [record])
        session.commit()
        return {"created": summary.created}

    return app


def assert_unavailable(answer: Any) -> None:
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["retry-after"]) > 0
    assert "cannot be reached or written" in answer.json()["detail"]


def seeded_database(
    server: PrivatePostgres, name: str, records: list[dict[str, Any]] | None = None
) -> str:
    admin = make_engine(server.url(), pool=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = server.url(name)
    engine = make_engine(url, pool=False)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        import_records(session.connection(), records or [service_record("Seed")])
    engine.dispose()
    return url


@pytest.mark.parametrize(
    "url",
    ["postgresql://postgres@127.0.0.1:1/passerelle", "sqlite:////nonexistent/folder/p.db"],
    ids=["postgresql-closed-port", "sqlite-missing-folder"],
)
def test_unreachable_database(url: str) -> None:
    with TestClient(app_on(url)) as client:
        for path in ("/hsds/services", "/hsds/services/x", "/hsds/organizations"):
            assert_unavailable(client.get(path))
        assert_unavailable(client.post("/test-write"))
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json() == {"status": "degraded", "database": "unreachable"}
        assert client.get("/hsds/").status_code == 200  # what needs no database still answers


def wait_for(client: TestClient, path: str, status: int, seconds: float = 15) -> int:
    deadline = time.monotonic() + seconds
    while True:
        code: int = client.get(path).status_code
        if code == status or time.monotonic() > deadline:
            return code
        time.sleep(0.2)


def test_stopped_then_restarted_postgresql(private_pg: PrivatePostgres) -> None:
    url = seeded_database(private_pg, "recovery")
    with TestClient(app_on(url)) as client:
        assert client.get("/hsds/services").json()["total_items"] == 1
        private_pg.stop()
        try:
            assert_unavailable(client.get("/hsds/services"))
            assert_unavailable(client.post("/test-write"))
            assert client.get("/health").json()["status"] == "degraded"
        finally:
            private_pg.start()
        assert wait_for(client, "/hsds/services", 200) == 200
        assert client.get("/health").json() == {"status": "ok", "database": "ok"}
        assert client.post("/test-write").json() == {"created": 1}


def test_read_only_postgresql(private_pg: PrivatePostgres) -> None:
    url = seeded_database(private_pg, "read_only")
    admin = make_engine(private_pg.url(), pool=False).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(
            text('ALTER DATABASE "read_only" SET default_transaction_read_only = on')
        )
    admin.dispose()
    with TestClient(app_on(url)) as client:
        assert client.get("/hsds/services").json()["total_items"] == 1
        assert_unavailable(client.post("/test-write"))
        assert client.get("/hsds/services").json()["total_items"] == 1
        assert client.get("/health").json() == {"status": "degraded", "database": "read_only"}


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        import_records(session.connection(), [service_record("Seed")])
    engine.dispose()
    yield url


def test_full_sqlite_disk(sqlite_file: str) -> None:
    app = app_on(sqlite_file)

    def no_room_to_grow(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    event.listen(app.state.engine, "connect", no_room_to_grow)
    with TestClient(app) as client:
        assert_unavailable(client.post("/test-write"))
        assert client.get("/hsds/services").json()["total_items"] == 1
        assert client.get("/health").json() == {"status": "degraded", "database": "full"}


def test_read_only_sqlite(sqlite_file: str) -> None:
    path = sqlite_file.removeprefix("sqlite:///")
    with TestClient(app_on(f"sqlite:///file:{path}?mode=ro&uri=true")) as client:
        assert_unavailable(client.post("/test-write"))
        assert client.get("/hsds/services").json()["total_items"] == 1
        assert client.get("/health").json() == {"status": "degraded", "database": "read_only"}
    with TestClient(app_on(sqlite_file)) as client:  # the same file, writable again
        assert client.get("/health").json() == {"status": "ok", "database": "ok"}


def test_partner_edits_answer_503_while_postgresql_is_down(private_pg: PrivatePostgres) -> None:
    url = seeded_database(private_pg, "partner_down")
    engine = make_engine(url, pool=False)
    with session_scope(engine) as session:
        connection = session.connection()
        service_id, organization_id = connection.execute(
            text("SELECT id, organization_id FROM service")
        ).one()
        _, token = create_token(connection, role=Role.partner, organization_id=organization_id)
    engine.dispose()
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app_on(url)) as client:
        etag = client.get(f"/v1/partner/services/{service_id}", headers=auth).headers["etag"]
        private_pg.stop()
        try:
            assert_unavailable(
                client.patch(
                    f"/v1/partner/services/{service_id}",
                    json={"description": "New words"},
                    headers={**auth, "If-Match": etag},
                )
            )
            assert_unavailable(
                client.put(
                    f"/v1/partner/services/{service_id}/capacity",
                    json={"beds_available": 3},
                    headers=auth,
                )
            )
        finally:
            private_pg.start()
        assert wait_for(client, "/hsds/services", 200) == 200
        accepted = client.patch(
            f"/v1/partner/services/{service_id}",
            json={"description": "New words"},
            headers={**auth, "If-Match": etag},
        )
        assert accepted.status_code == 202, accepted.text


UNREACHABLE = pytest.mark.parametrize(
    "url",
    ["postgresql://postgres@127.0.0.1:1/passerelle", "sqlite:////nonexistent/folder/p.db"],
    ids=["postgresql-closed-port", "sqlite-missing-folder"],
)


def assert_unavailable_page(answer: Any, lang: str) -> None:
    """A person's page saying the directory cannot be reached, in their language, that still
    gives the emergency numbers."""
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["retry-after"]) > 0
    assert answer.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in answer.text
    _ = translator(lang)
    assert escape(_("The directory cannot be reached right now")) in answer.text
    assert 'href="tel:112"' in answer.text and 'href="tel:101"' in answer.text
    assert 'id="quick-exit"' in answer.text


@UNREACHABLE
def test_pages_that_need_no_database_answer_while_it_is_unreachable(url: str) -> None:
    with TestClient(app_on(url)) as client:
        for path in ("/", "/about", "/safety", "/?lang=nl", "/about?lang=bg"):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text)
        assert 'href="tel:112"' in client.get("/about").text
        search = client.post("/search", data={"lang": "fr", "needs": "housing"})
        assert search.status_code == 200, search.text
        assert '<html lang="fr">' in search.text


@UNREACHABLE
def test_service_pages_answer_a_page_with_the_emergency_numbers(url: str) -> None:
    with TestClient(app_on(url)) as client:
        assert_unavailable_page(client.get("/services/some-id?lang=de"), "de")
        assert_unavailable_page(client.get("/suggest/some-id?lang=ro"), "ro")
        assert_unavailable_page(
            client.get("/services/some-id", headers={"Accept-Language": "es"}), "es"
        )
        sheet = client.post("/referral", data={"lang": "nl", "service": "some-id"})
        assert_unavailable_page(sheet, "nl")
        assert "set-cookie" not in sheet.headers


def test_pages_answer_from_the_match_index_while_postgresql_is_down(
    private_pg: PrivatePostgres,
) -> None:
    shelter = service_record("Night shelter", codes=("need.housing",), phones=("+32 2 111 11 11",))
    line = service_record(
        "Night line", codes=("need.crisis_line", "offers.remote"), phones=("0800 11 111",)
    )
    url = seeded_database(private_pg, "pages_down", [shelter, line])
    with TestClient(app_on(url)) as client:
        private_pg.stop()
        try:
            search = client.post("/search", data={"lang": "en", "needs": "housing"})
            assert search.status_code == 200, search.text
            assert "Night shelter" in search.text and "+32 2 111 11 11" in search.text
            about = client.get("/about?lang=fr")
            assert about.status_code == 200 and "0800 11 111" in about.text
            service = client.get(f"/services/{shelter['id']}?lang=fr")
            assert service.status_code == 200, service.text
            assert "Night shelter" in service.text and 'href="tel:+3221111111"' in service.text
            sheet = client.post("/referral", data={"lang": "en", "service": shelter["id"]})
            assert sheet.status_code == 200 and "Night shelter" in sheet.text
            assert_unavailable_page(client.get("/services/not-in-the-index?lang=fr"), "fr")
            assert_unavailable_page(client.get(f"/suggest/{shelter['id']}?lang=fr"), "fr")
        finally:
            private_pg.start()
        assert wait_for(client, f"/services/{shelter['id']}", 200) == 200
        assert client.get("/services/not-in-the-index").status_code == 404
