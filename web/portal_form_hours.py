"""The service form's opening hours: one opening range per weekday, stored as weekly HSDS
schedules in Belgian time."""

import uuid
from collections.abc import Mapping
from typing import Any

from directory.bundled.opening_hours import DAYS, TIME_ZONE_NOTE
from directory.changes.record_checks import (
    clock_time,
)
from directory.hsds.tree import Record
from web.portal_form_parts import WEEKDAYS, Posted, Problems, Values, posted_text

# --- opening hours per weekday -------------------------------------------------------------------


def _weekly(schedule: Mapping[str, Any]) -> bool:
    return str(schedule.get("freq", "")).upper() == "WEEKLY" and bool(schedule.get("byday"))


def show_hours(record: Record) -> Values:
    values: Values = {}
    for schedule in record.get("schedules") or []:
        if not _weekly(schedule):
            continue
        for day in str(schedule["byday"]).upper().split(","):
            day = day.strip()
            if day in WEEKDAYS and f"hours-{day}-opens" not in values:
                values[f"hours-{day}-opens"] = str(schedule.get("opens_at") or "")
                values[f"hours-{day}-closes"] = str(schedule.get("closes_at") or "")
    for day in WEEKDAYS:
        values.setdefault(f"hours-{day}-opens", "")
        values.setdefault(f"hours-{day}-closes", "")
    return values


def _time(posted: Posted, name: str, problems: Problems) -> str | None:
    text = posted_text(posted, name)
    if not text:
        return None
    time = clock_time(text)
    if time is None:
        problems.add(name, "not_a_time")
    return time


def read_hours(record: Record, posted: Posted, problems: Problems) -> None:
    shown = show_hours(record)
    hours: dict[str, tuple[str, str]] = {}
    for day in WEEKDAYS:
        opens_name, closes_name = f"hours-{day}-opens", f"hours-{day}-closes"
        opens, closes = _time(posted, opens_name, problems), _time(posted, closes_name, problems)
        if (opens is None) != (closes is None):
            if posted_text(posted, opens_name) and posted_text(posted, closes_name):
                continue  # a time that is not one: named above
            problems.add(opens_name if opens is None else closes_name, "hours_half")
        elif opens is not None and closes is not None:
            if closes <= opens:
                problems.add(closes_name, "hours_reversed")
            hours[day] = (opens, closes)
    typed = {
        name: hours.get(name.split("-")[1], ("", ""))[name.endswith("closes")] for name in shown
    }
    if problems.found.keys() & shown.keys() or typed == shown:
        return
    others = [s for s in record.get("schedules") or [] if not _weekly(s)]
    record["schedules"] = others + _schedules(record["id"], hours)


def days_text(days: list[str]) -> str:
    """Weekdays as the research file writes them: runs of days as "Mo-Fr", others by comma."""
    runs: list[list[int]] = []
    for index in sorted(WEEKDAYS.index(day) for day in days):
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    names: list[str] = []
    for run in runs:
        if len(run) > 2:
            names.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            names.extend(DAYS[index] for index in run)
    return ",".join(names)


def _schedules(service_id: str, hours: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """HSDS weekly schedules: one row per opening range, with the days that share it."""
    ranges: dict[tuple[str, str], list[str]] = {}
    for day in WEEKDAYS:
        if day in hours:
            ranges.setdefault(hours[day], []).append(day)
    return [
        {
            "id": str(uuid.uuid4()),
            "service_id": service_id,
            "freq": "WEEKLY",
            "byday": ",".join(days),
            "opens_at": opens,
            "closes_at": closes,
            "description": f"{days_text(days)} {opens}-{closes}",
            "notes": TIME_ZONE_NOTE,
        }
        for (opens, closes), days in ranges.items()
    ]
