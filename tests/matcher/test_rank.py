"""Ranking: distance, language, needs, goal, freshness, capacity, diversification, safety."""

from datetime import timedelta
from typing import Any

from directory.hsds.coarse_points import COARSE
from matcher.person import Person
from tests.builders import attribute
from tests.matcher.persons import (
    LIEGE,
    NOW,
    codes,
    in_brussels,
    index_of,
    names,
    search,
    service,
    to_check,
)


def test_nearer_ranks_first_and_says_how_far() -> None:
    index = index_of([service("Far", at=LIEGE), service("Near", at=(50.85, 4.36))])
    found = search(index, in_brussels())
    assert names(found) == ["Near", "Far"]
    assert found.results[0].distance_km is not None and found.results[0].distance_km < 2
    assert "distance" in codes(found.results[0].reasons)


def test_approximate_location_says_in_town_not_km() -> None:
    record = service("Approx", at=LIEGE)
    place = record["service_at_locations"][0]["location"]
    place["addresses"][0]["city"] = "Liège"
    place["attributes"] = [
        {
            "id": "a1",
            "link_id": place["id"],
            "link_entity": "location",
            "taxonomy_term_id": "t",
            "taxonomy_term": {"id": "t", "code": "geo.approximate", "name": "approximate"},
        }
    ]
    result = search(index_of([record]), in_brussels()).results[0]
    assert result.distance_km is not None
    assert [(m.code, dict(m.params)) for m in result.reasons if m.code == "in_place"] == [
        ("in_place", {"place": "Liège"})
    ]
    assert "distance" not in codes(result.reasons)


def test_speaking_the_language_beats_interpretation_beats_neither() -> None:
    index = index_of(
        [
            service("Neither", languages=["nl"]),
            service("Interpreters", "need.housing", "offers.interpretation", languages=["nl"]),
            service("Romanian", languages=["ro"]),
        ]
    )
    found = search(index, in_brussels(languages=("ro",)))
    assert names(found) == ["Romanian", "Interpreters", "Neither"]
    assert "speaks" in codes(found.results[0].reasons)
    assert "interpretation" in codes(found.results[1].reasons)


def test_every_result_meets_a_stated_need_and_unmet_needs_are_listed() -> None:
    index = index_of([service("Housing"), service("Health", "need.health_general")])
    found = search(index, in_brussels(needs=("housing", "childcare_family")))
    assert names(found) == ["Housing"]
    assert found.results[0].matched_needs == ("housing",)
    assert found.unmet_needs == ("childcare_family",)


def test_several_needs_are_each_covered_near_the_top() -> None:
    housing = [service(f"Housing {n}", at=(50.85, 4.35 + n / 1000)) for n in range(6)]
    index = index_of([*housing, service("Lawyer", "need.legal_migration", at=LIEGE)])
    found = search(index, in_brussels(needs=("housing", "legal_migration"), limit=5))
    assert "Lawyer" in names(found)[:2]


def test_goal_ranks_without_excluding() -> None:
    index = index_of(
        [
            service("Exit programme", "need.exit_programme"),
            service("Peer group", "need.peer_support"),
        ]
    )
    assert names(search(index, in_brussels(goal="exit")))[0] == "Exit programme"
    found = search(index, in_brussels(goal="stay_safer"))
    assert names(found) == ["Peer group", "Exit programme"]
    # the goal weighs the needs in the score, never in the words: a peer group states no stance
    assert not {"stance_exit", "stance_rights_based"} & set(codes(found.results[0].reasons))
    assert "stance_exit" in codes(found.results[1].reasons)


def test_unverified_ranks_like_a_year_old_record_and_stale_well_below() -> None:
    fresh = (NOW - timedelta(days=30)).date().isoformat()
    stale = (NOW - timedelta(days=800)).date().isoformat()
    index = index_of(
        [
            service("Stale", assured_date=stale),
            service("Unverified"),
            service("Fresh", assured_date=fresh),
        ]
    )
    found = search(index, in_brussels())
    assert names(found) == ["Fresh", "Unverified", "Stale"]
    assert "listing" in to_check(found.results[1].cautions)
    months = [m.params for m in found.results[2].cautions if m.code == "verified_months_ago"]
    assert months and int(months[0]["months"]) >= 24


def _with_beds(name: str, beds: int, hours_ago: float) -> dict[str, object]:
    record = service(name, "need.emergency_shelter")
    item = attribute(record["id"], "capacity.beds_available", str(beds))
    when = (NOW - timedelta(hours=hours_ago)).isoformat()
    item["metadata"] = [{"id": "m", "last_action_date": when, "last_action_type": "update"}]
    record["attributes"].append(item)
    return record


def test_fresh_capacity_counts_and_old_capacity_is_ignored() -> None:
    index = index_of([_with_beds("Full", 0, 1), _with_beds("Old", 4, 72), _with_beds("Free", 3, 2)])
    found = search(index, in_brussels(needs=("emergency_shelter",)))
    assert names(found)[0] == "Free"
    assert "beds_available" in codes(found.results[0].reasons)
    full = next(r for r in found.results if r.listing.name == "Full")
    assert "no_beds" in codes(full.cautions)
    old = next(r for r in found.results if r.listing.name == "Old")
    assert "beds_available" not in codes(old.reasons)


def test_in_danger_puts_emergency_notices_first_and_open_services_up() -> None:
    index = index_of(
        [
            service("Daytime", "need.emergency_shelter"),
            service("Always", "need.emergency_shelter", "offers.open_24_7"),
            service("Line", "need.crisis_line", "offers.remote", at=None, phones=["+32 2 111"]),
        ]
    )
    found = search(index, in_brussels(in_danger_now=True, needs=("emergency_shelter",)))
    assert [n.phone for n in found.notices[:2]] == ["112", "101"]
    assert found.notices[2].message.code == "crisis_line" and found.notices[2].phone == "+32 2 111"
    assert names(found)[0] == "Always"


def test_controlled_by_someone_brings_trafficking_centres_into_the_top() -> None:
    centre = service("Centre", "need.trafficking_support", at=LIEGE)
    shelter = service(
        "Centre shelter",
        "need.trafficking_support",
        "need.emergency_shelter",
        at=LIEGE,
        phones=[],
        organization=centre["organization"],
        organization_id=centre["organization_id"],
    )
    others = [service(f"Housing {n}") for n in range(8)]
    index = index_of([*others, centre, shelter], recognised=[centre["organization_id"]])
    found = search(index, in_brussels(controlled_by_someone=True, needs=("housing",), limit=5))
    assert "Centre shelter" in names(found)[:3]
    result = next(r for r in found.results if r.listing.name == "Centre shelter")
    assert "safety_added" in codes(result.reasons)
    assert "recognised_trafficking_centre" in codes(result.reasons)
    assert [n.kind for n in found.notices] == ["trafficking"]
    # the notice names the recognised centre itself, with its phone, and only there: the line a
    # notice gives is not repeated among the results
    assert found.notices[0].message.code == "trafficking_centre"
    assert found.notices[0].message.params["name"] == "Centre"
    assert found.notices[0].phone == centre["phones"][0]["number"]
    assert found.notices[0].service_id == centre["id"]
    assert "Centre" not in names(found)


def test_trafficking_notice_takes_its_phone_from_a_line_in_the_directory() -> None:
    line = service(
        "Trafficking line",
        "need.trafficking_support",
        "need.crisis_line",
        "offers.remote",
        at=None,
        phones=["+32 2 222"],
    )
    found = search(index_of([line]), in_brussels(controlled_by_someone=True))
    # no recognised centre in this directory: the notice says one can help, then names the line
    assert [(n.kind, n.phone) for n in found.notices] == [
        ("trafficking", None),
        ("trafficking", "+32 2 222"),
    ]
    assert found.notices[1].message.code == "trafficking_line"


def test_a_line_whose_number_nobody_confirmed_is_flagged_in_its_notice() -> None:
    line = service(
        "Unconfirmed line",
        "need.trafficking_support",
        "need.crisis_line",
        "offers.remote",
        at=None,
        phones=["+32 2 333"],
    )
    line["phones"][0]["description"] = "read on example.org (2023); not confirmed"
    found = search(index_of([line]), in_brussels(controlled_by_someone=True, in_danger_now=True))
    by_code = {n.message.code: n for n in found.notices}
    assert by_code["emergency_number"].phone_confirmed  # 112 and 101 need no confirmation
    assert by_code["police_number"].phone_confirmed
    assert by_code["trafficking_line"].phone == "+32 2 333"
    assert not by_code["trafficking_line"].phone_confirmed
    assert "crisis_line" not in by_code  # the same number is never given twice


def test_a_confirmed_number_is_preferred_over_an_unconfirmed_one() -> None:
    line = service(
        "Line",
        "need.crisis_line",
        "offers.remote",
        at=None,
        phones=["+32 2 444", "+32 2 555"],
    )
    line["phones"][0]["description"] = "read on example.org (2023); not confirmed"
    found = search(index_of([line]), in_brussels(in_danger_now=True))
    assert (found.notices[2].phone, found.notices[2].phone_confirmed) == ("+32 2 555", True)


def _line(name: str, language: str, *codes: str) -> dict[str, Any]:
    return service(
        name, "need.crisis_line", "offers.remote", *codes, at=None, languages=[language],
        phones=[f"+32 2 {len(name)}{sum(map(ord, name))}"],
    )  # fmt: skip


def test_helplines_in_the_persons_language_come_first() -> None:
    index = index_of(
        [
            _line("Ligne", "fr", "offers.open_24_7"),
            _line("Lijn", "nl", "offers.open_24_7"),
            _line("Lijn overdag", "nl"),
            _line("Line", "en", "offers.open_24_7"),
        ]
    )

    def lines(**person: Any) -> list[str]:
        found = search(index, in_brussels(in_danger_now=True, **person))
        return [str(n.message.params["name"]) for n in found.notices[2:]]

    assert lines(reads="nl") == ["Lijn", "Lijn overdag", "Ligne"]  # then day and night first
    assert lines(reads="fr")[0] == "Ligne"
    both = lines(reads="nl", languages=("en",))  # stated and read languages count alike
    assert set(both[:2]) == {"Lijn", "Line"} and "Ligne" not in both


def test_a_line_for_young_people_only_is_the_trafficking_line_for_minors_only() -> None:
    general = _line("Federal line", "fr", "need.trafficking_support", "offers.open_24_7")
    youth = _line("Children's line", "fr", "need.trafficking_support", "offers.open_24_7")
    youth["languages"] = []  # not stated
    youth["attributes"].append(attribute(youth["id"], "audience.minors"))
    index = index_of([youth, general])

    def trafficking_line(**person: Any) -> str:
        found = search(index, in_brussels(controlled_by_someone=True, **person))
        line = next(n for n in found.notices if n.kind == "trafficking" and n.phone)
        return str(line.message.params["name"])

    assert trafficking_line(reads="ro") == "Federal line"  # neither speaks Romanian
    assert trafficking_line(languages=("ro",), age=30) == "Federal line"
    assert trafficking_line(reads="ro", age=15) == "Children's line"


def test_a_minor_gets_a_youth_line_even_behind_many_other_lines() -> None:
    others = [_line(f"Line {n}", "fr", "offers.open_24_7") for n in range(5)]
    youth = _line("Youth line", "nl", "audience.minors")
    found = search(index_of([*others, youth]), in_brussels(age=15, reads="fr"))
    minor = [n for n in found.notices if n.kind == "minor"]
    assert minor and minor[0].phone == youth["phones"][0]["number"]


def test_minors_get_a_notice_and_services_for_young_people_first() -> None:
    index = index_of(
        [service("Adults and all"), service("Youth", "need.housing", "audience.minors")]
    )
    found = search(index, in_brussels(age=16))
    assert names(found)[0] == "Youth"
    assert [n.kind for n in found.notices] == ["minor"]


def test_empty_search_gives_helplines_and_remote_services_first() -> None:
    index = index_of(
        [
            service("Office"),
            service("Line", "need.crisis_line", "offers.remote", at=None),
            service("Online", "need.legal_general", "offers.remote", at=None),
        ]
    )
    found = search(index, Person())
    assert names(found)[:2] == ["Line", "Online"]
    assert found.notices == ()


def test_confidential_location_is_marked_for_the_api_to_hide() -> None:
    record = service("Safe house", "need.emergency_shelter", "privacy.confidential_address")
    coarse = {"latitude": 50.86, "longitude": 4.37, "region": "BE-BRU"}
    record["service_at_locations"][0]["location"][COARSE] = coarse
    result = search(index_of([record]), in_brussels()).results[0]
    assert result.site is not None and result.site.confidential
    assert "address_confidential" in codes(result.cautions)
    assert [m.params["km"] for m in result.reasons if m.code == "distance"] == [
        round(result.distance_km or 0)
    ]


def test_free_text_in_several_languages_names_needs() -> None:
    index = index_of([service("Housing"), service("Lawyer", "need.legal_general")])
    for text in ("logment", "woning", "Wohnung", "locuință", "жилище", "vivienda"):
        assert names(search(index, in_brussels(text=text))) == ["Housing"], text
    assert names(search(index, in_brussels(text="advocaat"))) == ["Lawyer"]


def _reasons_by_name(found: Any) -> dict[str, list[str]]:
    return {result.listing.name: codes(result.reasons) for result in found.results}


def test_a_name_typed_with_a_typo_brings_that_service_first() -> None:
    others = [service(f"Shelter {n}", at=(50.85 + n / 1000, 4.35)) for n in range(6)]
    wanted = service("Espace P", at=(50.95, 4.45))  # farther than every other
    found = search(index_of([*others, wanted]), in_brussels(needs=("housing",), text="espase p"))
    assert names(found)[0] == "Espace P"
    assert "matches_text" in _reasons_by_name(found)["Espace P"]
    assert not any(
        "matches_text" in r for n, r in _reasons_by_name(found).items() if n != "Espace P"
    )


def test_words_found_in_a_description_count_with_typos_and_in_any_language() -> None:
    labour = service(
        "Juridique",
        "need.legal_labour",
        description="Accompagnement juridique pour les contrats de travail et les indépendants.",
    )  # alike in every other way: the description decides
    other = service("Autre", "need.legal_labour", description="Permanence sociale.")
    index = index_of([other, labour])
    for text in ("j'ai besoin d'aide pour mon contrat de travial", "contrats travail"):
        found = search(index, in_brussels(needs=("legal_labour",), text=text))
        assert names(found) == ["Juridique", "Autre"], text
        assert "matches_text" in _reasons_by_name(found)["Juridique"]
        assert "matches_text" not in _reasons_by_name(found)["Autre"]
    unrelated = search(index, in_brussels(needs=("legal_labour",), text="permis de séjour"))
    assert not any("matches_text" in r for r in _reasons_by_name(unrelated).values())


def test_limit_is_respected_and_scores_stay_in_0_1() -> None:
    index = index_of([service(f"S{n}") for n in range(30)])
    found = search(index, in_brussels(limit=7))
    assert len(found.results) == 7
    assert all(0 <= r.score <= 1 for r in found.results)
