"""Finding F1 replayed: a partner gives its service a confidential location at a precise point,
a curator approves, and an anonymous attacker asks `/v1/match` as often as they like. Neither
trilateration on `distance_km` nor bisection on `max_distance_km` gets within 1 km of the site:
every answer comes from the stored coarse point, which the attack finds instead."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.settings import Settings
from directory.hsds.coarse_points import MAX_OFFSET_KM, MIN_OFFSET_KM, stored_coarse_points
from directory.hsds.importer import import_records
from directory.places.gazetteer import gazetteer, haversine_km
from directory.taxonomy import attribute_record
from tests.builders import new_id, service_record
from tests.partner_fixtures import World, seed_world

SAFE_HOUSE = (51.21390, 4.42110)
"""The attack report's confidential location, in Antwerp."""
MOVED = (51.19000, 4.40000)
QUERY = {"needs": ["emergency_shelter"], "limit": 50}
KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class Attack:
    client: TestClient
    app: FastAPI
    world: World
    location_id: str


def partner(world: World) -> dict[str, str]:
    return world.auth(world.token_a)


def confidential_link(service_id: str, at: tuple[float, float]) -> dict[str, Any]:
    location_id = new_id()
    mark = attribute_record(
        new_id(), location_id, "privacy.confidential_address", link_entity="location"
    )
    location = {
        "id": location_id,
        "location_type": "physical",
        "name": "Safe house",
        "latitude": at[0],
        "longitude": at[1],
        "attributes": [mark],
        "addresses": [
            {
                "id": new_id(),
                "location_id": location_id,
                "address_1": "Hidden street 1",
                "city": "Antwerpen",
                "postal_code": "2000",
                "country": "BE",
                "address_type": "physical",
                "state_province": "Antwerpen",
            }
        ],
    }
    return {
        "id": new_id(),
        "service_id": service_id,
        "location_id": location_id,
        "location": location,
    }


def propose_and_approve(client: TestClient, world: World, patch: dict[str, Any]) -> None:
    """The partner's merge patch on its service, approved by the curator if it waits."""
    path = f"/v1/partner/services/{world.service_a}"
    etag = client.get(path, headers=partner(world)).headers["etag"]
    headers = {**partner(world), "If-Match": etag, "Content-Type": "application/merge-patch+json"}
    answer = client.patch(path, json=patch, headers=headers)
    assert answer.status_code == 202, answer.text
    change_id = answer.json()["change_id"]
    if change_id is not None:
        approved = client.post(
            f"/v1/curator/changes/{change_id}/approve", headers=world.auth(world.curator)
        )
        assert approved.status_code == 200, approved.text


def place_safe_house(client: TestClient, app: FastAPI, world: World) -> str:
    """The attack's set-up: the service's only location becomes the confidential safe house."""
    link = confidential_link(world.service_a, SAFE_HOUSE)
    propose_and_approve(client, world, {"service_at_locations": [link]})
    app.state.matching.refresh()
    return str(link["location_id"])


@pytest.fixture
def attack(engine: Engine, database_url: str) -> Iterator[Attack]:
    world = seed_world(engine)
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        rate_match="100000/minute",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        location_id = place_safe_house(client, app, world)
        yield Attack(client, app, world, location_id)


def found(attack: Attack, at: tuple[float, float], **body: Any) -> dict[str, Any] | None:
    """The safe house's service in the answer for a search from `at`, if it is there."""
    request = {**QUERY, "location": {"lat": at[0], "lon": at[1]}, **body}
    answer = attack.client.post("/v1/match", json=request)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    return next((r for r in results if r["service"]["id"] == attack.world.service_a), None)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(haversine_km(a[0], a[1], [b[0]], [b[1]])[0])


def trilaterate(points: list[tuple[float, float]], distances: list[float]) -> tuple[float, float]:
    """The point whose distances to `points` fit `distances` best (least squares), searched on
    a 50 m grid over 20 km around the points' centre, then a 5 m grid around the best."""
    lat0 = float(np.mean([p[0] for p in points]))
    lon0 = float(np.mean([p[1] for p in points]))
    centre, span, step = (lat0, lon0), 10.0, 0.05
    for _ in range(2):
        offsets = np.arange(-span, span + step / 2, step)
        north, east = np.meshgrid(offsets, offsets, indexing="ij")
        lat = centre[0] + north / KM_PER_DEGREE
        lon = centre[1] + east / (KM_PER_DEGREE * np.cos(np.radians(centre[0])))
        error = np.zeros_like(lat)
        for (p_lat, p_lon), distance in zip(points, distances, strict=True):
            error += (
                haversine_km(p_lat, p_lon, lat.ravel(), lon.ravel()).reshape(lat.shape) - distance
            ) ** 2
        best = np.unravel_index(int(np.argmin(error)), error.shape)
        centre, span, step = (float(lat[best]), float(lon[best])), 0.3, 0.005
    return centre


def coarse_of(engine: Engine, location_id: str) -> tuple[float, float]:
    with engine.connect() as connection:
        latitude, longitude = stored_coarse_points(connection, [location_id])[location_id]
    assert latitude is not None and longitude is not None
    return latitude, longitude


def test_trilateration_on_whole_kilometres_misses_the_site(attack: Attack, engine: Engine) -> None:
    draw = random.Random(1)
    points = [
        (SAFE_HOUSE[0] + draw.uniform(-0.12, 0.12), SAFE_HOUSE[1] + draw.uniform(-0.18, 0.18))
        for _ in range(25)
    ]
    distances = []
    for point in points:
        result = found(attack, point)
        assert result is not None and result["location"] is None
        assert float(result["distance_km"]).is_integer()
        distances.append(float(result["distance_km"]))
    estimate = trilaterate(points, distances)
    assert km_between(estimate, SAFE_HOUSE) > 1.0
    assert km_between(estimate, coarse_of(engine, attack.location_id)) < 0.5  # what it found


def test_bisection_on_max_distance_misses_the_site(attack: Attack, engine: Engine) -> None:
    points = [(51.19, 4.44), (51.26, 4.38), (51.20, 4.35)]
    distances = []
    for point in points:
        low, high = 0.0, 40.0
        assert found(attack, point, max_distance_km=high) is not None
        for _ in range(18):  # 40 km / 2^18: 0.15 m
            middle = (low + high) / 2
            if found(attack, point, max_distance_km=middle) is None:
                low = middle
            else:
                high = middle
        distances.append(high)
    estimate = trilaterate(points, distances)
    assert km_between(estimate, SAFE_HOUSE) > 1.0
    coarse = coarse_of(engine, attack.location_id)
    assert km_between(estimate, coarse) < 0.05  # the bisection finds the coarse point exactly


def test_the_coarse_point_is_one_to_three_km_away_in_the_same_region(
    attack: Attack, engine: Engine
) -> None:
    coarse = coarse_of(engine, attack.location_id)
    assert MIN_OFFSET_KM - 0.001 <= km_between(coarse, SAFE_HOUSE) <= MAX_OFFSET_KM + 0.001
    assert MIN_OFFSET_KM > 1.0
    region_of = gazetteer().region_of
    assert region_of(*coarse) == region_of(*SAFE_HOUSE) == "BE-VLG"


def test_the_coarse_point_survives_rebuilds_restarts_and_other_edits(
    attack: Attack, engine: Engine, database_url: str
) -> None:
    coarse = coarse_of(engine, attack.location_id)
    asked_from = (51.19, 4.44)
    before = found(attack, asked_from)
    attack.app.state.matching.version = None
    assert attack.app.state.matching.refresh()  # an index rebuild
    assert found(attack, asked_from) == before
    # an edit that leaves the true point where it is keeps the coarse point
    propose_and_approve(attack.client, attack.world, {"description": "Open day and night."})
    assert coarse_of(engine, attack.location_id) == coarse
    # a new app (another worker or host) on the same database reads the same point
    other = create_app(Settings(database_url=database_url, secret_key="y" * 48))
    with TestClient(other) as client:
        body = {**QUERY, "location": {"lat": asked_from[0], "lon": asked_from[1]}}
        results = client.post("/v1/match", json=body).json()["results"]
        listings = other.state.matching.index.listings
    (listing,) = [item for item in listings if item.id == attack.world.service_a]
    assert [(site.latitude, site.longitude) for site in listing.sites] == [coarse]
    (result,) = [r for r in results if r["service"]["id"] == attack.world.service_a]
    assert before is not None and result["distance_km"] == before["distance_km"]


def test_moving_the_true_point_draws_a_new_coarse_point(attack: Attack, engine: Engine) -> None:
    old = coarse_of(engine, attack.location_id)
    path = f"/v1/partner/services/{attack.world.service_a}"
    record = attack.client.get(path, headers=partner(attack.world)).json()
    links = record["service_at_locations"]
    links[0]["location"]["latitude"], links[0]["location"]["longitude"] = MOVED
    propose_and_approve(attack.client, attack.world, {"service_at_locations": links})
    new = coarse_of(engine, attack.location_id)
    assert new != old
    assert MIN_OFFSET_KM - 0.001 <= km_between(new, MOVED) <= MAX_OFFSET_KM + 0.001


def test_the_coarse_point_is_in_no_public_answer(attack: Attack, engine: Engine) -> None:
    coarse = coarse_of(engine, attack.location_id)
    texts = [
        attack.client.get(f"/hsds/services/{attack.world.service_a}").text,
        attack.client.get("/hsds/services?full=true").text,
        attack.client.post("/v1/match", json={**QUERY, "location": {"lat": 51.2, "lon": 4.4}}).text,
    ]
    for text in texts:
        for value in (*coarse, *SAFE_HOUSE):
            assert f"{value:.4f}"[:-1] not in text
        assert "Hidden street" not in text and "Safe house" not in text


def centroid_shelter() -> dict[str, Any]:
    """A confidential shelter known only by its town's centre (the bundled shelters' case)."""
    record = service_record(
        "Night shelter", codes=("need.emergency_shelter",), at=(50.6337, 5.5675)
    )
    location = record["service_at_locations"][0]["location"]
    location["name"] = "Night shelter, Liège"
    location["addresses"] = []
    location["attributes"] = [
        attribute_record(new_id(), location["id"], code, link_entity="location")
        for code in ("privacy.confidential_address", "geo.approximate")
    ]
    return record


def test_a_site_with_no_true_point_is_found_by_region_with_no_distance_or_town(
    engine: Engine, client: TestClient, app: FastAPI
) -> None:
    record = centroid_shelter()
    with engine.begin() as connection:
        import_records(connection, [record], who="curator")
        assert (
            stored_coarse_points(connection, [record["service_at_locations"][0]["location_id"]])
            == {}
        )
    app.state.matching.refresh()

    def search(place: str, **body: Any) -> list[dict[str, Any]]:
        request = {**QUERY, "location": {"place": place}, "lang": "fr", **body}
        answer = client.post("/v1/match", json=request)
        assert answer.status_code == 200, answer.text
        return [r for r in answer.json()["results"] if r["service"]["id"] == record["id"]]

    (result,) = search("Liège")
    assert result["location"] is None and result["distance_km"] is None
    assert "En Wallonie" in result["reasons"]
    assert not any(town in str(result) for town in ("Liège", "Luik", "Lüttich", "4000"))
    assert [r["distance_km"] for r in search("Namur", max_distance_km=1)] == [None]
    assert search("Antwerpen") == []
    assert search("Bruxelles") == []
