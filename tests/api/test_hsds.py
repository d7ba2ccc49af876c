"""The HSDS 3.0 read API: shapes validated against the official schemas, paging, filters, 404s."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.hsds.accessibility import answers
from directory.hsds.importer import import_records
from directory.taxonomy import TAXONOMY_ID, term_id
from tests.builders import accessible, service_record
from tests.conftest import FIXTURES
from tests.hsds_schemas import errors, page_errors

SAMPLE: list[dict[str, Any]] = json.loads((FIXTURES / "passerelle-sample.json").read_text())
CONFIDENTIAL = "ff075b3f-89de-544a-a791-abb7726919af"


@pytest.fixture
def loaded(engine: Engine) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        import_records(session.connection(), SAMPLE)
    return SAMPLE


def test_root(client: TestClient) -> None:
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/openapi.json")
    assert client.get(body["profile"].replace("http://testserver", "")).status_code == 200


def test_services_page_validates(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    page = client.get("/hsds/services", params={"per_page": 4}).json()
    assert page_errors(page, "service_list") == []
    assert (page["total_items"], page["total_pages"], page["size"]) == (6, 2, 4)
    assert page["first_page"] and not page["last_page"]
    last = client.get("/hsds/services", params={"per_page": 4, "page": 2}).json()
    assert last["size"] == 2 and last["last_page"]
    beyond = client.get("/hsds/services", params={"per_page": 4, "page": 3}).json()
    assert beyond["empty"] and beyond["contents"] == []


def test_full_services_page_validates(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    page = client.get("/hsds/services", params={"full": "true"}).json()
    assert page_errors(page, "service") == []
    assert all("attributes" in item for item in page["contents"])


@pytest.mark.parametrize("record", SAMPLE, ids=[r["name"] for r in SAMPLE])
def test_each_service_validates(
    client: TestClient, loaded: list[dict[str, Any]], record: dict[str, Any]
) -> None:
    response = client.get(f"/hsds/services/{record['id']}")
    assert response.status_code == 200
    assert errors(response.json(), "service") == []


def test_confidential_location_never_leaves(
    client: TestClient, loaded: list[dict[str, Any]]
) -> None:
    secret = next(r for r in SAMPLE if r["id"] == CONFIDENTIAL)["service_at_locations"][0]
    shelter = client.get(f"/hsds/services/{CONFIDENTIAL}").json()
    assert shelter["service_at_locations"] == []
    assert client.get(f"/hsds/service_at_locations/{secret['id']}").status_code == 404
    everything = client.get("/hsds/service_at_locations", params={"format": "ndjson"}).text
    everything += client.get(f"/hsds/organizations/{shelter['organization_id']}").text
    assert secret["location_id"] not in everything


def test_organizations(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    page = client.get("/hsds/organizations").json()
    assert page_errors(page, "organization_list") == []
    one = client.get(f"/hsds/organizations/{SAMPLE[0]['organization_id']}").json()
    assert errors(one, "organization") == []
    assert SAMPLE[0]["id"] in {service["id"] for service in one["services"]}


def test_service_at_locations(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    page = client.get("/hsds/service_at_locations").json()
    assert page_errors(page, "service_at_location_list") == []
    assert page["total_items"] == 4  # six services, one remote, one confidential
    one = client.get(f"/hsds/service_at_locations/{page['contents'][0]['id']}").json()
    assert errors(one, "service_at_location") == []


def test_taxonomies_and_terms(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    taxonomies = client.get("/hsds/taxonomies").json()
    assert TAXONOMY_ID in {t["id"] for t in taxonomies["contents"]}
    for item in taxonomies["contents"]:
        assert errors(item, "taxonomy") == []
    terms = client.get(
        "/hsds/taxonomy_terms", params={"taxonomy_id": TAXONOMY_ID, "per_page": 200}
    ).json()
    assert "need.housing" in {t["code"] for t in terms["contents"]}
    for item in terms["contents"]:
        assert errors(item, "taxonomy_term") == []
    term = client.get(f"/hsds/taxonomy_terms/{term_id('offers.free')}").json()
    assert term["code"] == "offers.free"
    assert client.get(f"/hsds/taxonomies/{TAXONOMY_ID}").json()["name"] == "passerelle"


def test_filters(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    def ids(**params: Any) -> set[str]:
        return {
            item["id"] for item in client.get("/hsds/services", params=params).json()["contents"]
        }

    shelters = ids(taxonomy_term_id=term_id("need.emergency_shelter"))
    assert shelters == {
        r["id"]
        for r in SAMPLE
        if any(a["taxonomy_term"]["code"] == "need.emergency_shelter" for a in r["attributes"])
    }
    assert ids(search="HASSELT") == {r["id"] for r in SAMPLE if "Hasselt" in r["name"]}
    assert ids(organization_id=SAMPLE[0]["organization_id"]) >= {SAMPLE[0]["id"]}
    assert len(ids(taxonomy_id=TAXONOMY_ID)) == 6
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert ids(modified_after=later) == set()
    assert len(ids(modified_after="2020-01-01T00:00:00Z")) == 6


def test_ndjson_streams_everything(client: TestClient, loaded: list[dict[str, Any]]) -> None:
    response = client.get("/hsds/services", params={"format": "ndjson", "per_page": 1})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert len(lines) == 6
    assert all(errors(line, "service_list") == [] for line in lines)


@pytest.mark.parametrize(
    "path",
    [
        "/hsds/services/0d0d0d0d-0000-4000-8000-000000000001",
        "/hsds/organizations/nope",
        "/hsds/taxonomies/nope",
        "/hsds/taxonomy_terms/nope",
        "/hsds/service_at_locations/nope",
    ],
)
def test_unknown_id_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 201}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"format": "xml"}, "format"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"full": "maybe"}, "full"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = client.get("/hsds/services", params=params)
    assert response.status_code == 422
    assert field in {part for item in response.json()["detail"] for part in item["loc"]}


def test_a_service_added_later_is_listed(client: TestClient, engine: Engine) -> None:
    record = service_record("Late")
    with session_scope(engine) as session:
        import_records(session.connection(), [record])
    assert client.get(f"/hsds/services/{record['id']}").json()["name"] == "Late"


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}


# --- every parameter the specification lists: done as it says, or refused naming it --------------

SPEC = json.loads((FIXTURES / "hsds" / "openapi.json").read_text())
"""The HSDS API as the standard defines it (vendored: tests/fixtures/hsds/README.md)."""


def spec_query_parameters() -> list[tuple[str, str]]:
    shared = SPEC.get("components", {}).get("parameters", {})
    found = []
    for path, item in SPEC["paths"].items():
        for operation in (value for value in item.values() if isinstance(value, dict)):
            for parameter in operation.get("parameters", []):
                if "$ref" in parameter:
                    parameter = shared[parameter["$ref"].split("/")[-1]]
                if parameter.get("in") == "query":
                    found.append((path, parameter["name"]))
    return found


@pytest.mark.parametrize(("path", "name"), spec_query_parameters())
def test_every_query_parameter_of_the_specification_is_declared(
    client: TestClient, path: str, name: str
) -> None:
    """A declared parameter is used or refused; an undeclared one would be silently ignored."""
    ours = client.get("/openapi.json").json()["paths"][_our_path(path)]
    declared = {p["name"] for p in ours["get"].get("parameters", []) if p["in"] == "query"}
    assert name in declared


def _our_path(path: str) -> str:
    """Our route for the specification's path (`{id}` is named after the object here)."""
    if path == "/":
        return "/hsds/"
    kind = path.strip("/").split("/")[0]
    singular = {"taxonomies": "taxonomy"}.get(kind, kind.removesuffix("s"))
    return f"/hsds{path}".replace("{id}", f"{{{singular}_id}}")


def sal_services(client: TestClient, **params: Any) -> set[str]:
    page = client.get("/hsds/service_at_locations", params=params)
    assert page.status_code == 200, page.text
    assert page_errors(page.json(), "service_at_location_list") == []
    return {item["service_id"] for item in page.json()["contents"]}


def by_name(*words: str) -> set[str]:
    return {r["id"] for r in SAMPLE if any(word in r["name"] for word in words)}


@pytest.fixture
def flanders(engine: Engine, loaded: list[dict[str, Any]]) -> str:
    """A service in Brussels whose service area is Flanders."""
    record = service_record("Flemish outreach", areas=("Vlaanderen",), at=(50.85, 4.35))
    with session_scope(engine) as session:
        import_records(session.connection(), [record])
    return str(record["id"])


def test_postcode_gives_the_sites_that_have_it_or_whose_service_area_covers_it(
    client: TestClient, flanders: str
) -> None:
    hasselt = by_name("Hasselt")
    assert sal_services(client, postcode="3500") == hasselt | {flanders}
    assert sal_services(client, postcode="B-3500") == hasselt | {flanders}
    brugge = by_name("Brugge") - {CONFIDENTIAL}
    assert sal_services(client, postcode="8000") == brugge | {flanders}
    assert sal_services(client, postcode="1000") == {flanders}  # its own address, in Brussels
    assert sal_services(client, postcode="4000") == set()  # Liège: nobody


def test_proximity_is_metres_from_the_postcode_centre(client: TestClient, flanders: str) -> None:
    hasselt = by_name("Hasselt")
    assert sal_services(client, postcode="3500", proximity="3000") == hasselt
    assert sal_services(client, postcode="3500", proximity="100000") == hasselt | {flanders}
    assert sal_services(client, postcode="3500", proximity=1) == set()
    assert sal_services(client, postcode="8000", proximity="1000000") >= by_name("Hasselt")


def test_confidential_sites_are_never_found_by_postcode_or_proximity(
    client: TestClient, loaded: list[dict[str, Any]]
) -> None:
    for params in ({"postcode": "8000"}, {"postcode": "8000", "proximity": "5000"}):
        found = client.get("/hsds/service_at_locations", params=params).text
        assert CONFIDENTIAL not in found
        hidden = next(r for r in SAMPLE if r["id"] == CONFIDENTIAL)["service_at_locations"][0]
        assert hidden["location"]["id"] not in found and hidden["id"] not in found


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/hsds/service_at_locations", {"postcode": "0000"}, "postcode"),
        ("/hsds/service_at_locations", {"postcode": "Hasselt"}, "postcode"),
        ("/hsds/service_at_locations", {"proximity": "500"}, "proximity"),
        ("/hsds/service_at_locations", {"postcode": "3500", "proximity": "near"}, "proximity"),
        ("/hsds/service_at_locations", {"postcode": "3500", "proximity": "-5"}, "proximity"),
        ("/hsds/services", {"minimal": "true"}, "minimal"),
        ("/hsds/organizations", {"full_service": "true"}, "full_service"),
        (f"/hsds/organizations/{SAMPLE[0]['organization_id']}", {"full_service": "1"},
         "full_service"),
    ],
)  # fmt: skip
def test_parameters_not_offered_or_unusable_are_422_naming_them(
    client: TestClient, loaded: list[dict[str, Any]], path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert field in {part for item in response.json()["detail"] for part in item["loc"]}


def test_their_default_values_are_accepted(
    client: TestClient, loaded: list[dict[str, Any]]
) -> None:
    assert client.get("/hsds/services", params={"minimal": "false"}).status_code == 200
    assert client.get("/hsds/organizations", params={"full_service": "false"}).status_code == 200


def test_full_organizations_and_service_at_locations_validate(
    client: TestClient, loaded: list[dict[str, Any]]
) -> None:
    organizations = client.get("/hsds/organizations", params={"full": "true"}).json()
    assert page_errors(organizations, "organization") == []
    assert any(item["services"] for item in organizations["contents"])
    sites = client.get("/hsds/service_at_locations", params={"full": "true"}).json()
    assert page_errors(sites, "service_at_location") == []
    assert sites["total_items"] == 4 and all(item["location"] for item in sites["contents"])


def test_taxonomies_and_terms_can_be_searched(
    client: TestClient, loaded: list[dict[str, Any]]
) -> None:
    terms = client.get("/hsds/taxonomy_terms", params={"search": "FREE", "per_page": 200}).json()
    assert page_errors(terms, "taxonomy_term") == []
    codes = {item["code"] for item in terms["contents"]}
    assert "offers.free" in codes and "need.housing" not in codes
    found = client.get("/hsds/taxonomies", params={"search": "passer"}).json()
    assert page_errors(found, "taxonomy") == []
    assert TAXONOMY_ID in {item["id"] for item in found["contents"]}
    assert all("passer" in item["name"].lower() for item in found["contents"])
    assert client.get("/hsds/taxonomies", params={"search": "zzz"}).json()["total_items"] == 0


def test_a_location_with_accessibility_validates_and_shows_it(
    client: TestClient, engine: Engine
) -> None:
    record = accessible(service_record("Ramp"), step_free=True, sign_language=False)
    with session_scope(engine) as session:
        import_records(session.connection(), [record])
    body = client.get(f"/hsds/services/{record['id']}").json()
    assert errors(body, "service") == []
    location = body["service_at_locations"][0]["location"]
    assert answers(location) == {"step_free": True, "sign_language": False}
    assert {item["description"] for item in location["accessibility"]} == {
        "Step-free access: yes",
        "Sign language: no",
    }
