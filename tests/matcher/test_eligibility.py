"""The hard filters, one class each (`matcher.eligibility`): what each mask excludes, and that a
result's words on eligibility come from the rule that let it through. No HTTP, no database."""

from typing import Any

import numpy as np
import pytest

from matcher.eligibility import (
    REACH,
    RULES,
    Age,
    Anonymous,
    Free,
    Gender,
    Goal,
    Papers,
    Permit,
    Rule,
    eligible_services,
    explain_eligibility,
    usable_rows,
)
from matcher.index import Index
from matcher.person import STATUSES, Person
from matcher.query import Query, new_query
from tests.matcher.persons import LIEGE, NOW, in_brussels, index_of, service

INDEX = index_of(
    [
        service("Unstated", "need.housing"),
        service("Undocumented welcome", "need.housing", "welcome.undocumented"),
        service("Citizens welcome", "need.housing", "welcome.citizen", "welcome.eu_citizen"),
        service("Permit", "need.housing", "requires.residence_permit"),
        service("Exit only", "need.housing", "condition.exit_commitment_required"),
        service("Adults", "need.housing", minimum_age=18),
        service("Young", "need.housing", minimum_age=12, maximum_age=25),
        service("Women", "need.housing", "audience.women"),
        service("Men and trans", "need.housing", "audience.men", "audience.trans"),
        service("Free", "need.housing", "offers.free"),
        service("Anonymous", "need.housing", "offers.anonymous"),
        service("Free and anonymous", "need.housing", "offers.free", "offers.anonymous"),
        service("Residents", "need.housing", "requires.residence_in_area", areas=["Wallonie"]),
    ]
)
NAMES = [listing.name for listing in INDEX.listings]


def kept(rule: Rule, person: Person, index: Index = INDEX) -> list[str]:
    assert rule.applies(person)
    mask = rule.mask(index, person)
    return [listing.name for listing, ok in zip(index.listings, mask, strict=True) if ok]


def excluded(rule: Rule, person: Person) -> set[str]:
    return set(NAMES) - set(kept(rule, person))


def words(rule: Rule, person: Person, name: str) -> tuple[list[Any], list[Any]]:
    """The codes of the reasons and cautions `rule` gives the service named `name`."""
    listing = next(item for item in INDEX.listings if item.name == name)
    explained = rule.explain(query_of(person), listing)
    return [m.code for m in explained.reasons], [m.code for m in explained.cautions]


def query_of(person: Person, index: Index = INDEX) -> Query:
    return new_query(index, person, NOW, person.needs)


@pytest.mark.parametrize(
    ("rule", "person"),
    [
        (Papers(), Person()),
        (Papers(), Person(status="unknown")),
        (Permit(), Person()),
        (Goal(), Person(goal="exit")),
        (Goal(), Person(goal="undecided")),
        (Age(), Person()),
        (Gender(), Person()),
        (Gender(), Person(gender="other")),
        (Free(), Person()),
        (Anonymous(), Person()),
    ],
)
def test_a_filter_applies_only_to_a_person_who_said_what_it_filters_on(
    rule: Rule, person: Person
) -> None:
    assert not rule.applies(person)
    assert eligible_services(INDEX, person).all()


def test_papers_keep_the_services_that_welcome_the_status_or_say_nothing() -> None:
    assert excluded(Papers(), Person(status="undocumented")) == {"Citizens welcome"}
    assert excluded(Papers(), Person(status="citizen")) == {"Undocumented welcome"}
    assert excluded(Papers(), Person(status="asylum_seeker")) == {
        "Undocumented welcome",
        "Citizens welcome",
    }


@pytest.mark.parametrize("status", STATUSES)
def test_every_service_papers_keep_is_explained_by_papers(status: str) -> None:
    """Kept because it welcomes the status (a reason), or because it says nothing of whom it
    welcomes (the "eligibility to check" caution): the words come from the filter."""
    person = Person(status=status)
    for name in kept(Papers(), person):
        reasons, cautions = words(Papers(), person, name)
        assert reasons == ["welcomes_status"] or cautions == ["to_check"], name
        assert not (reasons and cautions), name


@pytest.mark.parametrize("status", ["undocumented", "asylum_seeker"])
def test_a_permit_required_excludes_people_without_one(status: str) -> None:
    assert excluded(Permit(), Person(status=status)) == {"Permit"}


@pytest.mark.parametrize("status", ["non_eu_permit", "eu_citizen", "citizen"])
def test_a_permit_required_excludes_nobody_with_papers(status: str) -> None:
    assert not Permit().applies(Person(status=status))


def test_a_permit_required_is_a_caution_only_for_a_person_who_gave_no_status() -> None:
    assert words(Permit(), Person(), "Permit") == ([], ["residence_permit_may_be_needed"])
    assert words(Permit(), Person(status="unknown"), "Permit")[1] == [
        "residence_permit_may_be_needed"
    ]
    assert words(Permit(), Person(status="citizen"), "Permit") == ([], [])


def test_the_goal_filter_excludes_exit_only_services_for_staying_safer_and_says_it_else() -> None:
    assert excluded(Goal(), Person(goal="stay_safer")) == {"Exit only"}
    for goal in ("exit", "undecided", None):
        assert words(Goal(), Person(goal=goal), "Exit only") == ([], ["exit_commitment_required"])


@pytest.mark.parametrize(
    ("age", "out"),
    [
        (0, {"Adults", "Young"}),
        (12, {"Adults"}),
        (17, {"Adults"}),
        (18, set()),
        (25, set()),
        (26, {"Young"}),
        (90, {"Young"}),
    ],
)
def test_age_keeps_services_whose_bounds_include_it(age: int, out: set[str]) -> None:
    assert excluded(Age(), Person(age=age)) == out


@pytest.mark.parametrize(
    ("gender", "out"),
    [
        ("woman", {"Men and trans"}),
        ("man", {"Women"}),
        ("trans", {"Women"}),
        ("nonbinary", {"Women", "Men and trans"}),
    ],
)
def test_gender_keeps_services_for_everyone_and_for_that_gender(gender: str, out: set[str]) -> None:
    assert excluded(Gender(), Person(gender=gender)) == out


def test_gender_groups_are_a_caution_only_for_a_person_who_gave_no_gender() -> None:
    caution = words(Gender(), Person(), "Men and trans")
    assert caution == ([], ["audience_restricted"])
    listing = INDEX.listings[NAMES.index("Men and trans")]
    (message,) = Gender().explain(query_of(Person()), listing).cautions
    assert message.params == {"groups": "men,trans"}
    assert words(Gender(), Person(gender="man"), "Men and trans") == ([], [])


def test_free_and_anonymous_keep_only_what_they_name_and_say_so_as_reasons() -> None:
    assert kept(Free(), Person(free_only=True)) == ["Free", "Free and anonymous"]
    assert kept(Anonymous(), Person(anonymous_only=True)) == ["Anonymous", "Free and anonymous"]
    both = Person(free_only=True, anonymous_only=True)
    assert [NAMES[n] for n in np.flatnonzero(eligible_services(INDEX, both))] == [
        "Free and anonymous"
    ]
    listing = INDEX.listings[NAMES.index("Free and anonymous")]
    explained = explain_eligibility(query_of(Person()), listing)
    assert [m.code for m in explained.reasons] == ["free", "anonymous"]


def test_eligible_services_is_every_applying_rule_at_once() -> None:
    person = Person(status="undocumented", goal="stay_safer", age=20, gender="woman")
    expected = np.ones(INDEX.size, dtype=np.bool_)
    for rule in RULES:
        if rule.applies(person):
            expected &= rule.mask(INDEX, person)
    found = eligible_services(INDEX, person)
    assert (found == expected).all()
    assert set(NAMES) - {NAMES[n] for n in np.flatnonzero(found)} == {
        "Citizens welcome",
        "Permit",
        "Exit only",
        "Men and trans",
    }


def test_no_rule_but_the_filters_excludes_anybody() -> None:
    everyone = Person(
        status="undocumented",
        goal="stay_safer",
        age=30,
        gender="woman",
        free_only=True,
        anonymous_only=True,
        controlled_by_someone=True,
    )
    filters = (Papers, Permit, Goal, Age, Gender, Free, Anonymous)
    for rule in RULES:
        if not isinstance(rule, filters):
            assert not rule.applies(everyone), type(rule).__name__


def test_a_residents_only_service_is_not_excluded_outside_its_area() -> None:
    """The search place is no proof of where someone lives: it ranks lower, it stays usable."""
    person = in_brussels(needs=("housing",))
    outside = Person(latitude=LIEGE[0], longitude=LIEGE[1], in_area=lambda area: area != "Wallonie")
    for somebody in (person, outside):
        usable = usable_rows(query_of(somebody), eligible_services(INDEX, somebody))
        rows = np.flatnonzero(usable)
        assert NAMES.index("Residents") in {int(INDEX.row_service[r]) for r in rows}


def test_reach_keeps_rows_within_the_distance_and_remote_rows_by_their_areas() -> None:
    index = index_of(
        [
            service("Near", at=(50.85, 4.35)),
            service("Far", at=LIEGE),
            service("Line here", "need.crisis_line", "offers.remote", at=None, areas=["Belgium"]),
            service("Line abroad", "need.crisis_line", "offers.remote", at=None, areas=["France"]),
        ]
    )
    in_belgium = Person(latitude=50.8467, longitude=4.3525, in_area=lambda area: area == "Belgium")
    near_only = Person(
        latitude=50.8467,
        longitude=4.3525,
        in_area=lambda area: area == "Belgium",
        max_distance_km=10.0,
    )

    def reached(person: Person) -> list[str]:
        mask = REACH.mask(query_of(person, index))
        return [index.listings[int(index.row_service[r])].name for r in np.flatnonzero(mask)]

    assert reached(in_belgium) == ["Near", "Far", "Line here"]
    assert reached(near_only) == ["Near", "Line here"]
    assert reached(Person()) == ["Near", "Far", "Line here", "Line abroad"]
