"""Coarse points of confidential sites: the draw, the stored value's life, and migration 0003 on
a database built before it (SQLite and PostgreSQL)."""

import math
import secrets
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from directory.database import make_engine, upgrade_schema
from directory.errors import ImportFailed
from directory.hsds.coarse_points import (
    MAX_DRAWS,
    MAX_OFFSET_KM,
    MIN_OFFSET_KM,
    draw_coarse_point,
    matching_records,
    refresh_coarse_points,
    stored_coarse_points,
)
from directory.hsds.importer import import_records, prepare
from directory.hsds.repository import ensure_taxonomy, write_flat
from directory.places.gazetteer import gazetteer, haversine_km
from directory.taxonomy import attribute_record
from matcher.listing import listing_from_record
from tests.builders import new_id, service_record

PRECISE = (50.8466, 4.3528)
"""A confidential site in Brussels whose true point is known."""
CENTROID = (50.6337, 5.5675)
"""Liège's centre: a confidential site known only by its town."""


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(haversine_km(a[0], a[1], [b[0]], [b[1]])[0])


def confidential(name: str, at: tuple[float, float], *more: str) -> dict[str, Any]:
    record = service_record(name, codes=("need.emergency_shelter",), at=at)
    location = record["service_at_locations"][0]["location"]
    location["attributes"] = [
        attribute_record(new_id(), location["id"], code, link_entity="location")
        for code in ("privacy.confidential_address", *more)
    ]
    return record


def location_id(record: dict[str, Any]) -> str:
    return str(record["service_at_locations"][0]["location_id"])


# --- the draw --------------------------------------------------------------------------------


def test_draws_are_one_to_three_km_away_in_the_region_and_all_different() -> None:
    region_of = gazetteer().region_of
    points = [
        draw_coarse_point(latitude=PRECISE[0], longitude=PRECISE[1], region_of=region_of)
        for _ in range(40)
    ]
    assert len(set(points)) == 40
    for point in points:
        assert point is not None
        assert MIN_OFFSET_KM - 1e-6 <= km(point, PRECISE) <= MAX_OFFSET_KM + 1e-6
        assert region_of(*point) == "BE-BRU"


def test_a_draw_that_never_stays_in_the_region_gives_no_point_after_bounded_tries() -> None:
    asked: list[tuple[float, float]] = []

    def region_of(latitude: float, longitude: float) -> str | None:
        asked.append((latitude, longitude))
        return "BE-BRU" if (latitude, longitude) == PRECISE else "BE-VLG"

    assert draw_coarse_point(latitude=PRECISE[0], longitude=PRECISE[1], region_of=region_of) is None
    assert len(asked) == 1 + MAX_DRAWS


def test_the_draw_uses_the_secrets_module(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    real = secrets.SystemRandom

    def system_random() -> Any:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(secrets, "SystemRandom", system_random)
    draw_coarse_point(latitude=PRECISE[0], longitude=PRECISE[1], region_of=lambda *_: None)
    assert made


# --- the stored value ----------------------------------------------------------------------------


def test_an_import_draws_once_keeps_it_and_redraws_only_when_the_site_moves(engine: Engine) -> None:
    record = confidential("Safe house", PRECISE)
    with engine.begin() as connection:
        import_records(connection, [record])
        first = stored_coarse_points(connection, [location_id(record)])
    with engine.begin() as connection:
        import_records(connection, [{**record, "description": "Changed."}])
        assert stored_coarse_points(connection, [location_id(record)]) == first
        refresh_coarse_points(connection)
        assert stored_coarse_points(connection, [location_id(record)]) == first
    moved = (PRECISE[0] + 0.01, PRECISE[1])
    record["service_at_locations"][0]["location"]["latitude"] = moved[0]
    with engine.begin() as connection:
        import_records(connection, [record])
        (point,) = stored_coarse_points(connection, [location_id(record)]).values()
    assert point != first[location_id(record)]
    assert point[0] is not None and point[1] is not None
    assert MIN_OFFSET_KM - 1e-6 <= km((point[0], point[1]), moved) <= MAX_OFFSET_KM + 1e-6


def test_no_point_for_centroids_and_public_sites_and_none_kept_once_public(
    engine: Engine,
) -> None:
    town = confidential("Town shelter", CENTROID, "geo.approximate")
    public = service_record("Open office", at=PRECISE)
    secret = confidential("Safe house", PRECISE)
    with engine.begin() as connection:
        import_records(connection, [town, public, secret])
        ids = [location_id(r) for r in (town, public, secret)]
        assert set(stored_coarse_points(connection, ids)) == {location_id(secret)}
    secret["service_at_locations"][0]["location"]["attributes"] = []
    with engine.begin() as connection:
        import_records(connection, [secret])
        assert stored_coarse_points(connection, ids) == {}


def test_a_failed_import_draws_nothing(engine: Engine) -> None:
    good = confidential("Safe house", PRECISE)
    bad = service_record("Broken", codes=("need.not_a_need",))
    with engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM coarse_point")).scalar_one()
    with pytest.raises(ImportFailed) as failed, engine.begin() as connection:
        import_records(connection, [good, bad])
    assert "need.not_a_need" in str(failed.value.errors)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM coarse_point")).scalar_one() == before


# --- migration 0003 ----------------------------------------------------------------------------


def test_migration_0003_draws_points_for_existing_precise_confidential_sites(
    fresh_database: str,
) -> None:
    engine = make_engine(fresh_database)
    try:
        upgrade_schema(engine, revision="0002")
        town = confidential("Town shelter", CENTROID, "geo.approximate")
        secret = confidential("Safe house", PRECISE)
        public = service_record("Open office", at=PRECISE)
        with engine.begin() as connection:  # written as the code before 0003 did
            ensure_taxonomy(connection)
            flat, _ = prepare(connection, [town, secret, public])
            write_flat(connection, flat)
        upgrade_schema(engine)
        with engine.connect() as connection:
            ids = [location_id(r) for r in (town, secret, public)]
            stored = stored_coarse_points(connection, ids)
        assert set(stored) == {location_id(secret)}
        latitude, longitude = stored[location_id(secret)]
        assert latitude is not None and longitude is not None
        assert MIN_OFFSET_KM - 1e-6 <= km((latitude, longitude), PRECISE) <= MAX_OFFSET_KM + 1e-6
        assert gazetteer().region_of(latitude, longitude) == "BE-BRU"
        with engine.connect() as connection:  # what every worker's index reads
            listings = [listing_from_record(record) for record in matching_records(connection)]
        sites = {item.name: item.sites for item in listings}
        assert [(s.latitude, s.longitude) for s in sites["Safe house"]] == [(latitude, longitude)]
        assert [(s.latitude, s.region) for s in sites["Town shelter"]] == [(None, "BE-WAL")]
        assert not math.isclose(sites["Open office"][0].latitude or 0, latitude)
    finally:
        engine.dispose()
