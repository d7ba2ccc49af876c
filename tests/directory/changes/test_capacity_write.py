"""Free beds are written alone: the service's capacity attribute, its write time, the audit rows
and event, the change row; never the rest of the record, and all in the caller's transaction."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.engine import Engine

from directory.changes import at_once, working
from directory.changes.propose import Outcome
from directory.hsds.audit_events import AuditEvent
from directory.hsds.tree import TABLES, Record
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE, code_of
from tests.partner_fixtures import World

WRITE = re.compile(r"^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", re.IGNORECASE)
AUDIT_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]


@contextmanager
def written_tables(engine: Engine) -> Iterator[list[str]]:
    """The tables of every INSERT, UPDATE and DELETE sent while the block runs."""
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        found = WRITE.match(text)
        if found:
            seen.append(found.group(1))

    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)


def beds(record: Record) -> str | None:
    found = [a for a in record.get("attributes", []) if code_of(a) == CAPACITY_BEDS_AVAILABLE]
    return str(found[0]["value"]) if found else None


def state_of(connection: Connection, world: World, service_id: str) -> working.Working:
    owner = world.org_a if service_id == world.service_a else world.org_b
    return working.working(connection, service_id=service_id, organization_id=owner)


def audit_counts(connection: Connection) -> tuple[int, int]:
    metadata = TABLES["metadata"]
    rows = connection.execute(select(metadata.c.id).where(metadata.c.field_name == "value")).all()
    return len(rows), len(connection.execute(select(AUDIT_EVENTS.c.id)).all())


def last_modified(connection: Connection, service_id: str) -> Any:
    service = TABLES["service"]
    return connection.execute(
        select(service.c.last_modified).where(service.c.id == service_id)
    ).scalar_one()


def put_beds(connection: Connection, world: World, count: int) -> Outcome:
    return at_once.publish_at_once(
        connection,
        organization_id=world.org_a,
        service_id=world.service_a,
        edit=at_once.with_beds(count),
    )


def test_free_beds_write_only_the_capacity_rows_and_their_audit(
    engine: Engine, world: World
) -> None:
    with engine.begin() as connection:
        before_b = state_of(connection, world, world.service_b).published
        before_a = state_of(connection, world, world.service_a).published
        written_at = last_modified(connection, world.service_a)
    with engine.begin() as connection, written_tables(engine) as tables:
        outcome = put_beds(connection, world, 7)
    assert set(tables) <= {"service", "attribute", "metadata", "directory_change", "audit_event"}
    assert {"attribute", "metadata", "directory_change", "audit_event"} <= set(tables)
    with engine.begin() as connection:
        after_a = state_of(connection, world, world.service_a)
        after_b = state_of(connection, world, world.service_b).published
        assert last_modified(connection, world.service_a) > written_at
    assert beds(after_a.published) == "7"
    assert after_b == before_b
    without_beds = {key: value for key, value in after_a.published.items() if key != "attributes"}
    assert without_beds == {k: v for k, v in before_a.items() if k != "attributes"}
    assert outcome.after.published == after_a.published
    assert outcome.etag == after_a.etag


def test_free_beds_and_their_audit_are_undone_together(engine: Engine, world: World) -> None:
    with engine.begin() as connection:
        put_beds(connection, world, 4)
        counts = audit_counts(connection)
    with engine.connect() as connection:
        transaction = connection.begin()
        put_beds(connection, world, 9)
        assert beds(state_of(connection, world, world.service_a).published) == "9"
        metadata_rows, events = audit_counts(connection)
        assert metadata_rows > counts[0] and events > counts[1]
        transaction.rollback()
    with engine.begin() as connection:
        assert beds(state_of(connection, world, world.service_a).published) == "4"
        assert audit_counts(connection) == counts
