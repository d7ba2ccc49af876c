"""Each worker keeps the public records it has read (`api.page_records`): a kept record is never
served once its service changed, whichever worker made the change. Two apps on one database stand
for two workers."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE
from tests.partner_fixtures import World, seed_world


@pytest.fixture
def world(engine: Any) -> World:
    return seed_world(engine)


@pytest.fixture
def other_worker(settings: Settings) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client


def beds(record: dict[str, Any]) -> str | None:
    for attribute in record.get("attributes", []):
        if (attribute.get("taxonomy_term") or {}).get("code") == CAPACITY_BEDS_AVAILABLE:
            return str(attribute["value"])
    return None


def put_beds(client: TestClient, world: World, count: int) -> None:
    answer = client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": count},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 200


def listed(client: TestClient) -> dict[str, dict[str, Any]]:
    page = client.get("/hsds/services?per_page=50")
    assert page.status_code == 200
    return {item["id"]: item for item in page.json()["contents"]}


def test_a_kept_record_is_read_again_after_a_change_made_by_another_worker(
    client: TestClient, other_worker: TestClient, world: World
) -> None:
    put_beds(client, world, 2)
    path = f"/hsds/services/{world.service_a}"
    assert beds(other_worker.get(path).json()) == "2"
    assert beds(other_worker.get(path).json()) == "2"  # kept
    put_beds(client, world, 5)
    assert beds(other_worker.get(path).json()) == "5"
    assert beds(client.get(path).json()) == "5"


def test_a_kept_page_follows_an_approved_edit_and_a_suspension(
    client: TestClient, other_worker: TestClient, world: World
) -> None:
    curator = world.auth(world.curator)
    assert listed(other_worker)[world.service_b]["name"] == "Beta advice"
    assert other_worker.get(f"/hsds/services/{world.service_b}").status_code == 200
    read = client.get(f"/v1/partner/services/{world.service_b}", headers=world.auth(world.token_b))
    edit = client.patch(
        f"/v1/partner/services/{world.service_b}",
        json={"name": "Beta advice, renamed"},
        headers={**world.auth(world.token_b), "If-Match": read.headers["etag"]},
    )
    assert edit.status_code == 202
    assert listed(other_worker)[world.service_b]["name"] == "Beta advice"  # still waiting
    change = edit.json()["change_id"]
    assert client.post(f"/v1/curator/changes/{change}/approve", headers=curator).status_code == 200
    assert listed(other_worker)[world.service_b]["name"] == "Beta advice, renamed"
    one = other_worker.get(f"/hsds/services/{world.service_b}")
    assert one.json()["name"] == "Beta advice, renamed"
    suspended = client.post(
        f"/v1/curator/services/{world.service_b}/suspend",
        json={"reason": "checking"},
        headers=curator,
    )
    assert suspended.status_code == 200
    assert world.service_b not in listed(other_worker)
    assert other_worker.get(f"/hsds/services/{world.service_b}").status_code == 404
    assert world.service_a in listed(other_worker)
