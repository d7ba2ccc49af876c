"""Weekday-and-times hours of the research file (`Mo-Fr 09:00-17:00; Sa 10:00-12:00`, `24/7`) as
HSDS weekly schedule rows, read at build time by `scripts/build_bundled.py`.

DESIGN.md ("Hours"): a text becomes structured only when the whole of it is weekday-and-times.
Anything that qualifies it (a permanence outside hours, on mandate, seasonal, a source more than
three years older than the research file) keeps it as text, which gives no "open now". The times
are Europe/Brussels wall-clock times (HSDS `timezone` is a fixed offset, which Brussels has not).
"""

import re
from dataclasses import dataclass

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MAX_SOURCE_AGE_YEARS = 3
TIME_ZONE_NOTE = "Times are Europe/Brussels local time."

_DAY = "|".join(DAYS)
_DAY_SPAN = rf"(?:{_DAY})(?:-(?:{_DAY}))?"
_TIME = r"(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)"
_RANGE = rf"{_TIME}-{_TIME}"
_RULE = re.compile(
    rf"(?P<days>{_DAY_SPAN}(?:,{_DAY_SPAN})*)\s+"
    rf"(?P<times>off|{_RANGE}(?:\s*,\s*{_RANGE})*)"
)
_NOTE = re.compile(r"\s*\((?P<note>[^()]*)\)\s*$")
_SOURCE_DATE = re.compile(
    r"(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+)?"
    r"(?P<year>(?:19|20)\d{2})(?:-[01]\d)?"
)


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Open on `days` (HSDS `byday` words, "MO".."SU") from `opens` to `closes` ("HH:MM")."""

    days: tuple[str, ...]
    opens: str
    closes: str


def _days(span: str) -> list[str]:
    first, _, last = span.partition("-")
    start = DAYS.index(first)
    end = DAYS.index(last) if last else start
    if end < start:  # "Sa-Mo" wraps over the week's end
        end += len(DAYS)
    return [DAYS[n % len(DAYS)].upper() for n in range(start, end + 1)]


def _rule(text: str) -> list[WeeklyHours] | None:
    found = _RULE.fullmatch(text.strip())
    if found is None:
        return None
    if found["times"] == "off":
        return []
    days: list[str] = []
    for span in found["days"].split(","):
        days.extend(day for day in _days(span) if day not in days)
    ordered = tuple(sorted(days, key=[d.upper() for d in DAYS].index))
    hours = []
    for time_range in found["times"].split(","):
        opens, closes = time_range.strip().split("-")
        if closes <= opens and closes != "00:00":
            return None  # a range that ends before it starts is not read as hours
        hours.append(WeeklyHours(ordered, opens, closes))
    return hours


def _plain(text: str, *, plain_notes: frozenset[str], compiled_year: int) -> str | None:
    """The text without a final note that does not qualify it, or None when one does."""
    found = _NOTE.search(text)
    if found is None:
        return text
    note = found["note"].strip()
    if note in plain_notes:
        return text[: found.start()]
    dated = _SOURCE_DATE.fullmatch(note)  # only a source date: "(2023)", "(Sept 2023)"
    if dated and compiled_year - int(dated["year"]) <= MAX_SOURCE_AGE_YEARS:
        return text[: found.start()]
    return None


def weekly_hours(
    text: str, *, compiled_year: int, plain_notes: frozenset[str] = frozenset()
) -> list[WeeklyHours] | None:
    """The weekly hours `text` states, or None when it is not entirely weekday-and-times.

    `plain_notes` are final parenthesised notes that say where or for what line the hours
    apply, not when (a curator's decision, in curation.toml); a final note that is only a
    source date is accepted when it is at most three years older than `compiled_year`.
    """
    body = _plain(text.strip(), plain_notes=plain_notes, compiled_year=compiled_year)
    if body is None or not body.strip():
        return None
    if body.strip() == "24/7":
        return [WeeklyHours(tuple(day.upper() for day in DAYS), "00:00", "24:00")]
    rules: list[WeeklyHours] = []
    for part in body.split(";"):
        read = _rule(part)
        if read is None:
            return None
        rules.extend(read)
    return rules or None
