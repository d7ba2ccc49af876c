"""Partners' changes without HTTP: what waits, what is published at once, and the ETag left."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.changes import at_once, ownership, propose, publish, working
from directory.changes.models import ChangeKind
from directory.changes.repository import get_change, waiting_change
from directory.errors import (
    BedsInvalid,
    IdTaken,
    InvalidInput,
    NewServiceWaiting,
    NotAnObject,
    PreconditionFailed,
    StaleVersion,
)
from directory.hsds.audit import audit_page
from tests.builders import new_id
from tests.partner_fixtures import World


def _state(engine: Engine, world: World) -> working.Working:
    with engine.begin() as connection:
        return working.working(connection, service_id=world.service_a, organization_id=world.org_a)


def _propose(engine: Engine, world: World, patch: Any, if_match: str) -> propose.Outcome:
    with engine.begin() as connection:
        return propose.propose(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            if_match=if_match,
            patch=patch,
        )


def test_an_edit_waits_and_its_etag_is_the_one_a_fresh_read_gives(
    engine: Engine, world: World
) -> None:
    before = _state(engine, world)
    outcome = _propose(engine, world, {"name": "Alpha beds (night)"}, before.etag)
    after = _state(engine, world)
    assert outcome.change_id is not None and outcome.published == []
    assert outcome.etag == after.etag != before.etag
    assert outcome.after.record["name"] == after.record["name"] == "Alpha beds (night)"
    assert after.published["name"] == "Alpha beds"
    again = _propose(engine, world, {"description": "Open at night."}, after.etag)
    assert again.change_id == outcome.change_id, "one change waits per service"
    assert again.etag == _state(engine, world).etag
    with engine.begin() as connection:
        change = get_change(connection, outcome.change_id)
    assert change is not None and change.revision == 2 and change.kind is ChangeKind.update


def test_an_edit_reads_the_working_record_once_and_validates_once(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"working": 0, "validate": 0}
    real_working, real_validate = working.working, ownership.validate

    def counted_working(*args: Any, **kwargs: Any) -> working.Working:
        calls["working"] += 1
        return real_working(*args, **kwargs)

    def counted_validate(*args: Any, **kwargs: Any) -> Any:
        calls["validate"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(propose, "working", counted_working)
    monkeypatch.setattr(propose, "validate", counted_validate)
    monkeypatch.setattr(publish, "validate", counted_validate)
    etag = _state(engine, world).etag
    outcome = _propose(engine, world, {"status": "defunct", "name": "Later"}, etag)
    assert calls == {"working": 1, "validate": 1}
    assert outcome.published == ["status"]
    assert outcome.etag == _state(engine, world).etag


def test_closing_is_published_at_once_and_the_rest_waits(engine: Engine, world: World) -> None:
    etag = _state(engine, world).etag
    outcome = _propose(engine, world, {"status": "defunct", "name": "Old name kept"}, etag)
    state = _state(engine, world)
    assert outcome.published == ["status"]
    assert state.published["status"] == "defunct" and state.published["name"] == "Alpha beds"
    assert state.record["name"] == "Old name kept"
    assert outcome.etag == state.etag


def test_an_edit_that_changes_nothing_drops_the_waiting_change(
    engine: Engine, world: World
) -> None:
    first = _propose(engine, world, {"name": "Renamed"}, _state(engine, world).etag)
    undone = _propose(engine, world, {"name": "Alpha beds"}, first.etag)
    assert undone.change_id is None and undone.after.change is None
    assert undone.etag == _state(engine, world).etag
    with engine.begin() as connection:
        assert waiting_change(connection, world.service_a) is None


def test_a_stale_etag_is_refused_with_412_and_nothing_waits(engine: Engine, world: World) -> None:
    with pytest.raises(StaleVersion) as raised:
        _propose(engine, world, {"name": "late"}, '"stale"')
    assert isinstance(raised.value, PreconditionFailed) and raised.value.status_code == 412
    assert raised.value.code == "stale_version"
    with engine.begin() as connection:
        assert waiting_change(connection, world.service_a) is None


def test_a_patch_that_is_no_object_is_refused_naming_the_body(engine: Engine, world: World) -> None:
    with pytest.raises(NotAnObject) as raised:
        _propose(engine, world, ["not", "an", "object"], "*")
    assert raised.value.status_code == 422 and raised.value.code == "not_an_object"
    assert [(e.where, e.field) for e in raised.value.errors] == [("(body)", "(patch)")]


@pytest.mark.parametrize("beds", [-1, 100_001, True, "3", 2.5])
def test_free_beds_out_of_bounds_are_refused_naming_the_field(beds: Any) -> None:
    with pytest.raises(BedsInvalid) as raised:
        at_once.with_beds(beds)
    assert raised.value.status_code == 422 and raised.value.code == "beds_invalid"
    assert [(e.field, e.code) for e in raised.value.errors] == [("beds_available", "beds_invalid")]
    assert raised.value.errors[0].message == "must be a whole number from 0 to 100000"


def test_free_beds_are_published_at_once_and_carried_into_the_waiting_change(
    engine: Engine, world: World
) -> None:
    waiting = _propose(engine, world, {"name": "Renamed"}, _state(engine, world).etag)
    with engine.begin() as connection:
        outcome = at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.with_beds(4),
        )
    state = _state(engine, world)
    assert outcome.published == ["*"] and outcome.change_id == waiting.change_id
    assert outcome.etag == state.etag

    def beds(record: dict[str, Any]) -> list[str]:
        return [
            a["value"]
            for a in record["attributes"]
            if a["taxonomy_term"]["code"] == "capacity.beds_available"
        ]

    assert beds(state.published) == ["4"] and beds(state.record) == ["4"]
    assert state.record["name"] == "Renamed"
    with engine.begin() as connection:
        _, entries = audit_page(connection, page=1, per_page=50)
    assert any(e.who == "partner" and e.resource_type == "attribute" for e in entries)


def test_still_accurate_sets_the_assured_date(engine: Engine, world: World) -> None:
    with engine.begin() as connection:
        outcome = at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.confirmed(date(2026, 12, 3)),
        )
    assert outcome.change_id is None
    assert _state(engine, world).published["assured_date"] == "2026-12-03"
    assert outcome.etag == _state(engine, world).etag


def _new(engine: Engine, world: World, record: Any) -> str:
    with engine.begin() as connection:
        return propose.propose_new(connection, organization_id=world.org_a, record=record)


def test_a_new_service_waits_and_nothing_of_it_can_be_published_at_once(
    engine: Engine, world: World
) -> None:
    record = {"id": new_id(), "name": "Alpha day centre", "status": "active"}
    change_id = _new(engine, world, record)
    with engine.begin() as connection:
        change = get_change(connection, change_id)
        state = working.working(connection, service_id=record["id"], organization_id=world.org_a)
    assert change is not None and change.kind is ChangeKind.create
    assert state.is_new and state.record["name"] == "Alpha day centre"
    with engine.begin() as connection, pytest.raises(NewServiceWaiting) as raised:
        at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=record["id"],
            edit=at_once.with_beds(1),
        )
    assert raised.value.status_code == 409 and raised.value.code == "new_service_waiting"
    fixed = _propose_new_service(engine, world, record["id"], state.etag)
    with engine.begin() as connection:
        fresh = working.working(connection, service_id=record["id"], organization_id=world.org_a)
    assert fixed.etag == fresh.etag and fresh.record["name"] == "Alpha day centre (fixed)"


def _propose_new_service(
    engine: Engine, world: World, service_id: str, etag: str
) -> propose.Outcome:
    with engine.begin() as connection:
        return propose.propose(
            connection,
            organization_id=world.org_a,
            service_id=service_id,
            if_match=etag,
            patch={"name": "Alpha day centre (fixed)"},
        )


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"name": "x", "organization_id": "another"}, "organization_id"),
        ({"name": "x", "organization": {"id": "o"}}, "organization"),
        ({"name": "x", "metadata": []}, "metadata"),
        ({"name": "x", "colour": "red"}, "colour"),
    ],
)
def test_a_new_service_with_fields_a_partner_cannot_set_is_refused_by_field(
    engine: Engine, world: World, record: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        _new(engine, world, record)
    assert raised.value.status_code == 422 and raised.value.code == "fields_refused"
    assert field in [e.field for e in raised.value.errors]


def test_a_new_service_that_is_no_object_or_takes_an_id_is_refused(
    engine: Engine, world: World
) -> None:
    with pytest.raises(NotAnObject) as not_object:
        _new(engine, world, "a service")
    assert [e.field for e in not_object.value.errors] == ["(record)"]
    record = {"id": world.service_b, "name": "Copy", "status": "active"}
    with pytest.raises(IdTaken) as taken:
        _new(engine, world, record)
    assert taken.value.code == "id_taken" and [e.field for e in taken.value.errors] == ["id"]
