"""The service form's common parts: what was posted, the problems beside each field, the
sections a form is made of, and the readers every section shares."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from directory.bundled.opening_hours import DAYS
from directory.changes.record_checks import (
    phone_ok,
)
from directory.hsds.tree import Record
from directory.taxonomy import (
    codes_with_prefix,
)
from web.i18n import N_
from web.search_form import COMMON_LANGUAGES, OTHER_LANGUAGES

Values = dict[str, Any]
"""A form's values by field name: a text, or a list of the boxes ticked."""
STATUSES = ("active", "temporarily closed", "inactive", "defunct")
GENDERS = tuple(f"audience.{word}" for word in ("women", "men", "trans", "nonbinary"))
GROUPS: dict[str, tuple[str, ...]] = {
    "needs": codes_with_prefix("need"),
    "welcome": codes_with_prefix("welcome"),
    "genders": GENDERS,
    "audience": tuple(code for code in codes_with_prefix("audience") if code not in GENDERS),
    "offers": codes_with_prefix("offers"),
    "conditions": codes_with_prefix("condition") + codes_with_prefix("requires"),
}
"""The service's attributes the form shows as boxes to tick, by the name of their group."""
MULTI = frozenset({"languages", *GROUPS})
"""Fields whose posted values are lists (boxes to tick)."""
LANGUAGES = COMMON_LANGUAGES + OTHER_LANGUAGES
WEEKDAYS = tuple(day.upper() for day in DAYS)
MAX_AGE = 120
MAX_PHONES = 10
MAX_LOCATIONS = 60
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

PROBLEMS = {
    "required": N_("please fill this in."),
    "too_long": N_("please write at most {limit} characters."),
    "not_a_phone": N_(
        "please write phone numbers with digits only, such as +32 2 123 45 67, one per line."
    ),
    "too_many_phones": N_("please give at most {limit} phone numbers."),
    "not_an_age": N_("please write a whole number of years from 0 to 120."),
    "ages_reversed": N_("the youngest age is above the oldest."),
    "not_a_time": N_("please write a time such as 09:00 or 17:30."),
    "hours_half": N_("please give both the opening and the closing time, or neither."),
    "hours_reversed": N_("the closing time is not after the opening time."),
    "unknown_place": N_(
        "this postcode and town were not found in Belgium: please check the spelling."
    ),
    "place_required": N_("please give the postcode or the town."),
    "not_coordinates": N_(
        "please write a latitude from -90 to 90 and a longitude from -180 to 180."
    ),
    "coordinates_far": N_("these coordinates are {km} km from {place}: please check them."),
    "coordinates_half": N_("please give both the latitude and the longitude, or neither."),
    "not_offered": N_("please choose one of the values offered."),
    "web_address": N_("please write a web address starting with http:// or https://."),
    "too_many_locations": N_("please give at most {limit} locations."),
}
"""A problem beside a field of the service form, by its code (`Problems.add`)."""


class Posted(Protocol):
    """A posted form (Starlette's `FormData`): every value of a field, and the fields' names."""

    def getlist(self, key: str) -> list[Any]: ...
    def keys(self) -> Any: ...


@dataclass
class Problems:
    """What is wrong with a posted form, by field name: (problem code, its parameters)."""

    found: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, name: str, code: str, **params: Any) -> None:
        self.found.setdefault(name, []).append((code, params))

    def __bool__(self) -> bool:
        return bool(self.found)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the form: its values for a record; what the posted form makes of the record.
    `marker`: a field the part always sends; a post without it leaves that part as it is."""

    show: Callable[[Record], Values]
    read: Callable[[Record, Posted, Problems], None]
    marker: str


@dataclass(frozen=True, slots=True)
class LocationSection:
    """A part of each location's fieldset; field names start with the location's `prefix`."""

    show: Callable[[Record, str], Values]
    read: Callable[[Record, Posted, str, Problems], None]


def posted_values(posted: Posted) -> Values:
    """The posted form as values to show again (nothing typed is lost)."""
    values: Values = {}
    for key in posted.keys():
        if key in ("csrf_token", "etag"):
            continue
        values[key] = posted.getlist(key) if key in MULTI else posted_first(posted, key)
    return values


def posted_first(posted: Posted, name: str) -> str:
    found = posted.getlist(name)
    return found[0] if found and isinstance(found[0], str) else ""


def posted_text(posted: Posted, name: str) -> str:
    return posted_first(posted, name).strip()


def check_limit(problems: Problems, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.add(name, "too_long", limit=limit)


def set_rows(owner: Record, key: str, rows: list[dict[str, Any]]) -> None:
    """`owner[key] = rows`, unless that says what `owner` already says (no key: no rows)."""
    if rows != (owner.get(key) or []):
        owner[key] = rows


def read_phones(
    current: list[dict[str, Any]],
    posted: Posted,
    name: str,
    problems: Problems,
    *,
    owner: tuple[str, str],
) -> list[dict[str, Any]]:
    """The phone rows a textarea of numbers (one per line) asks for; rows whose number is
    unchanged are kept as they are (their description and confirmation stay)."""
    if name not in posted.keys():
        return current
    numbers = [line.strip() for line in posted_text(posted, name).splitlines() if line.strip()]
    if len(numbers) > MAX_PHONES:
        problems.add(name, "too_many_phones", limit=MAX_PHONES)
    if not all(phone_ok(number) for number in numbers):
        problems.add(name, "not_a_phone")
        return current
    if numbers == [str(p.get("number")) for p in current]:
        return current
    by_number = {str(p.get("number")): p for p in current}
    key, owner_id = owner
    return [
        by_number.get(number) or {"id": str(uuid.uuid4()), key: owner_id, "number": number}
        for number in dict.fromkeys(numbers)
    ]


# --- what the service helps with, who is welcome, offers, conditions ------------------------------
