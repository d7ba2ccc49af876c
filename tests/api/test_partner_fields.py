"""The partner API takes every field the portal's form edits, through the same review and the
same checks: phones per location, addresses placed in Belgium, weekly hours, who is welcome, ages,
offers, conditions; a confidential address is hidden at once, showing it again waits."""

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.changes import repository as changes
from directory.changes.publish import write_record
from directory.taxonomy import attribute_record, code_of, derived_id
from tests.api.test_partner import patch, read
from tests.builders import new_id
from tests.partner_fixtures import World, all_row_counts, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def _location(record: dict[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = record["service_at_locations"][0]["location"]
    return location


def _paths(answer: Any) -> list[str]:
    return [".".join(str(part) for part in item["loc"][1:]) for item in answer.json()["detail"]]


def test_phones_hours_welcome_ages_and_offers_wait_for_review(
    client: TestClient, world: World, engine: Engine
) -> None:
    record, etag = read(client, world)
    links = copy.deepcopy(record["service_at_locations"])
    location = links[0]["location"]
    location["phones"] = [{"id": new_id(), "location_id": location["id"], "number": "02 555 12 34"}]
    codes = ("welcome.undocumented", "audience.women", "offers.free", "requires.appointment")
    attributes = [
        *record["attributes"],
        *(attribute_record(derived_id("a", world.service_a, c), world.service_a, c) for c in codes),
    ]
    schedule = {
        "id": new_id(),
        "service_id": world.service_a,
        "freq": "WEEKLY",
        "byday": "MO,TU",
        "opens_at": "09:00",
        "closes_at": "17:00",
    }
    body = {
        "service_at_locations": links,
        "attributes": attributes,
        "schedules": [schedule],
        "minimum_age": 18,
    }
    answer = patch(client, world, body, etag)
    assert answer.status_code == 202, answer.text
    working, _ = read(client, world)
    assert _location(working)["phones"][0]["number"] == "02 555 12 34"
    assert set(codes) <= {code_of(a) for a in working["attributes"]}
    assert working["schedules"][0]["byday"] == "MO,TU" and working["minimum_age"] == 18
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public.get("schedules", []) == [] and "minimum_age" not in public


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r, loc: loc.update(phones=[{"id": new_id(), "number": "call us"}]), "phones"),
        (
            lambda r, loc: r.update(
                schedules=[{"id": new_id(), "freq": "WEEKLY", "byday": "MO",
                            "opens_at": "18:00", "closes_at": "09:00"}]
            ),
            "schedules[0].closes_at",
        ),
        (
            lambda r, loc: loc["addresses"][0].update(postal_code="9999"),
            "postal_code",
        ),
        (lambda r, loc: loc.update(latitude=51.2194, longitude=4.4025), "latitude"),
    ],
    ids=["phone", "hours", "postcode", "far coordinates"],
)  # fmt: skip
def test_the_same_checks_as_the_portal_name_the_field_and_write_nothing(
    client: TestClient, world: World, engine: Engine, change: Any, path: str
) -> None:
    record, etag = read(client, world)
    proposed = copy.deepcopy(record)
    change(proposed, _location(proposed))
    before = all_row_counts(engine)
    answer = patch(client, world, proposed, etag)
    assert answer.status_code == 422, answer.text
    assert any(path in found for found in _paths(answer)), _paths(answer)
    assert all_row_counts(engine) == before


def test_a_published_number_the_partner_did_not_touch_is_not_checked_again(
    client: TestClient, world: World, engine: Engine
) -> None:
    record, etag = read(client, world)
    proposed = copy.deepcopy(record)
    proposed["phones"][0]["number"] = "12"  # read so in an old source, as an import keeps it
    with engine.begin() as connection:
        write_record(
            connection,
            old=record,
            new=proposed,
            organization_id=world.org_a,
            who="import",
            checked=True,
        )
    record, etag = read(client, world)
    answer = patch(client, world, {"name": "Alpha beds, renamed"}, etag)
    assert answer.status_code == 202, answer.text


def test_marking_a_location_confidential_hides_it_at_once_unmarking_waits(
    client: TestClient, world: World, engine: Engine
) -> None:
    record, etag = read(client, world)
    links = copy.deepcopy(record["service_at_locations"])
    location = links[0]["location"]
    mark = attribute_record(
        derived_id("attribute", location["id"], "privacy.confidential_address"),
        location["id"],
        "privacy.confidential_address",
        link_entity="location",
    )
    location["attributes"] = [*location.get("attributes", []), mark]
    marked = patch(client, world, {"service_at_locations": links}, etag)
    assert marked.status_code == 202, marked.text
    assert marked.json()["published"], marked.json()
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert all(not link.get("location") for link in public["service_at_locations"])
    record, etag = read(client, world)
    links = copy.deepcopy(record["service_at_locations"])
    links[0]["location"]["attributes"] = [
        a
        for a in links[0]["location"]["attributes"]
        if code_of(a) != "privacy.confidential_address"
    ]
    unmarked = patch(client, world, {"service_at_locations": links}, etag)
    assert unmarked.status_code == 202 and unmarked.json()["published"] == []
    assert client.get(f"/hsds/services/{world.service_a}").json() == public
    with engine.connect() as connection:
        assert changes.waiting_change(connection, world.service_a) is not None
