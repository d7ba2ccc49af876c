"""Migration 0006 carries what an existing database's HSDS `metadata` says per service into the
audit's events: each import of a service, each suspension and its end, with names and reasons."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from directory.database import make_engine, upgrade_schema
from directory.hsds.audit import add_rows, suspension_row
from directory.hsds.audit_events import AUDIT_EVENT
from directory.hsds.importer import import_records
from tests.builders import service_record


@pytest.fixture
def old_engine(fresh_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database at 0005 with two imported services, one suspended and listed again."""
    engine = make_engine(fresh_database)
    upgrade_schema(engine, revision="0005")
    monkeypatch.setattr("directory.hsds.importer.add_events", lambda *_, **__: None)
    yield engine
    engine.dispose()


def test_imports_and_suspensions_become_events(old_engine: Engine) -> None:
    shelter, advice = service_record("Old shelter"), service_record("Old advice")
    with old_engine.begin() as connection:
        import_records(connection, [shelter, advice], who="curator")
        add_rows(
            connection,
            [
                suspension_row(shelter["id"], old="", new="check", now=datetime.now(UTC)),
                suspension_row(shelter["id"], old="check", new="", now=datetime.now(UTC)),
            ],
        )
    upgrade_schema(old_engine)
    with old_engine.connect() as connection:
        rows = connection.execute(select(AUDIT_EVENT)).all()
    found = sorted((row.service_name, row.kind, row.detail, row.reason or "") for row in rows)
    assert found == [
        ("Old advice", "import", "create", ""),
        ("Old shelter", "import", "create", ""),
        ("Old shelter", "suspension", "", "check"),
        ("Old shelter", "unsuspension", "", "check"),
    ]
    assert {row.organization_id for row in rows} == {
        shelter["organization_id"],
        advice["organization_id"],
    }
    assert all(row.who == "curator" and row.happened_at.tzinfo for row in rows)
