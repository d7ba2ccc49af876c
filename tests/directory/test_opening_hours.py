"""Opening hours of the research file as HSDS weekly schedules: each weekday-and-times form the
file uses, the qualified texts that stay text, and "open now" on a bundled service."""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from directory import bundled
from directory.bundled.opening_hours import WeeklyHours, weekly_hours
from matcher.listing import listing_from_record

BRUSSELS = ZoneInfo("Europe/Brussels")
RESEARCH_TEXT = (bundled.SOURCE / "belgium_directory.json").read_text(encoding="utf-8")
EVERY_DAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PLAIN = frozenset({"all centres", "0800/99.340 line"})


def read(text: str) -> list[WeeklyHours] | None:
    return weekly_hours(text, compiled_year=2026, plain_notes=PLAIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a day range and one time range (Home Victor Du Pré, the 0800 32 123 line)
        ("Mo-Su 00:00-24:00", [WeeklyHours(EVERY_DAY, "00:00", "24:00")]),
        # a final note that says where the hours apply, not when (CPVS)
        ("Mo-Su 00:00-24:00 (all centres)", [WeeklyHours(EVERY_DAY, "00:00", "24:00")]),
        # the OpenStreetMap shorthand of the helplines (106, 107, Samusocial)
        ("24/7", [WeeklyHours(EVERY_DAY, "00:00", "24:00")]),
        # a list of days and ranges, several rules, a recent source date (L'Îlot - Circé)
        (
            "Mo,We-Fr 08:45-17:00; Tu 12:00-17:00 (Sept 2023)",
            [
                WeeklyHours(("MO", "WE", "TH", "FR"), "08:45", "17:00"),
                WeeklyHours(("TU",), "12:00", "17:00"),
            ],
        ),
    ],
    ids=["day-range", "plain-note", "24/7", "days-list-several-rules"],
)
def test_each_weekday_and_times_form_of_the_file_is_read(
    text: str, expected: list[WeeklyHours]
) -> None:
    assert json.dumps(text)[1:-1] in RESEARCH_TEXT, "the form is one the research file uses"
    assert read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "off" days state a closure (the file's "Sa,Su off", "Su,Mo off")
        ("Mo-Fr 09:00-17:00; Sa,Su off", [WeeklyHours(EVERY_DAY[:5], "09:00", "17:00")]),
        # several ranges in a day (the file writes "09:00-12:00, 14:00-17:00" for Fedasil's
        # Info Point, without days, so that one stays text)
        (
            "Mo-Fr 09:00-12:00, 14:00-17:00",
            [
                WeeklyHours(EVERY_DAY[:5], "09:00", "12:00"),
                WeeklyHours(EVERY_DAY[:5], "14:00", "17:00"),
            ],
        ),
        # a range over the week's end
        ("Sa-Mo 10:00-12:00", [WeeklyHours(("MO", "SA", "SU"), "10:00", "12:00")]),
        # until midnight
        ("Fr 22:00-00:00", [WeeklyHours(("FR",), "22:00", "00:00")]),
    ],
    ids=["off-days", "several-ranges", "wrapping-days", "until-midnight"],
)
def test_the_parts_of_those_forms_are_read(text: str, expected: list[WeeklyHours]) -> None:
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a permanence outside the hours (PAG-ASA)
        "Mo-Fr 09:00-17:00 (office; emergency phone permanence outside these hours; "
        "shelter staffed 24/7)",
        # on mandate (Esperanto)
        "Admission Mo-Su 00:00-24:00 on mandate (presentation, undated)",
        # seasonal (the Red Cross winter centre)
        "Winter emergency centre Mo-Su 00:00-24:00 (Jan 2024, seasonal)",
        # a source more than three years old (Awel, DoucheFLUX, DrugLijn)
        "Mo-Su 16:00-22:00; We,Sa 14:00-22:00 (HLN 2021-02)",
        "Tu-Fr 08:30-17:00; Sa 11:30-15:00; Su,Mo off (2018 notice)",
        "Mo-Fr 10:00-20:00 (2009); chat daily (VAD 2019)",
        # what the access depends on (ITM) or who is there (Alias)
        "Mo-Fr 09:00-17:00; Sa,Su off (appointment required)",
        "Tu 18:00-21:00 (medical permanence, anonymous, free, no appointment)",
        # an announcement, not a timetable (the trafficking line)
        "24/7 (announced July 2023)",
    ],
    ids=[
        "permanence",
        "mandate",
        "seasonal",
        "old-2021",
        "old-2018",
        "old-2009",
        "appointment",
        "permanence-note",
        "announced",
    ],
)
def test_a_qualified_text_stays_text(text: str) -> None:
    assert json.dumps(text)[1:-1] in RESEARCH_TEXT
    assert read(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Workers reachable at any time (per mission page).",
        "weekdays 9:00-17:00 (per Violett page); call not shown on phone bill",
        "Mon-Fri 8-18 + two evenings to 20h (2022)",
        "Outreach Th evening; drop-in space Fr (hours not stated)",
    ],
)
def test_free_text_stays_text(text: str) -> None:
    assert read(text) is None


@pytest.mark.parametrize(
    "text",
    ["Mo-Fr 17:00-09:00", "Mo-Fr 25:00-26:00", "Mo 10:00-24:30", "Xx 09:00-17:00", "Mo-Fr", ""],
)
def test_impossible_hours_are_not_read(text: str) -> None:
    assert read(text) is None


def bundled_service(name: str) -> dict[str, Any]:
    (record,) = [r for r in bundled.records() if r["name"] == name]
    return record


def test_bundled_hours_are_schedules_where_parseable_and_text_elsewhere() -> None:
    circe = bundled_service("L'Îlot - Circé (day centre for homeless women)")
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in circe["schedules"]] == [
        ("MO,WE,TH,FR", "08:45", "17:00"),
        ("TU", "12:00", "17:00"),
    ]
    assert all(
        s["freq"] == "WEEKLY" and "Europe/Brussels" in s["notes"] for s in circe["schedules"]
    )
    assert {s["description"] for s in circe["schedules"]} == {
        "Mo,We-Fr 08:45-17:00; Tu 12:00-17:00 (Sept 2023)"
    }, "the file's words stay with the schedule"
    pag_asa = bundled_service("PAG-ASA - support for victims of trafficking")
    assert [set(s) for s in pag_asa["schedules"]] == [{"id", "service_id", "description"}]
    child_focus = bundled_service("Child Focus")
    assert "opens_at" not in json.dumps(child_focus), "its 24/7 was read on a 2018 page"
    structured = [r for r in bundled.records() if any("opens_at" in s for s in r["schedules"])]
    assert len(structured) >= 8


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS), False),  # a Tuesday, before noon
        (datetime(2026, 12, 1, 13, 0, tzinfo=BRUSSELS), True),  # Tuesday afternoon
        (datetime(2026, 12, 2, 8, 45, tzinfo=BRUSSELS), True),  # Wednesday, at opening
        (datetime(2026, 12, 2, 17, 0, tzinfo=BRUSSELS), False),  # Wednesday, at closing
        (datetime(2026, 12, 5, 12, 0, tzinfo=BRUSSELS), False),  # a Saturday
    ],
)
def test_open_now_comes_from_a_bundled_schedule(moment: datetime, is_open: bool) -> None:
    listing = listing_from_record(bundled_service("L'Îlot - Circé (day centre for homeless women)"))
    assert any(opening.open_at(moment) for opening in listing.openings) is is_open


def test_a_text_schedule_gives_no_open_now() -> None:
    listing = listing_from_record(bundled_service("PAG-ASA - support for victims of trafficking"))
    assert listing.openings == ()
    assert listing.hours and listing.hours.startswith("Mo-Fr 09:00-17:00 (office;")
