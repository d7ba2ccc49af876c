"""`POST /search` costs what the match costs: the results' public records come from the worker's
own copy, checked against the directory's changes (one small query), and only the services that
changed since are read again, in one batched read whatever their number. The page is as fresh as
the directory: a change shows at the next search."""

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.database import session_scope
from directory.hsds import repository
from directory.state import bump_version
from tests.web.pages import load_directory

ALL = {"lang": "en", "needs": ["housing", "legal_general", "emergency_shelter", "crisis_line"]}


def test_a_cold_worker_reads_every_result_in_one_batch(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_directory(engine)
    with TestClient(create_app(Settings(database_url=database_url, warm_records=0))) as cold:
        calls, page = reads(cold, monkeypatch)
        assert "Alpha" in page and "Beta legal desk" in page
        assert len(calls) == 1  # every result in one batched read
        calls, page = reads(cold, monkeypatch)
        assert calls == [] and "Beta legal desk" in page  # nothing changed: nothing read


@pytest.fixture
def site(engine: Engine, database_url: str) -> Iterator[TestClient]:
    load_directory(engine)
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        yield client


def reads(site: TestClient, monkeypatch: pytest.MonkeyPatch) -> tuple[list[set[str]], str]:
    """The record reads the next search makes (the ids of each), and its page."""
    calls: list[set[str]] = []
    real = repository.service_records

    def service_records(connection: Connection, ids: Sequence[str] | None = None, **kw: Any) -> Any:
        calls.append(set(ids or ()))
        return real(connection, ids, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(repository, "service_records", service_records)
        page = site.post("/search", data=ALL)
    assert page.status_code == 200, page.text
    return calls, page.text


def id_of(engine: Engine, name: str) -> str:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id FROM service WHERE name = :name"), {"name": name}
        )
        return str(found.scalar_one())


def rename(engine: Engine, names: dict[str, str]) -> None:
    """A change as a write makes it: the rows, then the change of those services."""
    with session_scope(engine) as session:
        connection = session.connection()
        ids: list[str] = []
        for old, new in names.items():
            ids += connection.execute(
                text("UPDATE service SET name = :new WHERE name = :old RETURNING id"),
                {"new": new, "old": old},
            ).scalars()
        bump_version(connection, ids)


def test_a_search_reads_only_what_changed_in_one_batch(
    site: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, page = reads(site, monkeypatch)
    assert "Alpha" in page and "Beta legal desk" in page
    assert calls == []  # read before the worker answered (PASSERELLE_WARM_RECORDS)

    beta, delta = id_of(engine, "Beta legal desk"), id_of(engine, "Delta helpline")
    rename(engine, {"Beta legal desk": "Beta legal desk renamed"})
    calls, page = reads(site, monkeypatch)
    assert calls == [{beta}] and "Beta legal desk renamed" in page  # fresh at the next search
    rename(engine, {"Beta legal desk renamed": "Beta legal desk 2", "Delta helpline": "Delta 2"})
    calls, page = reads(site, monkeypatch)
    assert calls == [{beta, delta}]  # one batch, whatever the number read again
    assert "Beta legal desk 2" in page and "Delta 2" in page
