"""F4 of the December security review: a row written past the checks (by hand, or by an older
version) never freezes matching silently nor stops the server from starting.

A bad bed count is ignored (the service is still matched); a record that cannot be indexed at all
keeps the last index, says so in `/health` and in the log, and is retried until it is fixed."""

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

import api.index_feed
from api.app import create_app
from api.settings import Settings
from directory.state import bump_version
from matcher.listing import listing_from_record
from tests.partner_fixtures import World, seed_world

NEEDS = {"needs": ["emergency_shelter", "legal_general"], "limit": 50}
BROKEN = "Unindexable (test)"


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"refresh_seconds": 0.1})


def matched(client: TestClient) -> set[str]:
    answer = client.post("/v1/match", json=NEEDS)
    assert answer.status_code == 200, answer.text
    return {result["service"]["id"] for result in answer.json()["results"]}


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll `check` until it holds (a generous timeout, not a timed test)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def suspend(client: TestClient, world: World, service_id: str) -> None:
    answer = client.post(
        f"/v1/curator/services/{service_id}/suspend",
        json={"reason": "reported as unsafe"},
        headers=world.auth(world.curator),
    )
    assert answer.status_code == 200, answer.text


def write_by_hand(engine: Engine, sql: str, **values: Any) -> None:
    """What a hand-made fix or an older version might have written, past every check."""
    with engine.begin() as connection:
        connection.execute(text(sql), values)
        bump_version(connection)


def test_a_bed_count_stored_past_the_checks_is_ignored_not_fatal(
    fast: Settings, world: World, engine: Engine
) -> None:
    with TestClient(create_app(fast)) as client:
        put = client.put(
            f"/v1/partner/services/{world.service_a}/capacity",
            json={"beds_available": 3},
            headers=world.auth(world.token_a),
        )
        assert put.status_code == 200, put.text
        write_by_hand(
            engine,
            "UPDATE attribute SET value = :value WHERE link_id = :service AND value = '3'",
            value="9" * 400,
            service=world.service_a,
        )
        suspend(client, world, world.service_b)
        assert eventually(lambda: matched(client) == {world.service_a})
        assert client.get("/health").json() == {"status": "ok", "database": "ok"}
    with TestClient(create_app(fast)) as fresh:  # and a restart still starts
        assert matched(fresh) == {world.service_a}


@pytest.fixture
def unindexable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A record the matcher cannot read, for a reason nobody foresaw: named BROKEN here."""
    real = listing_from_record

    def listing(record: Any) -> Any:
        if record.get("name") == BROKEN:
            raise OverflowError("cannot convert float infinity to integer")
        return real(record)

    monkeypatch.setattr(api.index_feed, "listing_from_record", listing)
    yield


def test_an_unindexable_record_keeps_the_last_index_until_it_is_fixed(
    fast: Settings,
    world: World,
    engine: Engine,
    unindexable: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="passerelle")
    with TestClient(create_app(fast)) as client:
        assert matched(client) == {world.service_a, world.service_b}
        assert client.get("/health").json()["status"] == "ok"
        write_by_hand(
            engine,
            "UPDATE service SET name = :name WHERE id = :id",
            name=BROKEN,
            id=world.service_a,
        )
        suspend(client, world, world.service_b)
        assert eventually(lambda: client.get("/health").json().get("index") == "stale")
        assert client.get("/health").json() == {
            "status": "degraded",
            "database": "ok",
            "index": "stale",
        }
        # the last index answers (the suspension waits for the fix), and says so in the log
        assert matched(client) == {world.service_a, world.service_b}
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and world.service_a in errors[0], errors
        assert "OverflowError" in errors[0] and "Traceback" not in caplog.text

        with TestClient(create_app(fast)) as fresh:  # a restart starts with what it can index
            assert fresh.get("/health").json()["index"] == "stale"
            assert matched(fresh) == set()

        with engine.begin() as connection:  # fixed by hand: no new version, still picked up
            connection.execute(
                text("UPDATE service SET name = 'Alpha beds' WHERE id = :id"),
                {"id": world.service_a},
            )
        assert eventually(lambda: matched(client) == {world.service_a})
        assert client.get("/health").json() == {"status": "ok", "database": "ok"}
