"""Properties over random directories and persons: no hard filter ever breaks, and every result
meets a stated need or was added for safety (and says so)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.taxonomy import codes_with_prefix
from matcher.person import GENDERS, Person
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
