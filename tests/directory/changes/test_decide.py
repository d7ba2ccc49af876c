"""Curators' decisions without HTTP: approve, reject, suspend, list again, and their errors."""

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.changes import decide, working
from directory.changes.models import CHANGE, ChangeStatus
from directory.changes.repository import get_change
from directory.errors import (
    AlreadySuspended,
    ChangeDecided,
    ChangeNotFound,
    NotSuspended,
    PasserelleError,
    PublishedChanged,
    ReasonRequired,
    ServiceNotFound,
)
from directory.hsds.audit import audit_page
from directory.hsds.suspensions import suspended_service_ids
from tests.partner_fixtures import World, waiting_change


def _published(engine: Engine, world: World) -> dict[str, Any]:
    with engine.begin() as connection:
        return working.working(
            connection, service_id=world.service_a, organization_id=None
        ).published


def _fails(engine: Engine, error: type[PasserelleError], status: int, action: Any) -> Any:
    with engine.begin() as connection, pytest.raises(error) as raised:
        action(connection)
    assert raised.value.status_code == status
    return raised.value


def test_approving_publishes_the_change_with_an_audit_row_per_field(
    engine: Engine, world: World
) -> None:
    change_id = waiting_change(engine, world, {"name": "Alpha beds (night)"})
    with engine.begin() as connection:
        decide.approve(connection, change_id=change_id)
        change = get_change(connection, change_id)
        _, entries = audit_page(connection, page=1, per_page=20)
    assert change is not None and change.status is ChangeStatus.approved
    assert _published(engine, world)["name"] == "Alpha beds (night)"
    named = [e for e in entries if e.field == "name" and e.resource_id == world.service_a]
    assert [(e.action, e.old, e.new, e.who) for e in named] == [
        ("update", "Alpha beds", "Alpha beds (night)", "partner")
    ]
    error = _fails(engine, ChangeDecided, 409, lambda c: decide.approve(c, change_id=change_id))
    assert error.code == "change_decided" and error.message == "this change was already approved"


def test_a_change_whose_base_is_no_longer_published_is_not_approved(
    engine: Engine, world: World
) -> None:
    change_id = waiting_change(engine, world, {"name": "Renamed"})
    with engine.begin() as connection:  # as if the published record changed since
        connection.execute(
            CHANGE.update().where(CHANGE.c.id == change_id).values(base_version="0" * 64)
        )
    error = _fails(engine, PublishedChanged, 409, lambda c: decide.approve(c, change_id=change_id))
    assert error.code == "published_changed"
    assert _published(engine, world)["name"] == "Alpha beds"


def test_an_unknown_change_is_not_found(engine: Engine, world: World) -> None:
    error = _fails(engine, ChangeNotFound, 404, lambda c: decide.approve(c, change_id="nope"))
    assert error.code == "change_not_found" and error.message == "no change with id nope"
    _fails(engine, ChangeNotFound, 404, lambda c: decide.reject(c, change_id="nope", reason="x"))


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason_named_as_the_field(
    engine: Engine, world: World, reason: str
) -> None:
    change_id = waiting_change(engine, world, {"name": "Renamed"})
    error = _fails(
        engine, ReasonRequired, 422, lambda c: decide.reject(c, change_id=change_id, reason=reason)
    )
    assert error.code == "reason_required" and error.message == "say why the change is rejected"
    assert [(e.field, e.message, e.code) for e in error.errors] == [
        ("reason", "a reason is required", "reason_required")
    ]
    with engine.begin() as connection:
        decide.reject(connection, change_id=change_id, reason=" Not a real name. ")
        change = get_change(connection, change_id)
    assert change is not None and change.status is ChangeStatus.rejected
    assert change.reason == "Not a real name."
    assert _published(engine, world)["name"] == "Alpha beds"


def test_suspending_hides_a_service_and_listing_it_again_shows_it(
    engine: Engine, world: World
) -> None:
    service = world.service_a
    error = _fails(
        engine, ReasonRequired, 422, lambda c: decide.suspend(c, service_id=service, reason=" ")
    )
    assert error.message == "say why the service is suspended"
    with engine.begin() as connection:
        decide.suspend(connection, service_id=service, reason="caveats to check")
        assert service in suspended_service_ids(connection)
    error = _fails(
        engine, AlreadySuspended, 409, lambda c: decide.suspend(c, service_id=service, reason="x")
    )
    assert error.code == "already_suspended"
    with engine.begin() as connection:
        decide.unsuspend(connection, service_id=service)
        assert service not in suspended_service_ids(connection)
        _, entries = audit_page(connection, page=1, per_page=20)
    rows = [(e.action, e.field, e.old, e.new, e.who) for e in entries if e.field == "suspended"]
    assert sorted(rows) == [
        ("suspend", "suspended", "", "caveats to check", "curator"),
        ("unsuspend", "suspended", "caveats to check", "", "curator"),
    ]
    error = _fails(engine, NotSuspended, 404, lambda c: decide.unsuspend(c, service_id=service))
    assert error.code == "not_suspended" and error.message == f"service {service} is not suspended"


def test_suspending_an_unknown_service_is_not_found(engine: Engine, world: World) -> None:
    error = _fails(
        engine, ServiceNotFound, 404, lambda c: decide.suspend(c, service_id="nope", reason="x")
    )
    assert error.code == "service_not_found"


def test_the_diff_names_each_field_approving_would_change(engine: Engine, world: World) -> None:
    change_id = waiting_change(engine, world, {"name": "Renamed", "description": "New words."})
    with engine.begin() as connection:
        change = get_change(connection, change_id)
        assert change is not None
        fields = sorted(item.field for item in decide.diff(connection, change))
        touched = decide.touches(connection, change)
    assert fields == ["description", "name"]
    assert [t.id for t in touched if t.resource_type == "service"] == [world.service_a]
