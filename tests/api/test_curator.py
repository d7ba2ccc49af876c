"""The curator API, and who may call what: every partner and curator endpoint against every kind
of wrong caller answers 401, 403 or 404 and changes nothing."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.hsds.exporter import Format, export_directory
from directory.state import current_version
from tests.partner_fixtures import World, all_row_counts, seed_world


@pytest.fixture
def world(engine: Engine) -> World:
    return seed_world(engine)


def propose(client: TestClient, world: World, body: dict[str, Any]) -> str:
    read = client.get(f"/v1/partner/services/{world.service_a}", headers=world.auth(world.token_a))
    answer = client.patch(
        f"/v1/partner/services/{world.service_a}",
        json=body,
        headers={**world.auth(world.token_a), "If-Match": read.headers["etag"]},
    )
    assert answer.status_code == 202, answer.text
    change_id: str = answer.json()["change_id"]
    return change_id


def curator(client: TestClient, world: World, method: str, path: str, **kwargs: Any) -> Any:
    return client.request(method, path, headers=world.auth(world.curator), **kwargs)


def test_queue_shows_a_field_by_field_diff(client: TestClient, world: World) -> None:
    change_id = propose(client, world, {"name": "Alpha beds 2", "url": "https://alpha.example"})
    queue = curator(client, world, "GET", "/v1/curator/changes").json()
    (change,) = queue["changes"]
    assert change["id"] == change_id and change["service_id"] == world.service_a
    diff = {item["field"]: (item["old"], item["new"]) for item in change["diff"]}
    assert diff == {"name": ("Alpha beds", "Alpha beds 2"), "url": (None, "https://alpha.example")}


def test_approve_publishes_and_audits(client: TestClient, world: World) -> None:
    change_id = propose(client, world, {"name": "Alpha beds 2"})
    answer = curator(client, world, "POST", f"/v1/curator/changes/{change_id}/approve")
    assert answer.status_code == 200, answer.text
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["name"] == "Alpha beds 2"
    rows = [m for m in public["metadata"] if m["field_name"] == "name"]
    assert len(rows) == 1 and rows[0]["previous_value"] == "Alpha beds"
    assert rows[0]["replacement_value"] == "Alpha beds 2" and rows[0]["updated_by"] == "partner"
    assert curator(client, world, "GET", "/v1/curator/changes").json()["changes"] == []
    again = curator(client, world, "POST", f"/v1/curator/changes/{change_id}/approve")
    assert again.status_code == 409
    audit = curator(client, world, "GET", "/v1/curator/audit").json()
    assert audit["contents"][0]["updated_by"] in {"partner", "curator"}


def test_after_approval_the_partner_edits_the_new_version(client: TestClient, world: World) -> None:
    change_id = propose(client, world, {"name": "Alpha beds 2"})
    curator(client, world, "POST", f"/v1/curator/changes/{change_id}/approve")
    second = propose(client, world, {"description": "Second edit."})
    assert second != change_id
    curator(client, world, "POST", f"/v1/curator/changes/{second}/approve")
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert (public["name"], public["description"]) == ("Alpha beds 2", "Second edit.")


def test_reject_needs_a_reason(client: TestClient, world: World, engine: Engine) -> None:
    change_id = propose(client, world, {"name": "Not this"})
    before = all_row_counts(engine)
    empty = curator(client, world, "POST", f"/v1/curator/changes/{change_id}/reject", json={})
    assert empty.status_code == 422 and "reason" in empty.text
    blank = curator(
        client, world, "POST", f"/v1/curator/changes/{change_id}/reject", json={"reason": "  "}
    )
    assert blank.status_code == 422
    assert all_row_counts(engine) == before
    done = curator(
        client, world, "POST", f"/v1/curator/changes/{change_id}/reject", json={"reason": "typo"}
    )
    assert done.status_code == 200
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha beds"


def test_new_service_waits_then_is_published(client: TestClient, world: World) -> None:
    body = {"name": "Alpha day centre", "status": "active", "description": "Days."}
    answer = client.post("/v1/partner/services", json=body, headers=world.auth(world.token_a))
    change_id = answer.json()["change_id"]
    assert client.get("/hsds/services", params={"search": "day centre"}).json()["total_items"] == 0
    curator(client, world, "POST", f"/v1/curator/changes/{change_id}/approve")
    found = client.get("/hsds/services", params={"search": "day centre"}).json()
    assert found["total_items"] == 1
    assert found["contents"][0]["organization_id"] == world.org_a


def test_suspend_hides_everywhere_public(client: TestClient, world: World) -> None:
    answer = curator(
        client,
        world,
        "POST",
        f"/v1/curator/services/{world.service_b}/suspend",
        json={"reason": "safeguarding caveats to check"},
    )
    assert answer.status_code == 200
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 404
    listed = client.get("/hsds/services").json()
    assert [s["id"] for s in listed["contents"]] == [world.service_a]
    organization = client.get(f"/hsds/organizations/{world.org_b}").json()
    assert organization["services"] == []
    sal = client.get("/hsds/service_at_locations").json()
    assert all(item["service_id"] != world.service_b for item in sal["contents"])
    again = curator(
        client,
        world,
        "POST",
        f"/v1/curator/services/{world.service_b}/suspend",
        json={"reason": "twice"},
    )
    assert again.status_code == 409
    curator(client, world, "POST", f"/v1/curator/services/{world.service_b}/unsuspend")
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 200


def test_suspended_services_leave_public_exports(
    client: TestClient, world: World, engine: Engine, tmp_path: Path
) -> None:
    curator(
        client,
        world,
        "POST",
        f"/v1/curator/services/{world.service_b}/suspend",
        json={"reason": "check"},
    )
    with engine.connect() as connection:
        export_directory(connection, tmp_path / "public.json", format=Format.json)
        export_directory(
            connection, tmp_path / "curators.json", format=Format.json, include_confidential=True
        )
    public = json.loads((tmp_path / "public.json").read_text())
    everything = json.loads((tmp_path / "curators.json").read_text())
    assert [r["id"] for r in public] == [world.service_a]
    assert {r["id"] for r in everything} == {world.service_a, world.service_b}
    audit = curator(client, world, "GET", "/v1/curator/audit").json()["contents"]
    assert audit[0]["field_name"] == "suspended" and audit[0]["updated_by"] == "curator"


def test_approval_bumps_the_directory_version(
    client: TestClient, world: World, engine: Engine
) -> None:
    change_id = propose(client, world, {"name": "Alpha beds 3"})
    with engine.connect() as connection:
        before = current_version(connection)
    curator(client, world, "POST", f"/v1/curator/changes/{change_id}/approve")
    with engine.connect() as connection:
        assert current_version(connection) == before + 1


def endpoints(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    a = world.service_a
    body = {"json": {"name": "x"}}
    return [
        ("GET", f"/v1/partner/services/{a}", {}),
        ("PATCH", f"/v1/partner/services/{a}", {**body, "headers": {"If-Match": "*"}}),
        ("PUT", f"/v1/partner/services/{a}/capacity", {"json": {"beds_available": 9}}),
        ("POST", f"/v1/partner/services/{a}/confirm", {}),
        ("POST", "/v1/partner/services", {"json": {"name": "x", "status": "active"}}),
        ("GET", "/v1/curator/changes", {}),
        ("POST", "/v1/curator/changes/CHANGE/approve", {}),
        ("POST", "/v1/curator/changes/CHANGE/reject", {"json": {"reason": "no"}}),
        ("POST", f"/v1/curator/services/{a}/suspend", {"json": {"reason": "no"}}),
        ("POST", f"/v1/curator/services/{a}/unsuspend", {}),
        ("GET", "/v1/curator/audit", {}),
    ]


CALLERS = ["none", "forged", "revoked", "other_organisation", "partner_on_curator"]


@pytest.mark.parametrize("caller", CALLERS)
def test_access_matrix(client: TestClient, world: World, engine: Engine, caller: str) -> None:
    change_id = propose(client, world, {"name": "Waiting"})
    before = all_row_counts(engine)
    forged = world.token_a[:-4] + ("AAAA" if not world.token_a.endswith("AAAA") else "BBBB")
    tokens = {
        "none": None,
        "forged": forged,
        "revoked": world.revoked,
        "other_organisation": world.token_b,
        "partner_on_curator": world.token_a,
    }
    token = tokens[caller]
    checked = 0
    for method, path, options in endpoints(world):
        curator_endpoint = path.startswith("/v1/curator")
        if caller == "other_organisation" and (curator_endpoint or path == "/v1/partner/services"):
            continue  # another organisation on curator endpoints: the partner case below
        if caller == "partner_on_curator" and not curator_endpoint:
            continue
        headers = {**options.get("headers", {})}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        answer = client.request(
            method,
            path.replace("CHANGE", change_id),
            headers=headers,
            **{k: v for k, v in options.items() if k != "headers"},
        )
        expected = {
            "none": 401,
            "forged": 401,
            "revoked": 401,
            "other_organisation": 404,
            "partner_on_curator": 403,
        }[caller]
        assert answer.status_code == expected, (method, path, answer.text)
        if expected == 401:
            assert answer.headers["www-authenticate"].startswith("Bearer")
        checked += 1
    assert checked >= 4
    assert all_row_counts(engine) == before


def test_curator_endpoints_refuse_a_curator_token_on_partner_endpoints(
    client: TestClient, world: World
) -> None:
    answer = client.get(
        f"/v1/partner/services/{world.service_a}", headers=world.auth(world.curator)
    )
    assert answer.status_code == 403


def test_a_suspended_service_is_not_matched(client: TestClient, world: World, app: FastAPI) -> None:
    def matched() -> set[str]:
        app.state.matching.refresh()
        answer = client.post("/v1/match", json={"limit": 50})
        assert answer.status_code == 200
        return {result["service"]["id"] for result in answer.json()["results"]}

    assert world.service_b in matched()
    suspended = curator(
        client,
        world,
        "POST",
        f"/v1/curator/services/{world.service_b}/suspend",
        json={"reason": "safeguarding caveats to check"},
    )
    assert suspended.status_code == 200
    assert world.service_b not in matched()
    curator(client, world, "POST", f"/v1/curator/services/{world.service_b}/unsuspend")
    assert world.service_b in matched()
