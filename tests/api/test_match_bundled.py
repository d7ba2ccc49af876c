"""`POST /v1/match` over the real bundled Belgian directory, on SQLite and PostgreSQL: the safety
promises hold on the data people will actually search."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory import bundled
from directory.hsds.importer import import_records
from directory.state import bump_version
from web.messages import REGION_TEXTS

CODES: dict[str, set[str]] = {
    str(record["id"]): {
        str(item["taxonomy_term"]["code"]) for item in record.get("attributes") or []
    }
    for record in bundled.records()
}
PRECISE_DISTANCE = re.compile(r"\d km away")


@pytest.fixture
def searcher(engine: Engine, app: FastAPI) -> Iterator[TestClient]:
    with engine.begin() as connection:
        import_records(connection, bundled.records(), who="curator")
        bump_version(connection)
    with TestClient(app) as client:
        yield client


def match(client: TestClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/v1/match", json=body)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_a_person_in_danger_gets_emergency_numbers_first(searcher: TestClient) -> None:
    body = match(searcher, situation={"in_danger_now": True}, location={"place": "Bruxelles"})
    first = body["notices"][0]
    assert first["kind"] == "emergency"
    assert first["phone"] == "112"
    assert [notice["phone"] for notice in body["notices"][:2]] == ["112", "101"]


def test_a_controlled_person_is_routed_to_a_recognised_centre(searcher: TestClient) -> None:
    body = match(
        searcher,
        situation={"controlled_by_someone": True},
        needs=["health_sexual"],
        location={"place": "Gent"},
        lang="en",
    )
    top = body["results"][:5]
    centres = bundled.RECOGNISED_TRAFFICKING_CENTRES
    routed = [r for r in top if r["service"]["organization"]["id"] in centres]
    assert routed, [r["service"]["name"] for r in top]
    assert any(
        "recognised centre for victims of trafficking" in reason
        for r in routed
        for reason in r["reasons"]
    )
    assert any(notice["kind"] == "trafficking" for notice in body["notices"])


@pytest.mark.parametrize(
    ("lang", "caution"),
    [("en", "not yet confirmed with the service"), ("fr", "pas encore confirmé par le service")],
)
def test_lines_with_unconfirmed_numbers_say_so_in_their_notice(
    searcher: TestClient, lang: str, caution: str
) -> None:
    body = match(
        searcher,
        situation={"in_danger_now": True, "controlled_by_someone": True},
        location={"place": "Bruxelles"},
        lang=lang,
    )
    lines = [n for n in body["notices"] if n["phone"] not in (None, "112", "101")]
    assert lines, body["notices"]
    for notice in body["notices"]:
        assert (caution in notice["text"]) == (not notice["phone_confirmed"])
        if not notice["phone_confirmed"]:
            assert notice["text"].endswith("112.")  # what to do if nobody answers
    # no bundled phone has been confirmed with its service yet
    assert not any(n["phone_confirmed"] for n in lines)


def _line_phones(body: dict[str, Any], kind: str = "helpline") -> list[str]:
    return [
        n["phone"]
        for n in body["notices"]
        if n["kind"] == kind and n["phone"] not in ("112", "101")
    ]


def test_helplines_in_danger_follow_the_language_of_the_answer(searcher: TestClient) -> None:
    gent = match(searcher, situation={"in_danger_now": True}, location={"place": "Gent"}, lang="nl")
    liege = match(
        searcher, situation={"in_danger_now": True}, location={"place": "Liège"}, lang="fr"
    )
    assert _line_phones(gent)[0] == "106"  # Tele-Onthaal, Dutch, day and night
    # the third research pass added Zelfmoordlijn 1813, Dutch and day and night: it now comes
    # before 1712 (office hours) among the three lines shown
    assert "1813" in _line_phones(gent) and "107" not in _line_phones(gent)
    assert _line_phones(liege)[0] == "107"  # Télé-Accueil, French, day and night
    assert "106" not in _line_phones(liege)


def test_a_minor_in_danger_is_given_child_focus(searcher: TestClient) -> None:
    body = match(
        searcher, age=15, situation={"in_danger_now": True}, location={"place": "Gent"}, lang="nl"
    )
    assert _line_phones(body, "minor") == ["116 000"]


def test_a_minor_gets_the_minor_notice(searcher: TestClient) -> None:
    body = match(searcher, age=16, needs=["emergency_shelter"])
    assert "minor" in [notice["kind"] for notice in body["notices"]]


@pytest.mark.parametrize("needs", [[], ["housing"], ["training", "employment"], ["exit_programme"]])
def test_stay_safer_never_gets_a_service_demanding_exit(
    searcher: TestClient, needs: list[str]
) -> None:
    body = match(searcher, goal="stay_safer", needs=needs, limit=50)
    for result in body["results"]:
        assert "condition.exit_commitment_required" not in CODES[result["service"]["id"]]


@pytest.mark.parametrize("needs", [[], ["employment"], ["housing", "legal_migration"]])
def test_undocumented_never_gets_a_service_closed_to_them(
    searcher: TestClient, needs: list[str]
) -> None:
    body = match(searcher, documentation_status="undocumented", needs=needs, limit=50)
    assert body["results"]
    for result in body["results"]:
        codes = CODES[result["service"]["id"]]
        assert "requires.residence_permit" not in codes
        welcome = {code for code in codes if code.startswith("welcome.")}
        assert not welcome or "welcome.undocumented" in welcome


def test_a_confidential_shelter_shows_no_location_no_distance_only_its_region(
    searcher: TestClient,
) -> None:
    """The bundled shelters have no known true point (only a town's centre): no coarse point,
    no distance; in reach from their own region only (December 2026 clarifications)."""
    body = match(
        searcher,
        situation={"controlled_by_someone": True},
        needs=["emergency_shelter", "trafficking_support"],
        location={"place": "Bruxelles"},
        limit=50,
        lang="en",
    )
    hidden = [
        r for r in body["results"] if "privacy.confidential_address" in CODES[r["service"]["id"]]
    ]
    names = [r["service"]["name"] for r in hidden]
    assert names == ["PAG-ASA - shelter for victims of trafficking"]
    for result in hidden:
        assert result["location"] is None
        assert result["distance_km"] is None
        assert "In the Brussels-Capital Region" in result["reasons"]


@pytest.mark.parametrize("place", ["Bruxelles", "Antwerpen", "Liège"])
def test_approximate_locations_never_claim_a_precise_distance(
    searcher: TestClient, place: str
) -> None:
    body = match(searcher, location={"place": place}, limit=50, lang="en")
    reasons = [reason for r in body["results"] for reason in r["reasons"]]
    assert not [reason for reason in reasons if PRECISE_DISTANCE.search(reason)]


def test_a_known_town_is_named_for_an_approximate_location(searcher: TestClient) -> None:
    body = match(
        searcher, location={"place": "Antwerpen"}, needs=["trafficking_support"], lang="nl"
    )
    reasons = [reason for r in body["results"] for reason in r["reasons"]]
    assert "In Antwerpen" in reasons


def test_an_empty_search_answers_with_crisis_lines_and_remote_services(
    searcher: TestClient,
) -> None:
    body = match(searcher)
    assert body["results"]
    remote = [r for r in body["results"] if r["location"] is None and r["distance_km"] is None]
    assert remote
    assert all(r["service"]["phones"] for r in body["results"][:3])


@pytest.mark.parametrize("where", [{"place": "Luik"}, {"postcode": "4000"}])
def test_liege_by_dutch_name_or_postcode_finds_services_near_liege(
    searcher: TestClient, where: dict[str, str]
) -> None:
    body = match(searcher, location=where, needs=["health_sexual", "legal_general"], limit=20)
    distances = [r["distance_km"] for r in body["results"] if r["distance_km"] is not None]
    assert distances
    assert min(distances) < 5


def test_reasons_in_dutch(searcher: TestClient) -> None:
    body = match(searcher, needs=["housing"], location={"place": "Gent"}, lang="nl")
    reasons = [reason for r in body["results"] for reason in r["reasons"]]
    assert "Helpt met: Huisvesting" in reasons
    assert not any(reason.startswith("Helps with") for reason in reasons)


def test_an_approximate_bundled_location_is_named_by_its_town(searcher: TestClient) -> None:
    body = match(searcher, location={"place": "Liège"}, needs=["health_sexual"], lang="fr")
    reasons = [reason for r in body["results"] for reason in r["reasons"]]
    assert any(reason.startswith("À Liège") for reason in reasons), reasons


@pytest.mark.parametrize(
    ("place", "phones"),
    [("Charleroi", ["071/92.41.00"]), ("Gent", ["09 332 80 80"]), ("Leuven", [])],
)
def test_a_cpvs_result_gives_that_centre_s_own_number_and_no_other(
    searcher: TestClient, place: str, phones: list[str]
) -> None:
    body = match(searcher, location={"place": place}, needs=["violence_support"], limit=50)
    (cpvs,) = [r for r in body["results"] if r["service"]["name"].startswith("Centres de prise")]
    assert cpvs["service"]["phones"] == phones


# --- free text, place names and the true count (issue 13, items 6 to 8) ---------------------

SHELTER = {"emergency_shelter", "housing"}


@pytest.mark.parametrize(
    ("text", "lang", "needs"),
    [
        ("je dors dehors", "fr", SHELTER),
        ("ik slaap op straat", "nl", SHELTER),
        ("nu am unde să dorm", "ro", SHELTER),
        ("dorm afara", "ro", SHELTER),
        ("j'ai besoin d'un toit", "fr", SHELTER),
        ("j ai besoin d un toit", "fr", SHELTER),
        ("спя на улицата", "bg", SHELTER),
        ("no tengo donde dormir", "es", SHELTER),
        ("ich schlafe draussen", "de", SHELTER),
        ("hosuing", "en", {"housing"}),
        ("sans papier", "en", {"legal_migration"}),
        ("no papers", "en", {"legal_migration"}),
        ("my pimp took my passport", "en", {"trafficking_support"}),
        ("un client m'a frappée", "fr", {"violence_support"}),
        ("ik ben zwanger", "nl", {"childcare_family", "health_sexual"}),
        ("I need PrEP", "en", {"health_sexual"}),
        ("mon employeur ne m'a pas payée", "fr", {"legal_labour"}),
        ("ik wil stoppen met sekswerk", "nl", {"exit_programme"}),
    ],
)
def test_a_persons_own_words_find_the_right_help(
    searcher: TestClient, text: str, lang: str, needs: set[str]
) -> None:
    body = match(searcher, location={"place": "Bruxelles"}, text=text, lang=lang, limit=50)
    matched = {need for result in body["results"] for need in result["matched_needs"]}
    assert needs <= matched, (text, matched)
    assert body["notices"] == [], "the words set no danger flag"
    assert text.casefold() not in json.dumps(body, ensure_ascii=False).casefold(), "not repeated"


def test_words_about_papers_never_set_the_residence_status(searcher: TestClient) -> None:
    asked: dict[str, Any] = {"location": {"place": "Brussels"}, "needs": ["employment"]}
    said = match(searcher, **asked, text="sans papiers", lang="en", limit=50)
    stated = match(searcher, **asked, documentation_status="undocumented", lang="en", limit=50)
    plain = match(searcher, **asked, lang="en", limit=50)
    ids = {r["service"]["id"] for r in said["results"]}
    filtered = {r["service"]["id"] for r in plain["results"]} - {
        r["service"]["id"] for r in stated["results"]
    }
    assert filtered, "stating 'no papers' filters some services out"
    assert filtered <= ids, "the same words in the text filter nothing out"
    open_reason = "Open to people without papers"
    with_reason = [r for r in said["results"] if open_reason in r["reasons"]]
    assert with_reason and all(
        "welcome.undocumented" in CODES[r["service"]["id"]] for r in with_reason
    )
    assert "sans papiers" not in str(said)


@pytest.mark.parametrize(
    ("lang", "gent", "others"),
    [
        ("nl", "In Gent", ["Gand", "Ghent", "Anvers"]),
        ("fr", "À Gand", ["Gent", "Ghent", "Antwerpen"]),
        ("en", "In Ghent", ["Gand", "Anvers"]),
        ("de", "In Gent", ["Gand", "Ghent", "Anvers"]),
    ],
)
def test_places_are_named_in_the_readers_language(
    searcher: TestClient, lang: str, gent: str, others: list[str]
) -> None:
    body = match(searcher, location={"place": "Gent"}, needs=["health_sexual"], lang=lang)
    reasons = [reason for r in body["results"] for reason in r["reasons"]]
    assert gent in reasons
    assert not [r for r in reasons for other in others if other in r]
    assert body["place"]["name"] == gent.split(" ", 1)[1]


@pytest.mark.parametrize(
    ("lang", "name"),
    [("fr", "Bruxelles"), ("nl", "Brussel"), ("en", "Brussels"), ("es", "Bruxelles / Brussel")],
)
def test_a_misspelt_place_is_said_as_understood(searcher: TestClient, lang: str, name: str) -> None:
    body = match(searcher, location={"place": "Bruxeles"}, needs=["housing"], lang=lang)
    assert body["place"] == {"name": name, "postcode": "1000", "region": "BE-BRU"}
    assert "Bruxeles" not in str(body)


def test_the_answer_carries_the_true_number_of_matches(searcher: TestClient) -> None:
    asked: dict[str, Any] = {
        "location": {"place": "Brussels"},
        "needs": ["emergency_shelter", "housing"],
        "goal": "exit",
        "situation": {"controlled_by_someone": True},
    }
    first = match(searcher, **asked)
    every = match(searcher, **asked, limit=50)
    assert len(first["results"]) == 10
    assert first["total"] == every["total"] == len(every["results"]) > 10


def test_a_postcode_is_said_as_its_place(searcher: TestClient) -> None:
    body = match(searcher, location={"postcode": "9000"}, needs=["housing"], lang="en")
    assert body["place"]["name"] == "Ghent"
    coordinates = match(searcher, location={"lat": 50.85, "lon": 4.35}, needs=["housing"])
    assert coordinates["place"] is None


PROVINCE_CAPITALS = (
    *("Bruxelles", "Antwerpen", "Brugge", "Gent", "Hasselt", "Leuven"),
    *("Wavre", "Mons", "Liège", "Namur", "Arlon"),
)


@pytest.mark.parametrize("place", PROVINCE_CAPITALS)
def test_no_answer_tells_where_a_confidential_site_is(searcher: TestClient, place: str) -> None:
    """From every province capital (and Brussels), in every way of asking that brings shelters
    up: a confidential site shows its region at most, never a town, a distance or a location."""
    regions = set(REGION_TEXTS.values())
    asks: list[dict[str, Any]] = [
        {"needs": ["emergency_shelter", "trafficking_support"], "max_distance_km": 200},
        {"situation": {"controlled_by_someone": True, "in_danger_now": True}},
        {"needs": ["housing", "violence_support"], "text": "refuge femmes"},
    ]
    seen = 0
    for ask in asks:
        body = match(searcher, location={"place": place}, limit=50, lang="en", **ask)
        for result in body["results"]:
            if "privacy.confidential_address" not in CODES[result["service"]["id"]]:
                continue
            seen += 1
            assert result["location"] is None and result["distance_km"] is None
            words = [*result["reasons"], *result["cautions"]]
            assert not [w for w in words if w.startswith("In ") and w not in regions], words
            assert not [w for w in words if "km" in w], words
    if place in ("Bruxelles", "Liège"):
        assert seen  # the shelters are in reach from their own region
