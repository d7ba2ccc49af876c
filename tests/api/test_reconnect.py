"""Every `reconnect_every`-th answer of a worker closes its connection after it, so that
kept-alive clients spread over the workers (`api.reconnect`); the answer itself is whole."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.settings import Settings


def closes(settings: Settings, every: int, answers: int) -> list[int]:
    """Which of `answers` answers (counted from 1) said `Connection: close`."""
    from api.app import create_app

    with TestClient(create_app(settings.model_copy(update={"reconnect_every": every}))) as client:
        said = [client.get("/health").headers.get("connection") for _ in range(answers)]
    assert set(said) <= {None, "close"}
    return [number for number, value in enumerate(said, 1) if value == "close"]


def test_every_third_answer_closes_its_connection(settings: Settings) -> None:
    assert closes(settings, 3, 10) == [3, 6, 9]


def test_no_answer_closes_its_connection_when_turned_off(settings: Settings) -> None:
    assert closes(settings, 0, 10) == []


def test_a_negative_count_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="reconnect_every"):
        Settings(reconnect_every=-1)
