"""Properties over random directories and persons: no hard filter ever breaks, and every result
meets a stated need or was added for safety (and says so)."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.taxonomy import codes_with_prefix
from matcher.person import GENDERS, Person
from tests.builders import attribute
from tests.matcher.persons import codes, index_of, search, service

CODES = [
    *codes_with_prefix("need"),
    *codes_with_prefix("welcome"),
    *codes_with_prefix("offers"),
    "requires.residence_permit",
    "condition.exit_commitment_required",
    "audience.women",
    "audience.men",
    "audience.trans",
]
NEEDS = [code.split(".", 1)[1] for code in codes_with_prefix("need")]

records = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CODES), min_size=1, max_size=6),
        st.one_of(st.none(), st.integers(0, 30)),
        st.tuples(st.floats(49.5, 51.5), st.floats(2.5, 6.4)),
    ),
    min_size=1,
    max_size=12,
)
persons = st.builds(
    Person,
    latitude=st.just(50.85),
    longitude=st.just(4.35),
    in_area=st.just(lambda _area: True),
    max_distance_km=st.one_of(st.none(), st.floats(1, 300)),
    status=st.sampled_from([None, "unknown", "undocumented", "asylum_seeker", "citizen"]),
    goal=st.sampled_from([None, "exit", "stay_safer", "undecided"]),
    needs=st.lists(st.sampled_from(NEEDS), max_size=3, unique=True).map(tuple),
    gender=st.sampled_from([None, "unspecified", *GENDERS]),
    age=st.one_of(st.none(), st.integers(12, 70)),
    controlled_by_someone=st.booleans(),
    anonymous_only=st.booleans(),
    free_only=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(records, persons)
def test_hard_filters_never_break(
    specs: list[tuple[list[str], int | None, tuple[float, float]]], person: Person
) -> None:
    directory = [
        service(f"S{n}", *set(found), at=at, **({"minimum_age": age} if age is not None else {}))
        for n, (found, age, at) in enumerate(specs)
    ]
    ranking = search(index_of(directory), person)
    for result in ranking.results:
        listing = result.listing
        welcome = listing.words("welcome")
        if person.known_status:
            assert not welcome or person.known_status in welcome
        if person.known_status in ("undocumented", "asylum_seeker"):
            assert "residence_permit" not in listing.words("requires")
        if person.goal == "stay_safer":
            assert "exit_commitment_required" not in listing.words("condition")
        if person.age is not None and listing.minimum_age is not None:
            assert person.age >= listing.minimum_age
        genders = listing.words("audience") & set(GENDERS.values())
        if GENDERS.get(person.gender or "") and genders:
            assert GENDERS[person.gender or ""] in genders
        assert not person.anonymous_only or "anonymous" in listing.words("offers")
        assert not person.free_only or "free" in listing.words("offers")
        if person.max_distance_km is not None and result.site is not None:
            assert result.distance_km is not None
            assert result.distance_km <= person.max_distance_km + 1e-3
        if person.needs:
            assert result.matched_needs or "safety_added" in codes(result.reasons)
        assert 0 <= result.score <= 1


# --- honest reasons, cautions that matter (issue 13) -------------------------------------------

AREAS = ["Wallonie", "Bruxelles", "Vlaanderen"]
STANCE_CODES = [
    "approach.exit_focused",
    "approach.rights_based",
    "approach.neutral",
    "audience.sex_workers",
    "need.exit_programme",
    "privacy.may_share_with_authorities",
    "requires.residence_in_area",
    "offers.outreach",
    "audience.minors",
]
FEW_NEEDS = ["housing", "employment", "health_sexual"]
"""A few needs, so that services often share one."""
HONEST_CODES = [
    *(f"need.{need}" for need in FEW_NEEDS),
    *STANCE_CODES,
    "requires.residence_in_area",
    "requires.professional_referral",
    "condition.police_complaint_required",
    "welcome.undocumented",
    "offers.free",
]
LOWERING = {"residence_in_area", "unreachable", "unreachable_outreach", "unreachable_referral"}
PROMOTING = {"first_for_need", "safety_moved_up", "safety_added"}


def _person_outside(
    *,
    covered: list[str],
    status: str | None,
    goal: str | None,
    needs: tuple[str, ...],
    age: int | None,
    controlled: bool,
) -> Person:
    """A person in Brussels whose place the areas in `covered` cover (and no other)."""
    return Person(
        latitude=50.85,
        longitude=4.35,
        in_area=lambda area: area in covered,
        status=status,
        goal=goal,
        needs=needs,
        age=age,
        controlled_by_someone=controlled,
    )


honest_records = st.lists(
    st.tuples(
        st.lists(st.sampled_from(HONEST_CODES), min_size=1, max_size=7),
        st.lists(st.sampled_from(AREAS), max_size=2, unique=True),
        st.booleans(),  # reachable: a phone and an address
        st.tuples(st.floats(49.5, 51.5), st.floats(2.5, 6.4)),
    ),
    min_size=3,
    max_size=14,
)
honest_persons = st.builds(
    _person_outside,
    covered=st.lists(st.sampled_from(AREAS), unique=True),
    status=st.sampled_from([None, "unknown", "undocumented", "asylum_seeker", "citizen"]),
    goal=st.sampled_from([None, "exit", "stay_safer", "undecided"]),
    needs=st.lists(st.sampled_from(FEW_NEEDS), max_size=2, unique=True).map(tuple),
    age=st.one_of(st.none(), st.integers(12, 70)),
    controlled=st.booleans(),
)


def _honest_directory(specs: list[tuple[list[str], list[str], bool, tuple[float, float]]]) -> Any:
    directory = []
    for n, (found, areas, reachable, at) in enumerate(specs):
        record = service(f"S{n}", *set(found), at=at, areas=areas)
        if not reachable:
            record["phones"] = []
            record["service_at_locations"] = []
            record["attributes"].append(attribute(record["id"], "offers.remote"))
        directory.append(record)
    return index_of(directory)


def _outside(result: Any, person: Person) -> bool:
    listing = result.listing
    return (
        "residence_in_area" in listing.words("requires")
        and bool(listing.service_areas)
        and person.in_area is not None
        and not any(person.in_area(area) for area in listing.service_areas)
    )


@settings(max_examples=80, deadline=None)
@given(honest_records, honest_persons)
def test_reasons_and_cautions_say_what_the_data_says(
    specs: list[tuple[list[str], list[str], bool, tuple[float, float]]], person: Person
) -> None:
    ranking = search(_honest_directory(specs), person)
    results = ranking.results
    wanted = set(person.needs)
    for n, result in enumerate(results):
        listing = result.listing
        reasons, cautions = codes(result.reasons), codes(result.cautions)
        approach = listing.words("approach")
        if "stance_exit" in reasons:
            assert "exit_focused" in approach or "exit_programme" in listing.needs
        if "stance_rights_based" in reasons:
            assert "rights_based" in approach and "sex_workers" in listing.words("audience")
        if "stance_exit_focused" in cautions:
            assert "exit_focused" in approach and person.goal in ("stay_safer", "undecided")
        shares = "may_share_with_authorities" in listing.words("privacy")
        if shares and person.known_status in (None, "undocumented", "asylum_seeker"):
            assert cautions[0] == "may_share_with_authorities"
        assert cautions.count("to_check") <= 1
        if _outside(result, person):
            assert "residence_in_area" in cautions
            if PROMOTING & set(reasons):
                continue
            for other in results[n + 1 :]:
                same_need = listing.needs & other.listing.needs & wanted if wanted else True
                lowered = _outside(other, person) or not other.listing.reachable
                assert not (same_need and not lowered), (listing.name, other.listing.name)


@settings(max_examples=60, deadline=None)
@given(honest_records, honest_persons)
def test_results_come_in_score_order_or_say_why_not(
    specs: list[tuple[list[str], list[str], bool, tuple[float, float]]], person: Person
) -> None:
    results = search(_honest_directory(specs), person).results
    for n, above in enumerate(results):
        for below in results[n + 1 :]:
            if below.score > above.score:
                promoted = PROMOTING & set(codes(above.reasons))
                lowered = LOWERING & set(codes(below.cautions))
                assert promoted or lowered, (above.listing.name, below.listing.name)
