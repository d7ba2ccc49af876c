"""Confidential sites in the matcher: only the coarse point the directory gives counts; a site
with no point is reached through its areas or region, with no distance and no town."""

from dataclasses import replace
from typing import Any

from directory.hsds.coarse_points import COARSE
from directory.places.gazetteer import haversine_km
from matcher.person import Person
from tests.matcher.persons import BRUSSELS, codes, in_brussels, index_of, search, service

TRUE_POINT = (50.8467, 4.3525)
"""The true site: right where the person in Brussels is."""
COARSE_POINT = (50.8600, 4.3800)


def shelter(coarse: dict[str, Any] | None, *codes: str, **fields: Any) -> dict[str, Any]:
    record = service(
        "Safe house",
        "need.emergency_shelter",
        "privacy.confidential_address",
        *codes,
        at=TRUE_POINT,
        **fields,
    )
    if coarse is not None:
        record["service_at_locations"][0]["location"][COARSE] = coarse
    return record


def inside(region: str) -> Person:
    """A person in Brussels whose areas are only `region`."""
    return Person(
        latitude=BRUSSELS[0],
        longitude=BRUSSELS[1],
        in_area=lambda area: area == region,
        needs=("emergency_shelter",),
    )


def test_distance_and_filter_use_the_coarse_point_never_the_true_one() -> None:
    coarse = {"latitude": COARSE_POINT[0], "longitude": COARSE_POINT[1], "region": "BE-BRU"}
    index = index_of([shelter(coarse)])
    (result,) = search(index, in_brussels()).results
    expected = float(haversine_km(*BRUSSELS, [COARSE_POINT[0]], [COARSE_POINT[1]])[0])
    assert result.distance_km is not None and abs(result.distance_km - expected) < 0.01
    assert [m.params["km"] for m in result.reasons if m.code == "distance"] == [round(expected)]
    # the true site is 0 km away: a filter at 1 km would keep it, the coarse point is farther
    assert search(index, in_brussels(max_distance_km=1.0)).results == ()
    assert search(index, in_brussels(max_distance_km=expected + 0.1)).results != ()


def test_a_confidential_record_without_a_coarse_point_is_never_placed_at_its_true_point() -> None:
    (result,) = search(index_of([shelter(None)]), in_brussels()).results
    assert result.distance_km is None
    assert result.site is not None and result.site.latitude is None
    assert result.site.municipality is None and result.site.address is None
    assert "distance" not in codes(result.reasons) and "in_place" not in codes(result.reasons)
    assert "address_confidential" in codes(result.cautions)


def test_a_site_with_no_point_is_reached_through_its_region() -> None:
    index = index_of([shelter({"latitude": None, "longitude": None, "region": "BE-WAL"})])
    assert search(index, inside("BE-BRU")).results == ()
    (result,) = search(index, inside("BE-WAL")).results
    assert result.distance_km is None
    assert [m.params for m in result.reasons if m.code == "in_region"] == [{"region": "BE-WAL"}]
    # no distance to filter on: max_distance_km neither keeps nor drops it, its region does
    found = search(index, replace(inside("BE-WAL"), max_distance_km=1.0))
    assert len(found.results) == 1


def test_the_service_areas_win_over_the_sites_region() -> None:
    record = shelter(
        {"latitude": None, "longitude": None, "region": "BE-WAL"}, areas=["Vlaanderen"]
    )
    index = index_of([record])
    assert search(index, inside("BE-WAL")).results == ()
    assert len(search(index, inside("Vlaanderen")).results) == 1
