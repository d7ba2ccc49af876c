"""Safety notices over the real bundled directory, on SQLite and PostgreSQL, as the persons of the
December review met them: one emergency block, then at most three lines in a language the person
speaks, never a number twice; lines for young people first for a minor and Child Focus never for
an adult; the nearest recognised trafficking centre before the federal reporting line, which
always carries its justice caution; no promise that no source makes."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory import bundled
from directory.hsds.importer import import_records
from directory.state import bump_version

PAYOKE, PAG_ASA, SURYA = "03 201 16 90", "02/511 64 64", "04 232 40 30"
FEDERAL_LINE = "078/055.800"
CHILD_FOCUS = "116 000"
LANGUAGES: dict[str, set[str]] = {
    str(phone["number"]): {str(item["code"]) for item in record.get("languages") or []}
    for record in bundled.records()
    for phone in record.get("phones") or []
}


@pytest.fixture
def searcher(engine: Engine, app: FastAPI) -> Iterator[TestClient]:
    with engine.begin() as connection:
        import_records(connection, bundled.records(), who="curator")
        bump_version(connection)
    with TestClient(app) as client:
        yield client


def notices(client: TestClient, **body: Any) -> list[dict[str, Any]]:
    answer = client.post("/v1/match", json=body)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["notices"]
    return found


def phones(found: list[dict[str, Any]], *kinds: str) -> list[str]:
    return [n["phone"] for n in found if n["phone"] and (not kinds or n["kind"] in kinds)]


def lines(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The notices naming a line of the directory (not 112 or 101)."""
    return [n for n in found if n["phone"] and n["kind"] != "emergency"]


def test_one_emergency_block_then_at_most_three_lines_never_a_number_twice(
    searcher: TestClient,
) -> None:
    for body in (
        {"location": {"place": "Gent"}, "languages": ["nl"], "lang": "nl"},
        {"location": {"place": "Bruxelles"}, "lang": "fr"},
        {"age": 17, "location": {"place": "Antwerpen"}, "lang": "nl"},
        {"location": {"place": "Liège"}, "languages": ["ro"], "lang": "ro"},
    ):
        found = notices(searcher, situation={"in_danger_now": True}, **body)
        assert [n["phone"] for n in found[:2]] == ["112", "101"]
        assert all(n["kind"] != "emergency" for n in found[2:]), "one emergency block"
        assert len(lines(found)) <= 3
        assert len(set(phones(found))) == len(phones(found)), "no number twice"


def test_a_dutch_speaker_in_danger_in_ghent_gets_dutch_helplines(searcher: TestClient) -> None:
    found = notices(
        searcher,
        situation={"in_danger_now": True},
        location={"place": "Gent"},
        languages=["nl"],
        lang="nl",
    )
    helplines = [n for n in found if n["kind"] == "helpline"]
    assert helplines[0]["phone"] == "106"  # Tele-Onthaal, day and night
    assert all("nl" in LANGUAGES[n["phone"]] for n in helplines)
    assert "dag en nacht" in helplines[0]["text"]
    assert "listening line" not in helplines[0]["text"], "no English fragment of the name"
    assert FEDERAL_LINE not in phones(found), "the reporting line is no helpline"


def test_1712_is_shown_with_its_hours_and_its_scope(searcher: TestClient) -> None:
    found = notices(
        searcher,
        situation={"in_danger_now": True},
        location={"place": "Gent"},
        languages=["nl"],
        lang="nl",
    )
    line = next(n for n in found if n["phone"] == "1712")
    assert "in het Nederlands" in line["text"] and "Vlaanderen, Brussel" in line["text"]
    assert "uren zoals gepubliceerd: weekdays 9:00-17:00" in line["text"]


def test_a_minor_in_danger_gets_lines_for_young_people_first(searcher: TestClient) -> None:
    found = notices(
        searcher,
        age=17,
        situation={"in_danger_now": True},
        location={"place": "Antwerpen"},
        languages=["nl"],
        lang="nl",
    )
    assert [n["kind"] for n in found[2:3]] == ["minor"]
    assert found[2]["phone"] == CHILD_FOCUS and "Child Focus" in found[2]["text"]
    assert "jonger dan 18" in found[2]["text"], "the minor's notice is in Dutch"
    assert phones(found, "helpline")[0] == "102"  # Awel, for young people, in Dutch


@pytest.mark.parametrize("age", [None, 19, 45])
def test_child_focus_is_never_offered_to_an_adult(searcher: TestClient, age: int | None) -> None:
    person = {"age": age} if age else {}
    for situation in ({"in_danger_now": True}, {"controlled_by_someone": True}):
        found = notices(searcher, situation=situation, location={"place": "Bruxelles"}, **person)
        assert CHILD_FOCUS not in phones(found)
        assert all(n["kind"] != "minor" for n in found)


@pytest.mark.parametrize(
    ("place", "centre"),
    [
        ("Antwerpen", PAYOKE),
        ("Turnhout", PAYOKE),
        ("Bruxelles", PAG_ASA),
        ("Leuven", PAG_ASA),
        ("Liège", SURYA),
    ],
)
def test_a_controlled_person_is_given_the_nearest_recognised_centre_first(
    searcher: TestClient, place: str, centre: str
) -> None:
    found = notices(searcher, situation={"controlled_by_someone": True}, location={"place": place})
    assert phones(found) == [centre, FEDERAL_LINE]
    assert "nearest recognised centre" in found[0]["text"]
    report = found[1]
    assert "A report can start a criminal investigation" in report["text"]


def test_without_a_place_all_three_centres_come_before_the_federal_line(
    searcher: TestClient,
) -> None:
    found = notices(searcher, situation={"controlled_by_someone": True}, lang="fr")
    assert sorted(phones(found)[:3]) == sorted([PAYOKE, PAG_ASA, SURYA])
    assert phones(found)[3:] == [FEDERAL_LINE]
    assert found[0]["phone"] is None and "centres reconnus" in found[0]["text"]
    assert "peut ouvrir une enquête pénale" in found[-1]["text"]


def test_no_notice_promises_help_whatever_the_papers(searcher: TestClient) -> None:
    for lang in ("en", "fr", "nl"):
        found = notices(
            searcher,
            situation={"controlled_by_someone": True, "in_danger_now": True},
            documentation_status="undocumented",
            location={"place": "Antwerpen"},
            lang=lang,
        )
        text = " ".join(n["text"] for n in found).casefold()
        assert "whatever your papers" not in text
        assert "quels que soient vos papiers" not in text
        assert "ongeacht je papieren" not in text


def test_a_controlled_person_in_danger_gets_112_then_the_centre_then_a_helpline(
    searcher: TestClient,
) -> None:
    found = notices(
        searcher,
        situation={"controlled_by_someone": True, "in_danger_now": True},
        location={"place": "Liège"},
        lang="fr",
    )
    assert [n["kind"] for n in found] == [
        "emergency",
        "emergency",
        "trafficking",
        "trafficking",
        "helpline",
    ]
    assert phones(found) == ["112", "101", SURYA, FEDERAL_LINE, "107"]


def test_the_summary_is_the_notice_without_its_caution(searcher: TestClient) -> None:
    found = notices(searcher, situation={"in_danger_now": True}, location={"place": "Gent"})
    for notice in found:
        assert notice["text"].startswith(notice["summary"])
        if notice["phone_confirmed"]:
            assert notice["text"] == notice["summary"]
        else:
            assert "not yet confirmed" not in notice["summary"]


@pytest.mark.parametrize(
    "body",
    [
        {"situation": {"in_danger_now": True}, "location": {"place": "Gent"}, "lang": "nl"},
        {
            "situation": {"controlled_by_someone": True},
            "needs": ["housing", "trafficking_support"],
            "location": {"place": "Antwerpen"},
            "lang": "en",
        },
        {
            "situation": {"controlled_by_someone": True, "in_danger_now": True},
            "needs": ["trafficking_support", "legal_migration"],
            "lang": "fr",
        },
        {
            "age": 16,
            "situation": {"in_danger_now": True},
            "needs": ["health_general"],
            "lang": "nl",
        },
    ],
)
def test_a_line_named_in_a_notice_is_not_repeated_among_the_results(
    searcher: TestClient, body: dict[str, Any]
) -> None:
    answer = searcher.post("/v1/match", json={"limit": 50, **body})
    assert answer.status_code == 200, answer.text
    named = {n["service_id"] for n in answer.json()["notices"] if n["service_id"]}
    results = {r["service"]["id"] for r in answer.json()["results"]}
    assert named, "the notices name lines of the directory"
    assert not named & results
    assert all(
        n["service_id"] is None for n in answer.json()["notices"] if n["kind"] == "emergency"
    )
    assert answer.json()["total"] >= len(results)
