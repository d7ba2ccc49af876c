"""Every step of a service's life is one audit event, written with the step itself: import,
proposal, amendment, approval, rejection (with its reason and date), capacity, confirmation,
suspension and its end."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.changes import at_once, decide
from directory.changes.decisions import decisions, latest_decision
from directory.changes.models import ChangeStatus
from directory.errors import ReasonRequired
from directory.hsds.audit_events import Event, EventFilter, events_page
from tests.partner_fixtures import World, waiting_change


def _events(engine: Engine, **chosen: Any) -> list[Event]:
    with engine.connect() as connection:
        return events_page(connection, EventFilter(**chosen), page=1, per_page=100)[1]


def test_each_step_is_one_event_with_role_service_and_changed_fields(
    engine: Engine, world: World
) -> None:
    first = waiting_change(engine, world, {"name": "Alpha night beds"})
    waiting_change(engine, world, {"description": "Beds for the night."})
    with engine.begin() as connection:
        decide.approve(connection, change_id=first)
    second = waiting_change(engine, world, {"name": "Alpha beds again"})
    with engine.begin() as connection:
        decide.reject(connection, change_id=second, reason="  The old name is the right one. ")
        at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.with_beds(4),
        )
        at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.confirmed(date(2026, 12, 3)),
        )
        decide.suspend(connection, service_id=world.service_a, reason="check the caveats")
        decide.unsuspend(connection, service_id=world.service_a)
    events = _events(engine, service=world.service_a)
    kinds = [event.kind for event in reversed(events)]
    assert kinds == [
        "import",
        "proposal",
        "amendment",
        "approval",
        "proposal",
        "rejection",
        "capacity",
        "confirmation",
        "suspension",
        "unsuspension",
    ]
    by_kind = {event.kind: event for event in events}
    assert by_kind["proposal"].who == "partner" and by_kind["approval"].who == "curator"
    assert by_kind["approval"].service_name == "Alpha night beds"
    assert by_kind["approval"].after["name"] == "Alpha night beds"
    assert by_kind["approval"].before["name"] == "Alpha beds"
    assert by_kind["amendment"].after == {"description": "Beds for the night."}
    assert by_kind["rejection"].reason == "The old name is the right one."
    assert by_kind["confirmation"].after == {"assured_date": "2026-12-03"}
    assert by_kind["suspension"].reason == "check the caveats"
    assert all(event.organization_id == world.org_a for event in events)


def test_the_partner_reads_the_rejection_reason_and_date(engine: Engine, world: World) -> None:
    change_id = waiting_change(engine, world, {"name": "Alpha beds again"})
    with engine.begin() as connection:
        assert latest_decision(connection, service_id=world.service_a) is None
        decide.reject(connection, change_id=change_id, reason="Name as on the sign.")
        found = latest_decision(connection, service_id=world.service_a)
        assert found is not None
        assert found.status is ChangeStatus.rejected and found.reason == "Name as on the sign."
        assert found.decided_at.tzinfo is not None and found.change_id == change_id
        assert [d.change_id for d in decisions(connection, service_id=world.service_a)] == [
            change_id
        ]


def test_a_refused_rejection_writes_no_event(engine: Engine, world: World) -> None:
    change_id = waiting_change(engine, world, {"name": "Alpha beds again"})
    with engine.begin() as connection, pytest.raises(ReasonRequired):
        decide.reject(connection, change_id=change_id, reason="  ")
    assert "rejection" not in {event.kind for event in _events(engine)}


def test_filters_by_organisation_kind_and_name(engine: Engine, world: World) -> None:
    waiting_change(engine, world, {"name": "Alpha night beds"})
    assert {e.service_id for e in _events(engine, organization_id=world.org_b)} == {world.service_b}
    assert [e.kind for e in _events(engine, kind="proposal")] == ["proposal"]
    assert [e.kind for e in _events(engine, kind="changes")] == ["proposal"]
    assert {e.service_id for e in _events(engine, service="BETA adv")} == {world.service_b}
    assert _events(engine, service="100%_") == []
