"""A partner states a location's accessibility through the partner API: answers yes or no wait
for review like any edit; anything else is refused naming the field, nothing written."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.hsds.accessibility import answers, with_answers
from tests.api.test_partner import patch, read
from tests.partner_fixtures import World, all_row_counts, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def _stating(record: dict[str, Any], **stated: bool) -> list[dict[str, Any]]:
    links = record["service_at_locations"]
    links[0]["location"] = with_answers(links[0]["location"], stated)
    return links  # type: ignore[no-any-return]


def test_answers_wait_for_review_in_the_working_record(client: TestClient, world: World) -> None:
    record, etag = read(client, world)
    answer = patch(client, world, {"service_at_locations": _stating(record, step_free=True)}, etag)
    assert answer.status_code == 202, answer.text
    working, _ = read(client, world)
    assert answers(working["service_at_locations"][0]["location"]) == {"step_free": True}


def test_an_answer_other_than_yes_or_no_names_the_field(
    client: TestClient, world: World, engine: Engine
) -> None:
    record, etag = read(client, world)
    links = _stating(record, quiet_room=False)
    links[0]["location"]["accessibility"][0]["attributes"][0]["value"] = "perhaps"
    before = all_row_counts(engine)
    answer = patch(client, world, {"service_at_locations": links}, etag)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"][1:] == [
        "service_at_locations[0]",
        "location",
        "accessibility[0]",
        "attributes[0]",
        "value",
    ]
    assert problem["msg"] == "access.quiet_room must be 'yes' or 'no'"
    assert all_row_counts(engine) == before
