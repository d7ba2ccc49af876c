"""Each worker reads the public records of the directory before it answers
(`PASSERELLE_WARM_RECORDS`, `api.page_records.warm_up`): its first reads of a service then read only
which services changed since, and what it keeps is what a cold read gives: never a
confidential site, nor a suspended service."""

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from api.settings import Settings
from directory.hsds import repository
from tests.api.test_hsds_kept import beds
from tests.directory.test_bundled import RECORDS, codes, load, locations


@contextmanager
def started(settings: Settings, **changes: Any) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(settings.model_copy(update=changes))) as client:
        yield client


@contextmanager
def statements(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs meanwhile."""
    seen: list[str] = []
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def bodies(client: TestClient) -> dict[str, Any]:
    return {record["id"]: client.get(f"/hsds/services/{record['id']}").json() for record in RECORDS}


def test_a_warm_worker_serves_a_service_without_reading_its_record(
    settings: Settings, engine: Engine
) -> None:
    load(engine)
    with started(settings) as client, statements(client) as seen:
        for record in RECORDS[:5]:
            assert client.get(f"/hsds/services/{record['id']}").status_code == 200
    # which services changed since (the request's look, and the index's own): no record read
    assert seen and all("FROM directory_change" in statement for statement in seen), seen


def test_a_cold_worker_reads_the_record_when_first_asked(
    settings: Settings, engine: Engine
) -> None:
    load(engine)
    with started(settings, warm_records=0) as client, statements(client) as seen:
        assert client.get(f"/hsds/services/{RECORDS[0]['id']}").status_code == 200
    assert any("FROM service " in statement for statement in seen)


def test_warm_records_are_the_records_a_cold_read_gives_and_hide_confidential_sites(
    settings: Settings, engine: Engine
) -> None:
    load(engine)
    with started(settings) as warm:
        kept = bodies(warm)
    with started(settings, warm_records=0) as cold:
        assert bodies(cold) == kept
    hidden = {
        location["id"]
        for record in RECORDS
        if "privacy.confidential_address" in codes(record)
        for location in locations(record)
    }
    assert hidden  # the bundled directory has confidential shelters
    assert not hidden & set(re.findall(r"[0-9a-f-]{36}", json.dumps(kept)))


def test_a_service_suspended_before_start_up_is_not_served_warm(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    from tests.partner_fixtures import seed_world

    world = seed_world(engine)
    suspended = client.post(
        f"/v1/curator/services/{world.service_a}/suspend",
        json={"reason": "Reported closed; checking with the organisation."},
        headers=world.auth(world.curator),
    )
    assert suspended.status_code == 200, suspended.text
    with started(settings) as warm:
        assert warm.get(f"/hsds/services/{world.service_a}").status_code == 404
        assert warm.get(f"/hsds/services/{world.service_b}").status_code == 200


def test_a_change_after_the_warm_up_is_served(settings: Settings, engine: Engine) -> None:
    from tests.partner_fixtures import seed_world

    world = seed_world(engine)
    with started(settings) as warm:
        path = f"/hsds/services/{world.service_a}"
        assert warm.get(path).status_code == 200
        answer = warm.put(
            f"/v1/partner/services/{world.service_a}/capacity",
            json={"beds_available": 7},
            headers=world.auth(world.token_a),
        )
        assert answer.status_code == 200
        assert beds(warm.get(path).json()) == "7"


def test_a_negative_warm_up_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="warm_records"):
        Settings(warm_records=-1)


@pytest.mark.parametrize(
    "failure", [OperationalError("SELECT", {}, Exception("down")), KeyError("x")]
)
def test_a_warm_up_that_fails_leaves_the_worker_serving_cold(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
) -> None:
    load(engine)
    real = repository.service_records
    failing = {"on": True}

    def service_records(*args: Any, **kwargs: Any) -> Any:
        if failing["on"]:
            raise failure
        return real(*args, **kwargs)

    monkeypatch.setattr(repository, "service_records", service_records)
    with caplog.at_level(logging.WARNING, logger="passerelle"), started(settings) as client:
        assert "service records not read ahead" in caplog.text
        failing["on"] = False
        assert client.get("/health").status_code == 200
        answer = client.get(f"/hsds/services/{RECORDS[0]['id']}")
        assert answer.status_code == 200 and answer.json()["name"] == RECORDS[0]["name"]
