"""A published change reaches the index by rewriting that service's rows only, in a new index; a
match asked while the new one is being made answers from the old one, whole (never a mix)."""

import threading
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from api.index_feed import GAP_SECONDS, ChangeCursor
from api.match_models import MatchRequest
from api.matching import MatchService
from directory.changes import at_once, decide
from directory.database import session_scope
from directory.state import Changed
from matcher.index import Index
from tests.partner_fixtures import World, seed_world

SHELTER = MatchRequest.model_validate(
    {"needs": ["emergency_shelter", "legal_general"], "limit": 50}
)


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def set_beds(engine: Engine, world: World, beds: int) -> None:
    with session_scope(engine) as session:
        at_once.publish_at_once(
            session.connection(),
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.with_beds(beds),
        )


def beds_said(service: MatchService) -> dict[str, Any]:
    """Per matched service, the free beds its reasons state (None: no bed count)."""
    answer = service.match(SHELTER, "en")
    said: dict[str, Any] = {}
    for result in answer.results:
        codes = [item for item in result.reason_codes if item.code == "beds_available"]
        said[result.service.id] = codes[0].params["beds"] if codes else None
    return said


def test_a_capacity_update_rewrites_one_service_and_matches_never_see_a_mix(
    engine: Engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = MatchService(engine, places=None)
    set_beds(engine, world, 3)
    assert service.refresh()
    before = beds_said(service)
    assert before[world.service_a] == 3

    rewritten: list[set[str]] = []
    building, release = threading.Event(), threading.Event()
    real = Index.with_changes

    def slow(index: Index, changed: Any) -> Index | None:
        rewritten.append(set(changed))
        new = real(index, changed)
        building.set()
        assert release.wait(30)
        return new

    monkeypatch.setattr(Index, "with_changes", slow)
    set_beds(engine, world, 12)
    updating = threading.Thread(target=service.refresh)
    updating.start()
    try:
        assert building.wait(30)
        for _ in range(5):  # while the new index is being made: the old one, whole
            assert beds_said(service) == before
    finally:
        release.set()
        updating.join(30)
    after = beds_said(service)
    assert rewritten == [{world.service_a}]  # only the service that changed
    assert after[world.service_a] == 12
    assert {key: value for key, value in after.items() if key != world.service_a} == {
        key: value for key, value in before.items() if key != world.service_a
    }
    assert service.refresh() is False  # nothing more to read


def test_a_suspension_and_its_end_reach_the_index(engine: Engine, world: World) -> None:
    service = MatchService(engine, places=None)
    assert service.refresh()
    assert world.service_b in beds_said(service)
    with session_scope(engine) as session:
        decide.suspend(session.connection(), service_id=world.service_b, reason="reported")
    assert service.refresh()
    assert world.service_b not in beds_said(service)
    with session_scope(engine) as session:
        decide.unsuspend(session.connection(), service_id=world.service_b)
    assert service.refresh()
    assert world.service_b in beds_said(service)


def test_a_change_committed_after_a_later_one_is_still_read() -> None:
    """PostgreSQL: change 1 may commit after change 2; 1 is read again until it comes, or until
    it is taken for a rollback (after `GAP_SECONDS`)."""
    now = [0.0]
    cursor = ChangeCursor(clock=lambda: now[0])
    cursor.applied([Changed(2, "b")])
    assert (cursor.cursor, cursor.version) == (0, 2)  # 1 is still awaited
    assert cursor.new([Changed(1, "a"), Changed(2, "b")]) == [Changed(1, "a")]
    cursor.applied([Changed(1, "a")])
    assert (cursor.cursor, cursor.version, cursor.missing) == (2, 2, {})
    cursor.applied([Changed(4, "d")])
    assert cursor.cursor == 2 and 3 in cursor.missing
    now[0] = GAP_SECONDS + 1  # 3 rolled back: no longer awaited
    cursor.applied([Changed(5, "e")])
    assert (cursor.cursor, cursor.version, cursor.missing) == (5, 5, {})
