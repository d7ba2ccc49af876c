"""Each criterion explains what its score used (`matcher.criteria`): for every service, the
words follow the score it got, read from the same index arrays. No HTTP, no database."""

from datetime import timedelta
from typing import Any

import numpy as np

from matcher.criteria import (
    CRITERIA,
    REGIONAL_SCORE,
    REMOTE_SCORE,
    STALE_FACTOR,
    Capacity,
    Criterion,
    Distance,
    Freshness,
    Goal,
    Language,
    Minors,
    Needs,
    OpenNow,
    total_scores,
)
from matcher.index import Index
from matcher.person import Person
from matcher.query import Query, new_query
from tests.builders import attribute
from tests.matcher.persons import NOW, in_brussels, index_of, service


def query_of(index: Index, person: Person) -> Query:
    return new_query(index, person, NOW, person.needs)


def by_service(criterion: Criterion, query: Query) -> list[tuple[str, float, list[str]]]:
    """Per service (its first row): name, score, and the codes of the words it is given."""
    scores = criterion.score(query)
    found = []
    for number in range(query.index.size):
        row = int(np.flatnonzero(query.index.row_service == number)[0])
        score = float(scores[row] if criterion.per_row else scores[number])
        listing = query.index.listings[number]
        explained = criterion.explain(query, listing, number, row)
        found.append(
            (
                listing.name,
                round(score, 3),
                [m.code for m in (*explained.reasons, *explained.cautions)],
            )
        )
    return found


def test_the_language_words_follow_the_language_score() -> None:
    index = index_of(
        [
            service("Speaks", languages=["ro", "fr"]),
            service("Interprets", "need.housing", "offers.interpretation", languages=["nl"]),
            service("Neither", languages=["nl"]),
        ]
    )
    query = query_of(index, Person(languages=("bg", "ro")))
    assert by_service(Language(), query) == [
        ("Speaks", 1.0, ["speaks"]),
        ("Interprets", 0.6, ["interpretation"]),
        ("Neither", 0.2, []),
    ]
    speaks = Language().explain(query, index.listings[0], 0, 0).reasons
    assert [m.params for m in speaks] == [{"language": "ro"}]


def test_a_language_outside_the_commonest_64_is_explained_too() -> None:
    common = [service(f"Common {n}", languages=[f"c{n:02d}"]) for n in range(64)]
    rare = service("Rare", languages=["zz"])
    index = index_of([*common, *common[:1], rare])
    assert "zz" in index.rare_languages
    query = query_of(index, Person(languages=("zz",)))
    assert by_service(Language(), query)[-1] == ("Rare", 1.0, ["speaks"])


def test_each_need_met_is_one_reason_and_one_share_of_the_score() -> None:
    index = index_of(
        [
            service("Both", "need.housing", "need.employment"),
            service("One", "need.employment"),
            service("None", "need.health_general"),
        ]
    )
    query = query_of(index, Person(needs=("housing", "employment")))
    assert by_service(Needs(), query) == [
        ("Both", 1.0, ["meets_need", "meets_need"]),
        ("One", 0.5, ["meets_need"]),
        ("None", 0.0, []),
    ]


def test_explanations_read_the_index_not_a_second_copy_of_the_data() -> None:
    """The words come from the arrays the score read: an index updated in place (a need
    removed, beds no longer fresh) changes score and words together."""
    index = index_of([_with_beds("Shelter", 3, hours_ago=1)])
    person = Person(needs=("emergency_shelter",))
    assert by_service(Needs(), query_of(index, person)) == [("Shelter", 1.0, ["meets_need"])]
    assert by_service(Capacity(), query_of(index, person)) == [("Shelter", 1.0, ["beds_available"])]
    index.needs[0] = 0
    index.beds_time[0] -= 72 * 3600
    assert by_service(Needs(), query_of(index, person)) == [("Shelter", 0.0, [])]
    assert by_service(Capacity(), query_of(index, person)) == [("Shelter", 0.5, [])]


def _with_beds(name: str, beds: int, hours_ago: float) -> dict[str, Any]:
    record = service(name, "need.emergency_shelter")
    item = attribute(record["id"], "capacity.beds_available", str(beds))
    when = (NOW - timedelta(hours=hours_ago)).isoformat()
    item["metadata"] = [{"id": "m", "last_action_date": when, "last_action_type": "update"}]
    record["attributes"].append(item)
    return record


def test_fresh_beds_are_a_reason_no_fresh_bed_a_caution_old_counts_nothing() -> None:
    index = index_of(
        [
            _with_beds("Free", 3, hours_ago=2),
            _with_beds("Full", 0, hours_ago=1),
            _with_beds("Old", 4, hours_ago=72),
            service("Unknown", "need.emergency_shelter"),
        ]
    )
    query = query_of(index, Person(needs=("emergency_shelter",)))
    assert by_service(Capacity(), query) == [
        ("Free", 1.0, ["beds_available"]),
        ("Full", 0.0, ["no_beds"]),
        ("Old", 0.5, []),
        ("Unknown", 0.5, []),
    ]
    (reason,) = Capacity().explain(query, index.listings[0], 0, 0).reasons
    assert reason.params == {"beds": 3}


def test_freshness_says_how_old_a_record_is_and_every_stale_row_says_it() -> None:
    today = NOW.date()
    index = index_of(
        [
            service("Fresh", assured_date=(today - timedelta(days=30)).isoformat()),
            service("Year", assured_date=(today - timedelta(days=400)).isoformat()),
            service("Stale", assured_date=(today - timedelta(days=800)).isoformat()),
            service("Never"),
        ]
    )
    query = query_of(index, Person())
    assert by_service(Freshness(), query) == [
        ("Fresh", 0.967, []),
        ("Year", 0.562, ["verified_months_ago"]),
        ("Stale", 0.124, ["verified_months_ago"]),
        ("Never", 0.6, ["to_check"]),
    ]
    months = Freshness().explain(query, index.listings[2], 2, 2).cautions[0].params
    assert months == {"months": 26}
    totals = total_scores(query)
    alone = index_of([service("Stale", assured_date=(today - timedelta(days=800)).isoformat())])
    assert totals[2] < total_scores(query_of(alone, Person()))[0] / STALE_FACTOR


def test_the_stale_factor_is_always_explained() -> None:
    """Every row the stale factor scales down carries "verified N months ago"."""
    today = NOW.date()
    ages = [0, 100, 365, 700, 731, 760, 1000, 3000]
    index = index_of(
        [
            service(f"{days} days", assured_date=(today - timedelta(days=days)).isoformat())
            for days in ages
        ]
    )
    query = query_of(index, Person())
    factor = total_scores(query) / _unscaled(query)
    assert int((factor < 0.99).sum()) == 4  # 731 days and older
    for service_number, listing in enumerate(index.listings):
        explained = Freshness().explain(query, listing, service_number, service_number)
        said = [m.code for m in explained.cautions]
        if factor[service_number] < 0.99:
            assert np.isclose(factor[service_number], STALE_FACTOR)
            assert said == ["verified_months_ago"], listing.name


def _unscaled(query: Query) -> np.ndarray:
    weights = sum(c.weight(query) for c in CRITERIA)
    total = np.zeros(len(query.index.row_service), dtype=np.float64)
    for criterion in CRITERIA:
        weight = criterion.weight(query)
        if weight:
            score = criterion.score(query)
            total += weight * (score if criterion.per_row else score[query.index.row_service])
    unscaled: np.ndarray = total / weights
    return unscaled


def test_distance_words_follow_the_kind_of_row_scored() -> None:
    index = index_of(
        [
            service("Here", at=(50.85, 4.35)),
            service("Line", "need.crisis_line", "offers.remote", at=None),
        ]
    )
    query = query_of(index, in_brussels())
    assert by_service(Distance(), query) == [
        ("Here", 0.973, ["distance"]),
        ("Line", REMOTE_SCORE, ["remote"]),
    ]


def test_a_site_with_no_point_is_scored_and_said_by_its_region() -> None:
    record = service("Safe house", "need.housing", "privacy.confidential_address")
    record["service_at_locations"][0]["location"]["passerelle_coarse"] = {"region": "BE-WAL"}
    index = index_of([record])
    assert index.regional_row.tolist() == [True]
    query = query_of(index, in_brussels())
    assert by_service(Distance(), query) == [
        ("Safe house", REGIONAL_SCORE, ["in_region", "address_confidential"])
    ]
    (reason,) = Distance().explain(query, index.listings[0], 0, 0).reasons
    assert reason.params == {"region": "BE-WAL"}


def test_goal_words_say_only_the_stance_the_data_states() -> None:
    """The goal weighs needs in the score (an employment service fits leaving), never in the
    words: a stance reason comes only from `approach.` or `need.exit_programme`."""
    index = index_of(
        [
            service("Jobs", "need.employment"),
            service("Exit", "need.exit_programme"),
            service("Focused", "need.housing", "approach.exit_focused"),
            service(
                "Rights", "need.health_sexual", "approach.rights_based", "audience.sex_workers"
            ),
        ]
    )
    assert by_service(Goal(), query_of(index, Person(goal="exit"))) == [
        ("Jobs", 1.0, []),
        ("Exit", 1.0, ["stance_exit"]),
        ("Focused", 1.0, ["stance_exit"]),
        ("Rights", 0.5, ["stance_rights_based"]),
    ]
    assert by_service(Goal(), query_of(index, Person(goal="stay_safer")))[2] == (
        "Focused",
        0.3,
        ["stance_exit_focused"],
    )


def test_open_now_speaks_only_to_a_person_in_danger() -> None:
    index = index_of(
        [
            service("Always", "need.emergency_shelter", "offers.open_24_7"),
            service("Daytime", "need.emergency_shelter"),
        ]
    )
    in_danger = query_of(index, Person(in_danger_now=True))
    assert by_service(OpenNow(), in_danger) == [
        ("Always", 1.0, ["open_24_7"]),
        ("Daytime", 0.4, []),
    ]
    assert OpenNow().weight(query_of(index, Person())) == 0.0
    assert [words for *_, words in by_service(OpenNow(), query_of(index, Person()))] == [[], []]


def test_for_minors_is_said_only_when_the_minors_criterion_weighs() -> None:
    index = index_of([service("Youth", "need.housing", "audience.minors"), service("Adults")])
    assert by_service(Minors(), query_of(index, Person(age=15))) == [
        ("Youth", 1.0, ["for_minors"]),
        ("Adults", 0.3, []),
    ]
    assert [words for *_, words in by_service(Minors(), query_of(index, Person(age=30)))] == [
        [],
        [],
    ]


def test_a_query_computes_a_shared_array_once() -> None:
    index = index_of([service("One")])
    query = query_of(index, Person(languages=("fr",)))
    first = query.once("speaks", lambda: np.array([True]))
    assert query.once("speaks", lambda: np.array([False])) is first
