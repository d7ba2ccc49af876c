"""A worker lets its threads take turns every 0.5 ms, not Python's 5 ms: a thread that has sent
a statement to the database goes on soon after the answer, while the event loop computes."""

import sys

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import GIL_SWITCH_SECONDS


def test_a_worker_switches_threads_every_half_millisecond_while_it_serves(app: FastAPI) -> None:
    before = sys.getswitchinterval()
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert sys.getswitchinterval() == GIL_SWITCH_SECONDS == 0.0005
    assert sys.getswitchinterval() == before  # given back when the worker stops
