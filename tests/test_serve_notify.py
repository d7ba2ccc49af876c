"""Two `passerelle serve` hosts on one PostgreSQL database, polling only once an hour: a partner's
capacity update reaches every worker of both through `LISTEN/NOTIFY` (polled here with a generous
timeout; nothing is timed)."""

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.server import running_server, worker_pids
from directory.database import make_engine
from tests.partner_fixtures import seed_world

NEVER = "3600"
"""The fallback poll: once an hour, far beyond this test's timeout."""
ASK = {"needs": ["emergency_shelter"], "limit": 50}


def beds(base: str, service_id: str) -> Any:
    """The free beds the match answer states for the service (None: none stated), asked on a new
    connection so that any worker may answer."""
    with httpx.Client(timeout=10) as client:
        answer = client.post(f"{base}/v1/match", json=ASK)
    assert answer.status_code == 200, answer.text
    for result in answer.json()["results"]:
        if result["service"]["id"] == service_id:
            codes = [c for c in result["reason_codes"] if c["code"] == "beds_available"]
            return codes[0]["params"]["beds"] if codes else None
    raise AssertionError(f"{service_id} not matched")


def test_a_capacity_update_reaches_every_worker_and_host_by_notification(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("notifications are PostgreSQL's; SQLite polls")
    engine = make_engine(database_url)
    world = seed_world(engine)
    engine.dispose()
    logs = tmp_path / "a.log", tmp_path / "b.log"
    with (
        running_server(database_url, workers=2, log=logs[0], refresh_seconds=NEVER) as (a, pid),
        running_server(database_url, workers=1, log=logs[1], refresh_seconds=NEVER) as (b, _),
    ):
        assert len(worker_pids(pid)) >= 2
        assert {beds(base, world.service_a) for base in (a, b) for _ in range(10)} == {None}
        put = httpx.put(
            f"{a}/v1/partner/services/{world.service_a}/capacity",
            json={"beds_available": 17},
            headers=world.auth(world.token_a),
            timeout=10,
        )
        assert put.status_code == 200, put.text
        for base in (b, a):
            deadline = time.monotonic() + 60
            while beds(base, world.service_a) != 17:
                assert time.monotonic() < deadline, f"{base} never saw the update"
                time.sleep(0.1)
        assert {beds(base, world.service_a) for base in (a, b) for _ in range(30)} == {17}
    for log in logs:
        output = log.read_text()
        assert "Traceback" not in output, output
        assert "match index: 1 service(s) changed" in output, output  # only that one
