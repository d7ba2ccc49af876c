"""Hard filters never break: papers, conditions, age, gender, anonymous, free, distance."""

import pytest

from tests.matcher.persons import (
    LIEGE,
    codes,
    in_brussels,
    index_of,
    names,
    search,
    service,
    to_check,
)

WELCOME_ALL_BUT_UNDOCUMENTED = [
    "welcome.asylum_seeker",
    "welcome.non_eu_permit",
    "welcome.eu_citizen",
    "welcome.citizen",
]


def test_a_service_listing_welcome_codes_excludes_statuses_it_does_not_list() -> None:
    index = index_of(
        [
            service("Citizens only", "need.housing", *WELCOME_ALL_BUT_UNDOCUMENTED),
            service("Everyone", "need.housing", "welcome.undocumented", "welcome.citizen"),
        ]
    )
    found = search(index, in_brussels(status="undocumented", needs=("housing",)))
    assert names(found) == ["Everyone"]
    assert "welcomes_status" in codes(found.results[0].reasons)


def test_no_welcome_code_means_open_to_all_with_a_caution() -> None:
    found = search(index_of([service("Unstated")]), in_brussels(status="undocumented"))
    assert names(found) == ["Unstated"]
    assert "eligibility" in to_check(found.results[0].cautions)


@pytest.mark.parametrize("status", ["undocumented", "asylum_seeker"])
def test_residence_permit_requirement_excludes_people_without_one(status: str) -> None:
    index = index_of([service("Permit", "need.housing", "requires.residence_permit")])
    assert names(search(index, in_brussels(status=status))) == []
    assert names(search(index, in_brussels(status="eu_citizen"))) == ["Permit"]


@pytest.mark.parametrize("status", [None, "unknown"])
def test_unknown_status_excludes_nothing_but_cautions_about_permits(status: str | None) -> None:
    index = index_of([service("Permit", "need.housing", "requires.residence_permit")])
    found = search(index, in_brussels(status=status))
    assert names(found) == ["Permit"]
    assert "residence_permit_may_be_needed" in codes(found.results[0].cautions)


def test_exit_commitment_never_shown_to_someone_staying_safer() -> None:
    index = index_of([service("Exit only", "need.housing", "condition.exit_commitment_required")])
    assert names(search(index, in_brussels(goal="stay_safer"))) == []
    for goal in ("exit", "undecided", None):
        found = search(index, in_brussels(goal=goal))
        assert "exit_commitment_required" in codes(found.results[0].cautions)


def test_police_complaint_requirement_is_a_caution() -> None:
    index = index_of([service("Police", "need.housing", "condition.police_complaint_required")])
    for goal in ("exit", "undecided", "stay_safer"):
        found = search(index, in_brussels(goal=goal))
        assert "police_complaint_required" in codes(found.results[0].cautions)


def test_age_limits() -> None:
    index = index_of(
        [
            service("Adults", minimum_age=18),
            service("Young", maximum_age=25),
            service("Any"),
        ]
    )
    assert sorted(names(search(index, in_brussels(age=16)))) == ["Any", "Young"]
    assert sorted(names(search(index, in_brussels(age=30)))) == ["Adults", "Any"]


def test_gender_audience_excludes_other_stated_genders_only() -> None:
    index = index_of([service("Women's shelter", "need.emergency_shelter", "audience.women")])
    assert names(search(index, in_brussels(gender="man"))) == []
    assert names(search(index, in_brussels(gender="woman"))) == ["Women's shelter"]
    for gender in ("unspecified", None):
        found = search(index, in_brussels(gender=gender))
        assert names(found) == ["Women's shelter"]
        assert "audience_restricted" in codes(found.results[0].cautions)


def test_sex_workers_or_migrants_audience_excludes_nobody() -> None:
    index = index_of([service("Open", "need.housing", "audience.sex_workers", "audience.migrants")])
    assert names(search(index, in_brussels(gender="man"))) == ["Open"]


def test_anonymous_only_and_free_only() -> None:
    index = index_of(
        [
            service("Anonymous", "need.health_sexual", "offers.anonymous"),
            service("Free", "need.health_sexual", "offers.free"),
            service("Both", "need.health_sexual", "offers.free", "offers.anonymous"),
        ]
    )
    assert sorted(names(search(index, in_brussels(anonymous_only=True)))) == ["Anonymous", "Both"]
    assert sorted(names(search(index, in_brussels(free_only=True)))) == ["Both", "Free"]


def test_max_distance_limits_physical_services_not_remote_ones() -> None:
    index = index_of(
        [
            service("Near", at=(50.85, 4.36)),
            service("In Liège", at=LIEGE),
            service("Phone line", "need.housing", "offers.remote", at=None, areas=["Belgium"]),
        ]
    )
    found = search(index, in_brussels(max_distance_km=20))
    assert sorted(names(found)) == ["Near", "Phone line"]


def test_remote_services_only_in_their_service_area() -> None:
    index = index_of(
        [service("Flemish line", "need.housing", "offers.remote", at=None, areas=["Vlaanderen"])]
    )
    person = in_brussels()
    outside = type(person)(
        latitude=person.latitude, longitude=person.longitude, in_area=lambda area: False
    )
    assert names(search(index, outside)) == []
    assert names(search(index, person)) == ["Flemish line"]


def test_only_active_services_are_matched() -> None:
    index = index_of([service("Closed", status="inactive"), service("Open")])
    assert names(search(index, in_brussels())) == ["Open"]
