"""Writes read the record once while they hold the service's lock: the working version they
leave is worked out from the rows they wrote, and it is the one a fresh read gives."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine

from directory.changes import at_once, propose, publish, working
from directory.hsds import repository
from directory.hsds.tree import TABLES, Record
from tests.builders import at_locations, location, with_phone
from tests.partner_fixtures import World


@contextmanager
def counted(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Record reads, and the statements sent from the service's lock on."""
    seen = {"reads": 0, "in_lock": 0}
    real = repository.service_records

    def service_records(*args: Any, **kwargs: Any) -> list[Record]:
        seen["reads"] += 1
        return real(*args, **kwargs)

    def statement(_conn: Any, _cursor: Any, text: str, *_args: Any) -> None:
        if seen["in_lock"] or text.startswith("UPDATE service SET name"):
            seen["in_lock"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(working, "service_records", service_records)
            yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)


def fresh(connection: Connection, world: World) -> working.Working:
    return working.working(connection, service_id=world.service_a, organization_id=world.org_a)


def with_a_site(engine: Engine, world: World) -> None:
    """Service A at a site with a phone, so that a write replaces nested collections too."""
    with engine.begin() as connection:
        state = fresh(connection, world)
        site = with_phone(location(name="Alpha site", latitude=50.85, longitude=4.35), "025550101")
        record = at_locations(dict(state.published), [site])
        publish.write_record(
            connection, old=state.published, new=record, organization_id=world.org_a, who="curator"
        )


EDITS: dict[str, at_once.AtOnce] = {
    "beds": at_once.with_beds(3),
    "still accurate": at_once.confirmed(date(2026, 12, 3)),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_publishing_at_once_reads_the_record_once(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    with_a_site(engine, world)
    with engine.begin() as connection, counted(engine, monkeypatch) as seen:
        outcome = at_once.publish_at_once(
            connection, organization_id=world.org_a, service_id=world.service_a, edit=EDITS[edit]
        )
    assert seen["reads"] == 1
    assert 0 < seen["in_lock"] <= 4 * len(TABLES), "a read, a deletion pass, an upsert, a check"
    with engine.begin() as connection:
        again = fresh(connection, world)
    assert outcome.after.published == again.published
    assert outcome.etag == again.etag


def test_what_cannot_wait_is_published_from_one_read(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_a_site(engine, world)
    with engine.begin() as connection:
        state = fresh(connection, world)
    site = state.record["service_at_locations"][0]["location"]
    mark = {
        "id": "3c7c5a65-0d4c-4f55-9d3e-6a8d4b1f2e01",
        "link_id": site["id"],
        "link_entity": "service",  # as a partner may send it: stored as the location's
        "taxonomy_term": {"code": "privacy.confidential_address"},
    }
    patch = {
        "status": "defunct",
        "service_at_locations": [
            {
                **state.record["service_at_locations"][0],
                "location": {**site, "attributes": [*site["attributes"], mark]},
            }
        ],
    }
    with engine.begin() as connection, counted(engine, monkeypatch) as seen:
        outcome = propose.propose(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            if_match=state.etag,
            patch=patch,
        )
    assert seen["reads"] == 1
    assert outcome.published == ["status", f"privacy.confidential_address on {site['id']}"]
    with engine.begin() as connection:
        again = fresh(connection, world)
    assert outcome.after.published == again.published
    assert outcome.etag == again.etag
