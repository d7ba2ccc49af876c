"""How a notice speaks of a line: its hours in the reader's language (weekday names from CLDR,
through Babel), the languages it answers in, and the areas it serves.

The matcher gives a line's hours as `24/7` or as `days@opens-closes` items joined by `;` (days
0 = Monday, minutes since midnight); a line with no structured hours keeps its own words, shown
as published."""

from collections.abc import Callable, Mapping

from babel.dates import get_day_names

from directory.places.local_names import place_name
from directory.places.names import BELGIUM_NAMES, REGION_NAMES, normalise
from matcher.messages import Param

DETAILS: dict[str, str] = {
    "day_and_night": "day and night",
    "hours": "hours: {hours}",
    "published_hours": "hours as published: {hours}",
    "languages": "in {languages}",
    "areas": "for {areas}",
}
"""Fragments of a line's details, joined by "; " inside brackets after the notice's sentence."""

AREA_NAMES: dict[str, str] = {
    "BE-VLG": "Flanders",
    "BE-BRU": "Brussels",
    "BE-WAL": "Wallonia",
    "BE": "Belgium",
}
"""Belgium and its regions -> their English name (the msgid); a service area is recognised in
any language the gazetteer knows ("Vlaanderen", "Région flamande", "België", ...)."""


def _area_key(area: str) -> str | None:
    key = normalise(area)
    return "BE" if key in BELGIUM_NAMES else REGION_NAMES.get(key)


def area_names(areas: str, say: Callable[[str], str]) -> str:
    """Comma-separated service areas, each named in the reader's language when it is known."""
    named = [area.strip() for area in areas.split(",") if area.strip()]
    return ", ".join(
        say(AREA_NAMES[key]) if (key := _area_key(area)) in AREA_NAMES else area for area in named
    )


def hours_text(schedule: str, lang: str) -> str:
    """`0,1,2,3,4@540-1020` -> "Mon–Fri 09:00–17:00" in the reader's language."""
    days = get_day_names("abbreviated", context="format", locale=lang)
    parts = []
    for item in schedule.split(";"):
        listed, _, span = item.partition("@")
        opens, _, closes = span.partition("-")
        numbers = sorted(int(day) for day in listed.split(",") if day)
        parts.append(f"{_day_runs(numbers, days)} {_clock(int(opens))}–{_clock(int(closes))}")
    return ", ".join(parts)


def _day_runs(numbers: list[int], days: Mapping[int, str]) -> str:
    """Consecutive days as ranges: [0, 1, 2, 4] -> "Mon–Wed, Fri"."""
    runs: list[list[int]] = []
    for day in numbers:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        days[run[0]] if len(run) == 1 else f"{days[run[0]]}–{days[run[-1]]}" for run in runs
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def details(
    params: Mapping[str, Param],
    lang: str,
    say: Callable[[str], str],
    language_name: Callable[[str, str], str],
) -> str:
    """ " (in Dutch; for Flanders, Brussels; day and night)", or "" when nothing is known."""
    parts: list[str] = []
    if params.get("place"):
        parts.append(place_name(str(params["place"]), lang=lang))
    languages = [code for code in str(params.get("languages", "")).split(",") if code]
    if languages:
        named = ", ".join(language_name(code, lang) for code in languages)
        parts.append(say(DETAILS["languages"]).format(languages=named))
    if params.get("areas"):
        parts.append(say(DETAILS["areas"]).format(areas=area_names(str(params["areas"]), say)))
    schedule = str(params.get("schedule", ""))
    if schedule == "24/7":
        parts.append(say(DETAILS["day_and_night"]))
    elif schedule:
        parts.append(say(DETAILS["hours"]).format(hours=hours_text(schedule, lang)))
    elif params.get("hours"):
        parts.append(say(DETAILS["published_hours"]).format(hours=params["hours"]))
    return f" ({'; '.join(parts)})" if parts else ""
