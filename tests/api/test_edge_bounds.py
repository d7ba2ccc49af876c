"""The attacks of the December security review (F4, F5, F7, F9, F10, F15) replayed against the
edge: every bad input is a 422 (or 413) naming the field, nothing is half-written, never a 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.changes.working import published_record
from directory.limits import BEDS_MAX, DEPTH_MAX
from tests.api.routes.portal.accounts import PARTNER, hidden, sign_in
from tests.api.routes.portal.accounts import world as world  # noqa: F401 - the portal's world, with users
from tests.api.test_partner import patch, read
from tests.builders import attribute, new_id
from tests.partner_fixtures import World, all_row_counts

PRIVACY = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
}


def fields_named(answer: Any) -> list[str]:
    """The last part of each `loc` in a 422 body: the field each problem is about."""
    return [str(item["loc"][-1]) for item in answer.json()["detail"]]


def capacity(client: TestClient, world: World, body: Any) -> Any:
    return client.put(
        f"/v1/partner/services/{world.service_a}/capacity",
        json=body,
        headers=world.auth(world.token_a),
    )


# --- F4: free beds, one bound everywhere -----------------------------------------------------

BAD_BEDS = ["²", "1e308", "9" * 400, "-1", "1.5", "true", "100001", "", " 3 4", "٣"]
"""Refused everywhere: a superscript, floats, 400 digits, negative, above the bound, empty, two
numbers, an Arabic-Indic digit."""


@pytest.mark.parametrize("value", [-1, 1.5, True, "3", 1e308, BEDS_MAX + 1, 10**30])
def test_capacity_api_refuses_what_is_not_a_bed_count(
    client: TestClient, world: World, engine: Engine, value: Any
) -> None:
    before = all_row_counts(engine)
    answer = capacity(client, world, {"beds_available": value})
    assert answer.status_code == 422, answer.text
    assert fields_named(answer) == ["beds_available"]
    assert all_row_counts(engine) == before


def test_capacity_api_takes_the_bound_and_refuses_extra_keys(
    client: TestClient, world: World
) -> None:
    assert capacity(client, world, {"beds_available": BEDS_MAX}).status_code == 200
    extra = capacity(client, world, {"beds_available": 2, "beds_total": 9})
    assert extra.status_code == 422, extra.text
    assert fields_named(extra) == ["beds_total"]


@pytest.mark.parametrize("value", BAD_BEDS)
def test_portal_capacity_form_names_the_field(
    client: TestClient, world: World, engine: Engine, value: str
) -> None:
    csrf = sign_in(client, PARTNER)
    before = all_row_counts(engine)
    answer = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": value, "csrf_token": csrf},
    )
    assert answer.status_code == 422, answer.text
    assert "Free beds: please write a whole number from 0 to 100000." in answer.text
    assert all_row_counts(engine) == before


def test_portal_capacity_form_takes_the_same_bound_as_the_api(
    client: TestClient, world: World
) -> None:
    csrf = sign_in(client, PARTNER)
    answer = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": str(BEDS_MAX), "csrf_token": csrf},
    )
    assert answer.status_code == 200 and "100000 free beds" in answer.text.replace("\u202f", "")


@pytest.mark.parametrize("value", BAD_BEDS)
def test_a_patched_bed_count_is_refused_naming_the_attribute_value(
    client: TestClient, world: World, engine: Engine, value: str
) -> None:
    record, etag = read(client, world)
    beds = attribute(world.service_a, "capacity.beds_available", value=value)
    before = all_row_counts(engine)
    answer = patch(client, world, {"attributes": [*record["attributes"], beds]}, etag)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]  # the new attribute's value, wherever it sorts
    assert problem["loc"][1].startswith("attributes[") and problem["loc"][2:] == ["value"]
    assert "from 0 to 100000" in problem["msg"]
    assert all_row_counts(engine) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minimum_age": -1}, "minimum_age"),
        ({"maximum_age": 1e308}, "maximum_age"),
        ({"cost_options": [{"id": new_id(), "amount": 1e300}]}, "amount"),
    ],
    ids=["negative-age", "huge-age", "huge-amount"],
)
def test_other_numbers_in_a_patch_have_bounds(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    _, etag = read(client, world)
    answer = patch(client, world, body, etag)
    assert answer.status_code == 422, answer.text
    assert field in fields_named(answer)


# --- F5: web addresses are http(s) -----------------------------------------------------------

DANGEROUS_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "vbscript:x",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", DANGEROUS_URLS)
def test_a_patch_with_a_script_url_is_refused(
    client: TestClient, world: World, engine: Engine, url: str
) -> None:
    _, etag = read(client, world)
    before = all_row_counts(engine)
    answer = patch(client, world, {"url": url}, etag)
    assert answer.status_code == 422, answer.text
    assert "url" in fields_named(answer)
    assert all_row_counts(engine) == before


def test_a_proposed_service_with_a_script_url_is_refused(client: TestClient, world: World) -> None:
    answer = client.post(
        "/v1/partner/services",
        json={"name": "New", "status": "active", "url": "javascript:alert(1)"},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 422, answer.text
    assert "url" in fields_named(answer)


def test_portal_edit_with_a_script_url_names_the_field(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    edit = client.get(f"/portal/services/{world.service_a}")
    answer = client.post(
        f"/portal/services/{world.service_a}",
        data={
            "name": "Alpha beds",
            "url": "javascript:alert(1)",
            "etag": hidden(edit.text, "etag"),
            "csrf_token": csrf,
        },
    )
    assert answer.status_code == 422, answer.text
    assert "Web address: please write a web address starting with http:// or https://." in (
        answer.text
    )


def test_http_and_https_addresses_are_accepted(client: TestClient, world: World) -> None:
    _, etag = read(client, world)
    answer = patch(client, world, {"url": "HTTPS://alpha.example/beds"}, etag)
    assert answer.status_code == 202, answer.text


# --- F7: no 500 ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/hsds/services", "/hsds/service_at_locations"])
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_modified_after_outside_utc_is_a_422(client: TestClient, path: str, moment: str) -> None:
    answer = client.get(path, params={"modified_after": moment})
    assert answer.status_code == 422, answer.text
    assert fields_named(answer) == ["modified_after"]


def test_modified_after_in_range_still_filters(client: TestClient, world: World) -> None:
    answer = client.get("/hsds/services", params={"modified_after": "2001-01-01T00:00:00+14:00"})
    assert answer.status_code == 200 and answer.json()["total_items"] == 2


@pytest.mark.parametrize("depth", [DEPTH_MAX + 1, 500, 1000])
@pytest.mark.parametrize("field", ["description", "phones"])
def test_a_deeply_nested_patch_is_a_422_naming_the_path(
    client: TestClient, world: World, engine: Engine, depth: int, field: str
) -> None:
    _, etag = read(client, world)
    before = all_row_counts(engine)
    inner = '{"x":' * depth + '"deep"' + "}" * depth  # json.dumps would recurse
    body = f'{{"{field}": {inner if field == "description" else f"[{inner}]"}}}'
    answer = client.patch(
        f"/v1/partner/services/{world.service_a}",
        content=body,
        headers={**world.auth(world.token_a), "Content-Type": "application/json", "If-Match": etag},
    )
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"][1].startswith(field) and problem["loc"][-1] == "x"
    assert f"deeper than {DEPTH_MAX} levels" in problem["msg"]
    assert all_row_counts(engine) == before


# --- F9: lengths and body sizes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 500), ("description", 10_000), ("url", 2000), ("email", 320)]
)
def test_partner_api_has_the_portals_text_limits(
    client: TestClient, world: World, engine: Engine, field: str, limit: int
) -> None:
    _, etag = read(client, world)
    value = "x" * (limit + 1)
    if field == "url":
        value = "https://a.example/" + "x" * limit
    before = all_row_counts(engine)
    answer = patch(client, world, {field: value}, etag)
    assert answer.status_code == 422, answer.text
    assert any(
        item["loc"][-1] == field and f"longer than {limit}" in item["msg"]
        for item in answer.json()["detail"]
    )
    assert all_row_counts(engine) == before


def test_a_long_name_in_a_new_service_is_refused(client: TestClient, world: World) -> None:
    answer = client.post(
        "/v1/partner/services",
        json={"name": "x" * 501, "status": "active"},
        headers=world.auth(world.token_a),
    )
    assert answer.status_code == 422 and fields_named(answer) == ["name"]


def test_match_refuses_a_body_over_64_kb_before_reading_it(client: TestClient) -> None:
    body = b'{"text": "' + b"a" * (64 * 1024) + b'"}'
    answer = client.post("/v1/match", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert "65536 bytes" in answer.json()["detail"]
    for name, value in PRIVACY.items():
        assert answer.headers[name] == value


def test_a_streamed_body_is_counted_as_it_arrives(client: TestClient, world: World) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 32 * 1024  # 1.25 MB in all, without a Content-Length

    _, etag = read(client, world)
    answer = client.patch(
        f"/v1/partner/services/{world.service_a}",
        content=chunks(),
        headers={
            **world.auth(world.token_a),
            "Content-Type": "application/json",
            "If-Match": etag,
        },
    )
    assert answer.status_code == 413, answer.text
    assert "1048576 bytes" in answer.json()["detail"]


def test_a_small_match_still_answers(client: TestClient) -> None:
    assert client.post("/v1/match", json={"needs": ["housing"]}).status_code == 200


# --- F10: NUL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"name": "NUL\u0000inside"}, ["name"]),
        ({"phones": [{"id": "p1", "number": "+32\u00004"}]}, ["phones[0]", "number"]),
        ({"description\u0000": "x"}, ["description"]),
    ],
    ids=["name", "nested", "key"],
)
def test_nul_in_a_patch_is_refused_so_every_change_can_be_approved(
    client: TestClient, world: World, engine: Engine, body: dict[str, Any], where: list[str]
) -> None:
    _, etag = read(client, world)
    answer = patch(client, world, body, etag)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["(body)", *where]
    assert "NUL" in problem["msg"]
    with engine.connect() as connection:
        assert published_record(connection, world.service_a)["name"] == "Alpha beds"  # type: ignore[index]


# --- F15 -------------------------------------------------------------------------------------


def test_hsds_root_does_not_reflect_the_host_header(client: TestClient) -> None:
    body = client.get("/hsds/", headers={"Host": "evil.example"}).json()
    assert "evil.example" not in str(body)
    assert body["profile"] == "/hsds/profile" and body["openapi_url"] == "/openapi.json"


def test_hsds_root_uses_the_configured_public_address(settings: Any) -> None:
    from api.app import create_app

    settings.public_base_url = "https://passerelle.example/"
    with TestClient(create_app(settings)) as client:
        body = client.get("/hsds/", headers={"Host": "evil.example"}).json()
    assert body["profile"] == "https://passerelle.example/hsds/profile"


def test_an_address_that_is_no_uri_at_all_gets_one_message(
    client: TestClient, world: World
) -> None:
    _, etag = read(client, world)
    answer = patch(client, world, {"url": "not a web address"}, etag)
    assert answer.status_code == 422 and fields_named(answer) == ["url"]
