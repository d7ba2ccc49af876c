"""The partner API: scoped tokens, reviewed edits, capacity and confirmation, no lost updates."""

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.changes.working import published_record
from directory.hsds.importer import import_records
from tests.builders import attribute, new_id
from tests.partner_fixtures import World, all_row_counts, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def read(
    client: TestClient, world: World, service_id: str | None = None
) -> tuple[dict[str, Any], str]:
    answer = client.get(
        f"/v1/partner/services/{service_id or world.service_a}", headers=world.auth(world.token_a)
    )
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["etag"]


def patch(
    client: TestClient, world: World, body: Any, etag: str | None, token: str | None = None
) -> Any:
    headers = {**world.auth(token or world.token_a), "Content-Type": "application/merge-patch+json"}
    if etag is not None:
        headers["If-Match"] = etag
    return client.patch(f"/v1/partner/services/{world.service_a}", json=body, headers=headers)


def test_read_own_service_with_etag(client: TestClient, world: World) -> None:
    record, etag = read(client, world)
    assert record["id"] == world.service_a and record["name"] == "Alpha beds"
    assert etag.startswith('"') and "metadata" not in record


def test_patch_waits_for_review_and_amends(
    client: TestClient, world: World, engine: Engine
) -> None:
    _, etag = read(client, world)
    first = patch(client, world, {"name": "Alpha beds (night)"}, etag)
    assert first.status_code == 202, first.text
    change_id = first.json()["change_id"]
    assert first.headers["etag"] != etag
    record, current = read(client, world)
    assert record["name"] == "Alpha beds (night)" and current == first.headers["etag"]
    with engine.connect() as connection:
        assert published_record(connection, world.service_a)["name"] == "Alpha beds"  # type: ignore[index]
    again = patch(client, world, {"description": "Open at night."}, current)
    assert again.status_code == 202 and again.json()["change_id"] == change_id
    record, _ = read(client, world)
    assert record["name"] == "Alpha beds (night)" and record["description"] == "Open at night."
    assert patch(client, world, {"name": "late"}, etag).status_code == 412
    assert patch(client, world, {"name": "Any version"}, "*").status_code == 202


def test_check_order(client: TestClient, world: World) -> None:
    assert patch(client, world, {"name": "x"}, None, token="nonsense").status_code == 401
    other = client.patch(
        f"/v1/partner/services/{world.service_b}",
        json={"name": "x"},
        headers=world.auth(world.token_a),
    )
    assert other.status_code == 404
    assert patch(client, world, {"name": "x"}, None).status_code == 428
    assert patch(client, world, {"name": "x"}, '"stale"').status_code == 412


@pytest.mark.parametrize("waiting", [False, True], ids=["new-change", "amend"])
def test_same_etag_twice_gives_one_202_and_one_412(
    client: TestClient, world: World, waiting: bool
) -> None:
    _, etag = read(client, world)
    if waiting:
        etag = patch(client, world, {"description": "Already waiting."}, etag).headers["etag"]
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def send(name: str) -> None:
        barrier.wait()
        results[name] = patch(client, world, {"name": name}, etag).status_code

    threads = [threading.Thread(target=send, args=(f"Name {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [202, 412]
    (winner,) = [name for name, status in results.items() if status == 202]
    (loser,) = [name for name, status in results.items() if status == 412]
    record, current = read(client, world)
    assert record["name"] == winner
    if waiting:
        assert record["description"] == "Already waiting."
    assert patch(client, world, {"alternate_name": loser}, current).status_code == 202
    record, _ = read(client, world)
    assert (record["name"], record["alternate_name"]) == (winner, loser)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"status": "sleeping"}, "status"),
        ({"languages": [{"id": "11111111-1111-4111-8111-111111111111", "code": "xx"}]}, "code"),
        ({"email": "not an address"}, "email"),
        ({"minimum_age": 40, "maximum_age": 18}, "minimum_age"),
        ({"id": "11111111-1111-4111-8111-111111111111"}, "id"),
        ({"organization_id": "11111111-1111-4111-8111-111111111111"}, "organization_id"),
        ({"organization": {"name": "Someone else"}}, "organization"),
        ({"metadata": []}, "metadata"),
    ],
)
def test_bad_patch_names_the_field_and_writes_nothing(
    client: TestClient, world: World, engine: Engine, body: Any, field: str
) -> None:
    _, etag = read(client, world)
    before = all_row_counts(engine)
    answer = patch(client, world, body, etag)
    assert answer.status_code == 422, answer.text
    assert field in str(answer.json()["detail"])
    assert all_row_counts(engine) == before


def test_patch_cannot_take_another_services_rows(client: TestClient, world: World) -> None:
    other = client.get(f"/hsds/services/{world.service_b}").json()
    _, etag = read(client, world)
    stolen = {**other["phones"][0], "service_id": world.service_a}
    del stolen["metadata"]
    answer = patch(client, world, {"phones": [stolen]}, etag)
    assert answer.status_code == 422 and "already used" in answer.text
    assert client.get(f"/hsds/services/{world.service_b}").json()["phones"] == other["phones"]


def test_malformed_body(client: TestClient, world: World) -> None:
    _, etag = read(client, world)
    headers = {**world.auth(world.token_a), "If-Match": etag, "Content-Type": "application/json"}
    answer = client.patch(f"/v1/partner/services/{world.service_a}", content=b"{", headers=headers)
    assert answer.status_code == 422
    assert patch(client, world, ["not", "an", "object"], etag).status_code == 422


def test_capacity_publishes_at_once_with_time_and_audit(client: TestClient, world: World) -> None:
    before = datetime.now(UTC)
    answer = client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": 3},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 200, answer.text
    public = client.get(f"/hsds/services/{world.service_a}").json()
    beds = [
        a for a in public["attributes"] if a["taxonomy_term"]["code"] == "capacity.beds_available"
    ]
    assert len(beds) == 1 and beds[0]["value"] == "3"
    (row,) = beds[0]["metadata"]
    assert row["last_action_type"] == "create" and '"value": "3"' in row["replacement_value"]
    assert row["updated_by"] == "partner"
    assert datetime.fromisoformat(row["last_action_date"]) >= before.replace(microsecond=0)
    client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": 0},
        headers=world.auth(world.token_a),
    )
    public = client.get(f"/hsds/services/{world.service_a}").json()
    (beds,) = [a for a in public["attributes"] if a.get("value") == "0"]
    latest = max(beds["metadata"], key=lambda m: m["last_action_date"])
    assert latest["field_name"] == "value"
    assert (latest["previous_value"], latest["replacement_value"]) == ("3", "0")


@pytest.mark.parametrize("beds", [-1, 1.5, "3", None, True])
def test_capacity_must_be_a_whole_number(
    client: TestClient, world: World, engine: Engine, beds: Any
) -> None:
    before = all_row_counts(engine)
    answer = client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": beds},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 422 and "beds_available" in answer.text
    assert all_row_counts(engine) == before


def test_capacity_keeps_the_waiting_change(client: TestClient, world: World) -> None:
    _, etag = read(client, world)
    assert patch(client, world, {"name": "Renamed"}, etag).status_code == 202
    client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": 5},
        headers=world.auth(world.token_a),
    )
    record, _ = read(client, world)
    assert record["name"] == "Renamed"
    assert any(a.get("value") == "5" for a in record["attributes"])


def test_confirm_sets_assured_date(client: TestClient, world: World) -> None:
    answer = client.post(
        f"/v1/partner/services/{world.service_a}/confirm", headers=world.auth(world.token_a)
    )
    assert answer.status_code == 200
    today = datetime.now(UTC).date().isoformat()
    assert client.get(f"/hsds/services/{world.service_a}").json()["assured_date"] == today


def test_closing_publishes_at_once(client: TestClient, world: World) -> None:
    _, etag = read(client, world)
    answer = patch(client, world, {"status": "defunct", "name": "Old name kept"}, etag)
    assert answer.status_code == 202 and answer.json()["published"] == ["status"]
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["status"] == "defunct" and public["name"] == "Alpha beds"


def test_confidential_address_publishes_at_once(client: TestClient, world: World) -> None:
    record, etag = read(client, world)
    mark = attribute(world.service_a, "privacy.confidential_address")
    answer = patch(client, world, {"attributes": [*record["attributes"], mark]}, etag)
    assert answer.status_code == 202, answer.text
    assert answer.json()["change_id"] is None
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["service_at_locations"] == []


def test_propose_new_service(client: TestClient, world: World) -> None:
    body = {"name": "Alpha day centre", "status": "active"}
    answer = client.post("/v1/partner/services", json=body, headers=world.auth(world.token_a))
    assert answer.status_code == 202, answer.text
    foreign = {**body, "organization_id": world.org_b}
    refused = client.post("/v1/partner/services", json=foreign, headers=world.auth(world.token_a))
    assert refused.status_code == 422 and "organization_id" in refused.text


def test_a_new_service_waiting_for_review_can_be_corrected(
    client: TestClient, world: World, engine: Engine
) -> None:
    service_id = new_id()
    body = {"id": service_id, "name": "Alpha day centre (typo)", "status": "active"}
    proposed = client.post("/v1/partner/services", json=body, headers=world.auth(world.token_a))
    change_id = proposed.json()["change_id"]
    path = f"/v1/partner/services/{service_id}"
    read_new = client.get(path, headers=world.auth(world.token_a))
    assert read_new.status_code == 200 and read_new.json()["name"] == "Alpha day centre (typo)"
    etag = read_new.headers["etag"]
    # another organisation sees nothing; nothing is public; nothing publishes at once
    assert client.get(path, headers=world.auth(world.token_b)).status_code == 404
    assert client.get(f"/hsds/services/{service_id}").status_code == 404
    beds = client.put(
        f"{path}/capacity", json={"beds_available": 3}, headers=world.auth(world.token_a)
    )
    assert beds.status_code == 409 and "waits for review" in beds.json()["detail"]
    before = all_row_counts(engine)
    fixed = client.patch(
        path,
        json={"name": "Alpha day centre"},
        headers={**world.auth(world.token_a), "If-Match": etag},
    )
    assert fixed.status_code == 202, fixed.text
    assert fixed.json() == {"change_id": change_id, "published": []}
    assert fixed.headers["etag"] != etag
    stale = client.patch(
        path, json={"name": "Late"}, headers={**world.auth(world.token_a), "If-Match": etag}
    )
    assert stale.status_code == 412
    bad = client.patch(
        path, json={"url": "not a web address"},
        headers={**world.auth(world.token_a), "If-Match": fixed.headers["etag"]},
    )  # fmt: skip
    assert bad.status_code == 422 and "url" in bad.text
    after = all_row_counts(engine)
    assert after.pop("audit_event") == before.pop("audit_event") + 1  # the amendment, audited
    assert after == before  # only the waiting change moved
    approved = client.post(
        f"/v1/curator/changes/{change_id}/approve", headers=world.auth(world.curator)
    )
    assert approved.status_code == 200, approved.text
    assert client.get(f"/hsds/services/{service_id}").json()["name"] == "Alpha day centre"


def test_stale_base_is_a_conflict(client: TestClient, world: World, engine: Engine) -> None:
    record, etag = read(client, world)
    change_id = patch(client, world, {"name": "Proposed"}, etag).json()["change_id"]
    with engine.begin() as connection:
        public = client.get(f"/hsds/services/{world.service_a}").json()
        import_records(connection, [{**public, "description": "Changed by an import."}])
    answer = client.post(
        f"/v1/curator/changes/{change_id}/approve", headers=world.auth(world.curator)
    )
    assert answer.status_code == 409


def test_patch_cannot_change_or_hide_another_organisations_location(
    client: TestClient, world: World, engine: Engine
) -> None:
    other = client.get(f"/hsds/services/{world.service_b}").json()
    place = other["service_at_locations"][0]["location"]
    record, etag = read(client, world)
    link = {
        "id": new_id(),
        "service_id": world.service_a,
        "location_id": place["id"],
        "location": {"id": place["id"], "location_type": "physical", "name": "Renamed by A"},
    }
    before = all_row_counts(engine)
    renamed = patch(client, world, {"service_at_locations": [link]}, etag)
    assert renamed.status_code == 422 and "another organisation" in renamed.text
    mark = attribute(place["id"], "privacy.confidential_address")
    hiding = {**link, "location": {**link["location"], "name": place["name"], "attributes": [mark]}}
    hidden = patch(client, world, {"service_at_locations": [hiding]}, etag)
    assert hidden.status_code == 422 and "another organisation" in hidden.text
    assert all_row_counts(engine) == before
    assert client.get(f"/hsds/services/{world.service_b}").json() == other


def test_partner_may_edit_its_own_location(client: TestClient, world: World) -> None:
    record, etag = read(client, world)
    links = record["service_at_locations"]
    links[0]["location"]["name"] = "Alpha new office"
    answer = patch(client, world, {"service_at_locations": links}, etag)
    assert answer.status_code == 202, answer.text


def test_a_partner_request_uses_one_connection_token_and_work_alike(
    client: TestClient, world: World
) -> None:
    """The bearer token is read in the request's own unit of work: one connection per request,
    not one for the token and another for the route. (The worker's index refresh, woken at any
    time by a notification or its timer, takes a connection of its own: it is not counted.)"""
    import traceback

    from sqlalchemy import event

    _, etag = read(client, world)
    checkouts: list[object] = []

    def count(*_: object) -> None:
        refreshing = any(
            frame.name == "refresh" and frame.filename.endswith("api/matching.py")
            for frame in traceback.extract_stack()
        )
        if not refreshing:
            checkouts.append(object())

    served: Engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(served, "checkout", count)
    try:
        read(client, world)
        assert len(checkouts) == 1
        checkouts.clear()
        answer = patch(client, world, {"description": "One unit of work."}, etag)
        assert answer.status_code == 202, answer.text
        assert len(checkouts) == 1
    finally:
        event.remove(served, "checkout", count)
