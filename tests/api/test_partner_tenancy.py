"""Tenancy (findings F2, F3, F15): a partner's record reaches only its own rows and locations.

Every attempt of the December 2026 security review is replayed against partner A's own service;
each is refused with 422 naming the path, and partner B's published record, its link, and its audit
rows stay byte for byte the same even after a curator approves A's next, legitimate, change.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from directory.accounts.service import Role, create_user
from directory.changes import repository as store
from directory.changes import review, tenancy
from directory.hsds.importer import import_records
from directory.hsds.tree import TABLES
from tests.api.routes.portal.accounts import CURATOR, PASSWORD, sign_in
from tests.builders import attribute, location, new_id
from tests.partner_fixtures import World, all_row_counts, seed_world
from tests.test_backups import exported
from tests.test_cli import passerelle


@dataclass(frozen=True)
class Ids:
    """The rows the attacks aim at: B's service, its link, its location; A's own ones."""

    org_b: str
    service_b: str
    link_b: str
    location_b: str
    link_a: str
    location_a: str


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


@pytest.fixture
def ids(client: TestClient, world: World) -> Ids:
    b = client.get(f"/hsds/services/{world.service_b}").json()
    a = client.get(f"/hsds/services/{world.service_a}").json()
    return Ids(
        org_b=world.org_b,
        service_b=world.service_b,
        link_b=b["service_at_locations"][0]["id"],
        location_b=b["service_at_locations"][0]["location_id"],
        link_a=a["service_at_locations"][0]["id"],
        location_a=a["service_at_locations"][0]["location_id"],
    )


def read(client: TestClient, world: World, token: str, service_id: str) -> tuple[Any, str]:
    answer = client.get(f"/v1/partner/services/{service_id}", headers=world.auth(token))
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.headers["etag"]


def patch(
    client: TestClient, world: World, body: Any, *, token: str | None = None, service: str = ""
) -> Any:
    """PATCH the partner's service (A's unless told), with the ETag just read."""
    token, service = token or world.token_a, service or world.service_a
    _, etag = read(client, world, token, service)
    headers = {**world.auth(token), "If-Match": etag, "Content-Type": "application/json"}
    return client.patch(f"/v1/partner/services/{service}", json=body, headers=headers)


def paths(answer: Any) -> set[str]:
    """The JSON paths a 422 names (`contacts[0].phones[0].service_id`)."""
    return {".".join(item["loc"][1:]) for item in answer.json()["detail"]}


def approve(client: TestClient, world: World, change_id: str) -> Any:
    return client.post(
        f"/v1/curator/changes/{change_id}/approve", headers=world.auth(world.curator)
    )


def snapshot(client: TestClient, engine: Engine, world: World, ids: Ids) -> tuple[Any, ...]:
    """B's public record and link as bytes, and every audit row on B's objects."""
    record = client.get(f"/hsds/services/{world.service_b}")
    link = client.get(f"/hsds/service_at_locations/{ids.link_b}")
    objects = _ids_in(record.json())
    metadata = TABLES["metadata"]
    with engine.connect() as connection:
        stored = review.published_record(connection, world.service_b)
        audit = connection.execute(
            select(metadata)
            .where(metadata.c.resource_id.in_(sorted(objects)))
            .order_by(metadata.c.id)
        ).all()
    return record.content, link.content, stored, [tuple(row) for row in audit]


def _ids_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        own = {value["id"]} if isinstance(value.get("id"), str) else set()
        return own.union(*(_ids_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_ids_in(v) for v in value))
    return set()


Attack = Callable[[Ids], dict[str, Any]]


def _phone(number: str, **keys: Any) -> dict[str, Any]:
    return {"id": new_id(), "number": number, **keys}


def _contact(*phones: dict[str, Any], **keys: Any) -> dict[str, Any]:
    return {"id": new_id(), "name": "Contact", "phones": list(phones), **keys}


def _b_stub(i: Ids) -> dict[str, Any]:
    """B's location as an embedded stub whose own fields are unchanged, with no address."""
    place = {"id": i.location_b, "name": "Beta advice office", "location_type": "physical"}
    return {**place, "latitude": 50.85, "longitude": 4.35, "addresses": []}


ATTACKS: dict[str, tuple[Attack, str]] = {
    "phone-at-b-location": (
        lambda i: {"phones": [_phone("+32 499 66 66 66", location_id=i.location_b)]},
        "phones[0].location_id",
    ),
    "contact-phone-on-b-service": (
        lambda i: {"contacts": [_contact(_phone("+32 499 77 77 77", service_id=i.service_b))]},
        "contacts[0].phones[0].service_id",
    ),
    "contact-phone-language-on-b-service": (
        lambda i: {"contacts": [_contact(_phone("+32 499 77 77 78", languages=[
            {"id": new_id(), "code": "ro", "service_id": i.service_b}]))]},
        "contacts[0].phones[0].languages[0].service_id",
    ),
    "schedule-at-b-location": (
        lambda i: {"schedules": [
            {"id": new_id(), "description": "INJECTED: closed", "location_id": i.location_b}]},
        "schedules[0].location_id",
    ),
    "language-at-b-location": (
        lambda i: {"languages": [{"id": new_id(), "code": "ro", "location_id": i.location_b}]},
        "languages[0].location_id",
    ),
    "contact-of-b-organisation": (
        lambda i: {"contacts": [_contact(organization_id=i.org_b)]},
        "contacts[0].organization_id",
    ),
    "phone-of-b-link": (
        lambda i: {"phones": [_phone("+32 499 66 66 67", service_at_location_id=i.link_b)]},
        "phones[0].service_at_location_id",
    ),
    "link-schedule-on-b-service": (
        lambda i: {"service_at_locations": [{"id": i.link_a, "location_id": i.location_a,
            "schedules": [{"id": new_id(), "description": "X", "service_id": i.service_b}]}]},
        "service_at_locations[0].schedules[0].service_id",
    ),
    "link-by-id-only": (
        lambda i: {"service_at_locations": [{"id": new_id(), "location_id": i.location_b}]},
        "service_at_locations[0].location_id",
    ),
    "stub-without-addresses": (
        lambda i: {"service_at_locations": [
            {"id": new_id(), "location_id": i.location_b, "location": _b_stub(i)}]},
        "service_at_locations[0].location.id",
    ),
}  # fmt: skip


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_nested_keys_into_another_organisation_are_refused(
    client: TestClient, world: World, engine: Engine, ids: Ids, attack: str
) -> None:
    body, path = ATTACKS[attack][0](ids), ATTACKS[attack][1]
    before, counts = snapshot(client, engine, world, ids), all_row_counts(engine)
    answer = patch(client, world, body)
    assert answer.status_code == 422, answer.text
    assert path in paths(answer), answer.text
    assert all_row_counts(engine) == counts
    legitimate = patch(client, world, {"name": "Alpha beds (renamed)"})
    assert legitimate.status_code == 202, legitimate.text
    assert approve(client, world, legitimate.json()["change_id"]).status_code == 200
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha beds (renamed)"
    assert snapshot(client, engine, world, ids) == before


def test_an_unchanged_copy_of_another_organisations_location_cannot_be_linked(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    other = client.get(f"/hsds/services/{world.service_b}").json()
    place = review.clean(other["service_at_locations"][0]["location"])
    before = snapshot(client, engine, world, ids)
    link = {"id": new_id(), "location_id": ids.location_b, "location": place}
    answer = patch(client, world, {"service_at_locations": [link]})
    assert answer.status_code == 422 and "another organisation" in answer.text
    assert "service_at_locations[0].location.id" in paths(answer)
    assert snapshot(client, engine, world, ids) == before


def test_a_new_service_cannot_point_into_another_organisation(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    body = {
        "name": "Alpha day centre",
        "status": "active",
        **ATTACKS["phone-at-b-location"][0](ids),
    }
    counts = all_row_counts(engine)
    answer = client.post("/v1/partner/services", json=body, headers=world.auth(world.token_a))
    assert answer.status_code == 422 and "phones[0].location_id" in paths(answer)
    linked = {"name": "Alpha day centre", "status": "active", **ATTACKS["link-by-id-only"][0](ids)}
    answer = client.post("/v1/partner/services", json=linked, headers=world.auth(world.token_a))
    assert answer.status_code == 422 and "service_at_locations[0].location_id" in paths(answer)
    assert all_row_counts(engine) == counts


def _waiting_injection(engine: Engine, world: World, ids: Ids) -> str:
    """A change stored before these checks existed: A's record with a phone on B's location."""
    with engine.begin() as connection:
        published = review.published_record(connection, world.service_a)
        assert published is not None
        phone = {"id": new_id(), "number": "+32 499 66 66 66", "location_id": ids.location_b}
        record = {**published, "phones": [*published["phones"], phone]}
        change_id = new_id()
        store.insert_change(
            connection,
            change_id=change_id,
            service_id=world.service_a,
            organization_id=world.org_a,
            kind=store.ChangeKind.update,
            base_version=review.version_of(published),
            patch={"phones": record["phones"]},
            record=record,
            now=datetime.now(UTC),
        )
    return change_id


def test_a_waiting_change_is_checked_again_when_approved(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    change_id = _waiting_injection(engine, world, ids)
    before, counts = snapshot(client, engine, world, ids), all_row_counts(engine)
    answer = approve(client, world, change_id)
    assert answer.status_code == 422, answer.text
    assert (
        any(p.endswith(".location_id") for p in paths(answer))
        and "another organisation" in answer.text
    )
    assert all_row_counts(engine) == counts
    assert snapshot(client, engine, world, ids) == before
    with engine.connect() as connection:
        assert store.get_change(connection, change_id).status is store.ChangeStatus.pending  # type: ignore[union-attr]


def test_the_queue_names_every_service_and_location_a_change_touches(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    _waiting_injection(engine, world, ids)
    queue = client.get("/v1/curator/changes", headers=world.auth(world.curator))
    assert queue.status_code == 200, queue.text
    (change,) = queue.json()["changes"]
    touched = {(t["resource_type"], t["id"]): t for t in change["touches"]}
    assert touched[("service", world.service_a)]["name"] == "Alpha beds"
    assert touched[("location", ids.location_a)]["organization_id"] == world.org_a
    foreign = touched[("location", ids.location_b)]
    assert (foreign["name"], foreign["organization_id"]) == ("Beta advice office", world.org_b)
    assert foreign["organization_name"] == "Beta legal"


def test_legitimate_edits_of_own_rows_still_work(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    record, _ = read(client, world, world.token_a, world.service_a)
    link = record["service_at_locations"][0]
    place = link["location"]
    place["addresses"][0]["address_1"] = "Rue Neuve 2"
    place["phones"] = [{"id": new_id(), "number": "+32 2 111 11 11", "service_id": world.service_a}]
    place["schedules"] = [
        {"id": new_id(), "description": "Every evening", "service_id": world.service_a}
    ]
    place["languages"] = [{"id": new_id(), "code": "nl"}]
    contact = {
        "id": new_id(),
        "name": "Night desk",
        "phones": [
            {
                "id": new_id(),
                "number": "+32 2 222 22 22",
                "service_id": world.service_a,
                "languages": [{"id": new_id(), "code": "fr", "service_id": world.service_a}],
            }
        ],
    }
    monday = {"id": new_id(), "description": "Mondays", "service_at_location_id": link["id"]}
    body = {
        "phones": [*record["phones"], _phone("+32 2 333 33 33", location_id=ids.location_a)],
        "schedules": [monday],
        "languages": [*record["languages"], {"id": new_id(), "code": "en"}],
        "contacts": [contact],
        "service_at_locations": [link],
    }
    answer = patch(client, world, body)
    assert answer.status_code == 202, answer.text
    assert approve(client, world, answer.json()["change_id"]).status_code == 200
    public = client.get(f"/hsds/services/{world.service_a}").json()
    place = public["service_at_locations"][0]["location"]
    assert place["addresses"][0]["address_1"] == "Rue Neuve 2"
    assert {p["number"] for p in place["phones"]} == {"+32 2 111 11 11", "+32 2 333 33 33"}
    assert [s["description"] for s in place["schedules"]] == ["Every evening"]
    assert [lang["code"] for lang in place["languages"]] == ["nl"]
    assert "+32 2 222 22 22" in {p["number"] for p in public["phones"]}
    assert {"Mondays", "Every evening"} <= {s["description"] for s in public["schedules"]}


def _add_own_location(client: TestClient, world: World) -> str:
    """A new location of A's own, with a phone and a schedule: waits, then approved."""
    record, _ = read(client, world, world.token_a, world.service_a)
    place = location(name="Alpha annex", latitude=50.84, longitude=4.36)
    place["phones"] = [{"id": new_id(), "number": "+32 2 444 44 44"}]
    place["schedules"] = [{"id": new_id(), "description": "Weekends"}]
    link = {"id": new_id(), "location_id": place["id"], "location": place}
    body = {
        "service_at_locations": [*record["service_at_locations"], link],
        "phones": [*record["phones"], {"id": new_id(), "number": "+32 2 555 55 55"}],
    }
    answer = patch(client, world, body)
    assert answer.status_code == 202, answer.text
    assert approve(client, world, answer.json()["change_id"]).status_code == 200
    return str(place["id"])


def test_a_new_location_is_the_partners_own(
    client: TestClient, world: World, engine: Engine
) -> None:
    place_id = _add_own_location(client, world)
    with engine.connect() as connection:
        owners = tenancy.location_owners(connection, {place_id})
    assert owners == {place_id: world.org_a}
    record, _ = read(client, world, world.token_a, world.service_a)
    for link in record["service_at_locations"]:
        if link["location_id"] == place_id:
            link["location"]["name"] = "Alpha annex (renamed)"
    answer = patch(client, world, {"service_at_locations": record["service_at_locations"]})
    assert answer.status_code == 202, answer.text


def test_the_directory_still_restores_after_partner_edits(
    client: TestClient,
    world: World,
    database_url: str,
    fresh_database: str,
    tmp_path: Path,
) -> None:
    annex = _add_own_location(client, world)
    contact = {"id": new_id(), "name": "Desk", "phones": [
        {"id": new_id(), "number": "+32 2 666 66 66", "service_id": world.service_a}]}  # fmt: skip
    answer = patch(client, world, {"contacts": [contact]})
    assert answer.status_code == 202, answer.text
    assert approve(client, world, answer.json()["change_id"]).status_code == 200
    second = {"name": "Alpha day centre", "status": "active",
              "service_at_locations": [{"id": new_id(), "location_id": annex}]}  # fmt: skip
    answer = client.post("/v1/partner/services", json=second, headers=world.auth(world.token_a))
    assert answer.status_code == 202, answer.text  # A's own location, at two of its services
    assert approve(client, world, answer.json()["change_id"]).status_code == 200
    original = exported(database_url, tmp_path / "all.json")
    restored = passerelle(fresh_database, "import", str(tmp_path / "all.json"))
    assert restored.returncode == 0, restored.stderr
    again = exported(fresh_database, tmp_path / "again.json")
    assert [r["id"] for r in again] == [r["id"] for r in original]
    assert "Alpha annex" in json.dumps(again) and "+32 2 666 66 66" in json.dumps(again)


# --- a location that several organisations' services use ----------------------------------------


@pytest.fixture
def shared(client: TestClient, world: World, engine: Engine, ids: Ids) -> str:
    """B's location, naming B as its organisation, also linked to A's service by a curator."""
    with engine.begin() as connection:
        b = review.published_record(connection, world.service_b)
        a = review.published_record(connection, world.service_a)
        assert a is not None and b is not None
        b["service_at_locations"][0]["location"]["organization_id"] = world.org_b
        import_records(connection, [b])
        link = {"id": new_id(), "service_id": world.service_a, "location_id": ids.location_b}
        import_records(
            connection, [{**a, "service_at_locations": [*a["service_at_locations"], link]}]
        )
    return ids.location_b


def _linked(record: dict[str, Any], location_id: str) -> dict[str, Any]:
    links: list[dict[str, Any]] = record["service_at_locations"]
    (link,) = [s for s in links if s["location_id"] == location_id]
    return link


def test_the_owner_of_a_shared_location_can_still_edit_it(
    client: TestClient, world: World, shared: str
) -> None:
    record, _ = read(client, world, world.token_b, world.service_b)
    _linked(record, shared)["location"]["name"] = "Beta advice office (moved)"
    answer = patch(
        client, world, {"service_at_locations": record["service_at_locations"]},
        token=world.token_b, service=world.service_b,
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    assert approve(client, world, answer.json()["change_id"]).status_code == 200
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert _linked(public, shared)["location"]["name"] == "Beta advice office (moved)"


def test_a_service_linked_to_a_shared_location_keeps_it_but_cannot_change_it(
    client: TestClient, world: World, engine: Engine, ids: Ids, shared: str
) -> None:
    before = snapshot(client, engine, world, ids)
    record, _ = read(client, world, world.token_a, world.service_a)
    index = record["service_at_locations"].index(_linked(record, shared))
    schedule = {"id": new_id(), "description": "Closed forever"}
    for field, value in (("name", "Renamed by A"), ("addresses", []), ("schedules", [schedule])):
        record, _ = read(client, world, world.token_a, world.service_a)
        _linked(record, shared)["location"][field] = value
        answer = patch(client, world, {"service_at_locations": record["service_at_locations"]})
        assert answer.status_code == 422, answer.text
        assert f"service_at_locations[{index}].location.{field}" in paths(answer)
    record, _ = read(client, world, world.token_a, world.service_a)
    mark = attribute(world.service_a, "privacy.confidential_address")
    hiding = patch(client, world, {"attributes": [*record["attributes"], mark]})
    assert hiding.status_code == 422 and "another organisation" in hiding.text
    assert any(p.startswith("attributes[") for p in paths(hiding))
    renamed = patch(client, world, {"name": "Alpha beds (evening)"})
    assert renamed.status_code == 202, renamed.text
    assert approve(client, world, renamed.json()["change_id"]).status_code == 200
    assert snapshot(client, engine, world, ids)[2] == before[2]
    assert client.get(f"/hsds/services/{world.service_b}").json()["service_at_locations"]


def test_a_location_no_organisation_is_named_for_is_left_to_curators(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    with engine.begin() as connection:
        a = review.published_record(connection, world.service_a)
        assert a is not None
        link = {"id": new_id(), "service_id": world.service_a, "location_id": ids.location_b}
        import_records(
            connection, [{**a, "service_at_locations": [*a["service_at_locations"], link]}]
        )
    for token, service in ((world.token_a, world.service_a), (world.token_b, world.service_b)):
        record, _ = read(client, world, token, service)
        _linked(record, ids.location_b)["location"]["name"] = "Renamed"
        body = {"service_at_locations": record["service_at_locations"]}
        answer = patch(client, world, body, token=token, service=service)
        assert answer.status_code == 422 and "another organisation" in answer.text
        assert patch(client, world, {"description": "Still editable."}, token=token,
                     service=service).status_code == 202  # fmt: skip


# --- unknown fields (F15) ------------------------------------------------------------------------

ONE = "11111111-1111-4111-8111-111111111111"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"unknown_field_xyz": 1}, "unknown_field_xyz"),
        ({"phones": [{"id": ONE, "numbr": "1"}]}, "phones[0].numbr"),
        ({"service_at_locations": [{"id": ONE,
                                    "location": {"id": "x", "colour": "red"}}]},
         "service_at_locations[0].location.colour"),
    ],
)  # fmt: skip
def test_unknown_fields_are_refused_by_name(
    client: TestClient, world: World, engine: Engine, body: Any, path: str
) -> None:
    counts = all_row_counts(engine)
    answer = patch(client, world, body)
    assert answer.status_code == 422, answer.text
    assert path in paths(answer)
    new = client.post(
        "/v1/partner/services", json={"name": "New", "status": "active", **body},
        headers=world.auth(world.token_a),
    )  # fmt: skip
    assert new.status_code == 422 and path in paths(new)
    assert all_row_counts(engine) == counts


def test_the_portal_queue_names_what_a_change_touches(
    client: TestClient, world: World, engine: Engine, ids: Ids
) -> None:
    change_id = _waiting_injection(engine, world, ids)
    with engine.begin() as connection:
        create_user(
            connection, email=CURATOR, password=PASSWORD, role=Role.curator, organization_id=None
        )
    csrf = sign_in(client, CURATOR)
    before, counts = snapshot(client, engine, world, ids), all_row_counts(engine)
    refused = client.post(f"/portal/changes/{change_id}/approve", data={"csrf_token": csrf})
    assert refused.status_code == 422 and "another organisation" in refused.text
    assert all_row_counts(engine) == counts and snapshot(client, engine, world, ids) == before
    queue = client.get("/portal/queue?lang=fr")
    assert queue.status_code == 200
    assert f"Lieu Beta advice office ({ids.location_b}) · organisation Beta legal" in queue.text
    assert "N&#39;appartient pas à l&#39;organisation qui propose la modification." in queue.text
    assert f"Service Alpha beds ({world.service_a})" in queue.text


def test_capacity_refuses_unknown_fields(client: TestClient, world: World, engine: Engine) -> None:
    counts = all_row_counts(engine)
    answer = client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json={"beds_available": 3, "beds_total": 10},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 422 and "beds_total" in answer.text
    assert all_row_counts(engine) == counts


def test_a_mark_on_the_partners_own_location_hides_it_whatever_link_entity_says(
    client: TestClient, world: World, ids: Ids
) -> None:
    record, _ = read(client, world, world.token_a, world.service_a)
    place = record["service_at_locations"][0]["location"]
    mark = attribute(ids.location_a, "privacy.confidential_address")
    assert mark["link_entity"] == "service"  # as sent: wrong for a location's attribute
    place["attributes"] = [*place.get("attributes", []), mark]
    answer = patch(client, world, {"service_at_locations": record["service_at_locations"]})
    assert answer.status_code == 202, answer.text
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["service_at_locations"] == []
    assert client.get(f"/hsds/services/{world.service_b}").json()["service_at_locations"]
