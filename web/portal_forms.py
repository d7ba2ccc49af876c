"""The partner's service form: what it shows of a record, and the record a posted form asks for.

The form is made of sections (`SECTIONS`), each a pair of functions: `show` gives the form's
values for a record, `read` writes what the posted form says into the proposed record and names
every problem beside its field (`Problems`). Locations have sections of their own
(`LOCATION_SECTIONS`), read once per location. Another section is one more pair in a tuple.

A section leaves the record untouched where the posted form shows what the record already says,
so that a field the form cannot show exactly (two opening ranges on one day) stays as it is
until someone changes it.
"""

import copy
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from directory.bundled.opening_hours import DAYS, TIME_ZONE_NOTE
from directory.changes.record_checks import (
    NEAR_KM,
    belgian_place,
    clock_time,
    distance_km,
    phone_ok,
)
from directory.hsds.tree import Record
from directory.limits import text_limit, web_address
from directory.places.gazetteer import gazetteer
from directory.taxonomy import (
    GEO_APPROXIMATE,
    PRIVACY_CONFIDENTIAL_ADDRESS,
    attribute_record,
    code_of,
    codes_with_prefix,
    derived_id,
)
from web.i18n import N_
from web.portal import PROVINCE_NAMES
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
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

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
        values[key] = posted.getlist(key) if key in MULTI else _first(posted, key)
    return values


def _first(posted: Posted, name: str) -> str:
    found = posted.getlist(name)
    return found[0] if found and isinstance(found[0], str) else ""


def _text(posted: Posted, name: str) -> str:
    return _first(posted, name).strip()


def _limit(problems: Problems, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.add(name, "too_long", limit=limit)


# --- name, description, contact, status, languages ------------------------------------------------

BASIC_FIELDS = ("name", "description", "url", "email")


def show_basics(record: Record) -> Values:
    values: Values = {name: record.get(name) or "" for name in BASIC_FIELDS}
    values["status"] = record.get("status") or "active"
    values["phones"] = "\n".join(str(p.get("number", "")) for p in record.get("phones") or [])
    return values


def _set(owner: Record, key: str, rows: list[dict[str, Any]]) -> None:
    """`owner[key] = rows`, unless that says what `owner` already says (no key: no rows)."""
    if rows != (owner.get(key) or []):
        owner[key] = rows


def read_basics(record: Record, posted: Posted, problems: Problems) -> None:
    sent = set(posted.keys())
    for name in BASIC_FIELDS:
        if name not in sent:
            continue
        value = _text(posted, name)
        _limit(problems, name, value, text_limit(name))
        if name == "url" and value and web_address(value) is None:
            problems.add(name, "web_address")
        if name == "name" and not value:
            problems.add(name, "required")
        if value:
            record[name] = value
        else:
            record.pop(name, None)
    status = _text(posted, "status") or str(record.get("status") or "")
    if status not in STATUSES:
        problems.add("status", "not_offered")
    else:
        record["status"] = status
    _set(
        record,
        "phones",
        _phones(
            record.get("phones") or [],
            posted,
            "phones",
            problems,
            owner=("service_id", record["id"]),
        ),
    )


def show_languages(record: Record) -> Values:
    return {"languages": [str(item.get("code")) for item in record.get("languages") or []]}


def read_languages(record: Record, posted: Posted, problems: Problems) -> None:
    wanted = list(dict.fromkeys(str(code) for code in posted.getlist("languages")))
    if any(not _LANGUAGE.fullmatch(code) for code in wanted):
        problems.add("languages", "not_offered")
        return
    current = record.get("languages") or []
    if wanted == [item.get("code") for item in current]:
        return
    by_code = {item.get("code"): item for item in current}
    record["languages"] = [
        by_code.get(code) or {"id": str(uuid.uuid4()), "service_id": record["id"], "code": code}
        for code in wanted
    ]


def _phones(
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
    numbers = [line.strip() for line in _text(posted, name).splitlines() if line.strip()]
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


def show_attributes(record: Record) -> Values:
    codes = {code_of(a) for a in record.get("attributes") or []}
    values: Values = {group: [c for c in known if c in codes] for group, known in GROUPS.items()}
    for name in ("minimum_age", "maximum_age"):
        age = record.get(name)
        values[name] = "" if age is None else str(age)
    return values


def read_attributes(record: Record, posted: Posted, problems: Problems) -> None:
    attributes = list(record.get("attributes") or [])
    for group, known in GROUPS.items():
        wanted = set(posted.getlist(group))
        if not wanted <= set(known):
            problems.add(group, "not_offered")
            continue
        present = {code_of(a) for a in attributes}
        attributes = [a for a in attributes if code_of(a) not in known or code_of(a) in wanted]
        attributes.extend(
            attribute_record(derived_id("attribute", record["id"], code), record["id"], code)
            for code in known
            if code in wanted and code not in present
        )
    _set(record, "attributes", attributes)
    ages = {name: _age(posted, name, problems) for name in ("minimum_age", "maximum_age")}
    youngest, oldest = ages["minimum_age"], ages["maximum_age"]
    if youngest is not None and oldest is not None and youngest > oldest:
        problems.add("maximum_age", "ages_reversed")
    for name, age in ages.items():
        if age is None:
            record.pop(name, None)
        else:
            record[name] = age


def _age(posted: Posted, name: str, problems: Problems) -> int | None:
    text = _text(posted, name)
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_AGE:
        problems.add(name, "not_an_age")
        return None
    return int(text)


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
    text = _text(posted, name)
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
            if _text(posted, opens_name) and _text(posted, closes_name):
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


# --- locations: address, place, phones, confidential address -------------------------------------

ADDRESS_FIELDS = ("address_1", "postal_code", "city")


def _address(location: Record) -> dict[str, Any]:
    addresses = location.get("addresses") or []
    return dict(addresses[0]) if addresses else {}


def _marked(location: Record, code: str) -> bool:
    return any(code_of(a) == code for a in location.get("attributes") or [])


def show_place(location: Record, prefix: str) -> Values:
    address = _address(location)
    values: Values = {f"{prefix}name": location.get("name") or ""}
    values.update({f"{prefix}{k}": str(address.get(k) or "") for k in ADDRESS_FIELDS})
    exact = not _marked(location, GEO_APPROXIMATE) and location.get("latitude") is not None
    for name in ("latitude", "longitude"):
        values[f"{prefix}{name}"] = str(location.get(name)) if exact else ""
    values[f"{prefix}phones"] = "\n".join(
        str(p.get("number", "")) for p in location.get("phones") or []
    )
    confidential = _marked(location, PRIVACY_CONFIDENTIAL_ADDRESS)
    values[f"{prefix}confidential"] = "on" if confidential else ""
    return values


def read_place(location: Record, posted: Posted, prefix: str, problems: Problems) -> None:
    shown = show_place(location, prefix)
    name = _text(posted, f"{prefix}name")
    _limit(problems, f"{prefix}name", name, text_limit("name"))
    if not name:
        problems.add(f"{prefix}name", "required")
    location["name"] = name
    address_fields = [f"{prefix}{k}" for k in ADDRESS_FIELDS]
    point_fields = [f"{prefix}{k}" for k in ("latitude", "longitude")]
    moved = any(_text(posted, key) != shown[key] for key in address_fields)
    pointed = any(_text(posted, key) != shown[key] for key in point_fields)
    if moved or pointed:
        # a new address with the old position left as it was: placed anew from the address
        keep_point = pointed or not any(shown[key] for key in point_fields)
        _read_address(location, posted, prefix, problems, typed_point=keep_point)
    _set(
        location,
        "phones",
        _phones(
            location.get("phones") or [],
            posted,
            f"{prefix}phones",
            problems,
            owner=("location_id", location["id"]),
        ),
    )
    confidential = bool(_text(posted, f"{prefix}confidential"))
    _mark(location, PRIVACY_CONFIDENTIAL_ADDRESS, confidential)


def _mark(location: Record, code: str, on: bool, value: str | None = None) -> None:
    attributes = [a for a in location.get("attributes") or [] if code_of(a) != code or on]
    if on and not any(code_of(a) == code for a in attributes):
        attribute_id = derived_id("attribute", location["id"], code)
        attributes.append(
            attribute_record(
                attribute_id, location["id"], code, link_entity="location", value=value
            )
        )
    _set(location, "attributes", attributes)


def _read_address(
    location: Record, posted: Posted, prefix: str, problems: Problems, *, typed_point: bool
) -> None:
    """The address as typed, placed by the gazetteer: at the typed coordinates when they lie near
    the place it names (a check that needs no map), else at the place's centre, marked
    approximate."""
    typed = {k: _text(posted, f"{prefix}{k}") for k in ADDRESS_FIELDS}
    for key, value in typed.items():
        _limit(problems, f"{prefix}{key}", value, 200)
    if not (typed["postal_code"] or typed["city"]):
        problems.add(f"{prefix}postal_code", "place_required")
        return
    place = belgian_place(typed["postal_code"], typed["city"])
    if place is None:
        problems.add(f"{prefix}postal_code", "unknown_place")
        return
    point = _coordinates(posted, prefix, problems) if typed_point else None
    if point is not None:
        km = distance_km(place, point[0], point[1])
        if km > NEAR_KM:
            problems.add(f"{prefix}latitude", "coordinates_far", km=round(km), place=place.name)
            return
    address = _address(location) or {"id": str(uuid.uuid4()), "location_id": location["id"]}
    address.update({k: v for k, v in typed.items() if v}, country="BE", address_type="physical")
    address["city"] = typed["city"] or place.name
    address["postal_code"] = typed["postal_code"] or place.postcode or ""
    address.setdefault("address_1", "")
    province = gazetteer().province_of(place.latitude, place.longitude) or ""
    address["state_province"] = PROVINCE_NAMES.get(province, address.get("state_province") or "")
    location["addresses"] = [address, *(location.get("addresses") or [])[1:]]
    latitude, longitude = point or (place.latitude, place.longitude)
    location["latitude"], location["longitude"] = round(latitude, 6), round(longitude, 6)
    _mark(location, GEO_APPROXIMATE, False)
    if point is None:
        _mark(location, GEO_APPROXIMATE, True, value=place.kind)


def _coordinates(posted: Posted, prefix: str, problems: Problems) -> tuple[float, float] | None:
    latitude, longitude = _text(posted, f"{prefix}latitude"), _text(posted, f"{prefix}longitude")
    if not latitude and not longitude:
        return None
    if not (latitude and longitude):
        problems.add(f"{prefix}latitude", "coordinates_half")
        return None
    try:
        point = float(latitude.replace(",", ".")), float(longitude.replace(",", "."))
    except ValueError:
        point = (999.0, 999.0)
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        problems.add(f"{prefix}latitude", "not_coordinates")
        return None
    return point


LOCATION_SECTIONS: tuple[LocationSection, ...] = (LocationSection(show_place, read_place),)


def location_prefix(index: int) -> str:
    return f"loc-{index}-"


def show_locations(record: Record) -> Values:
    values: Values = {}
    places = [link.get("location") or {} for link in record.get("service_at_locations") or []]
    for index, location in enumerate(places):
        prefix = location_prefix(index)
        values[f"{prefix}id"] = str(location.get("id", ""))
        for section in LOCATION_SECTIONS:
            values.update(section.show(location, prefix))
    values["locations"] = str(len(places))
    return values


def read_locations(record: Record, posted: Posted, problems: Problems) -> None:
    """Each location's fieldset, in order; a location ticked "remove" goes, a filled-in blank
    one (the last fieldset, without an id) is added."""
    links = {
        str((link.get("location") or {}).get("id")): link
        for link in record.get("service_at_locations") or []
    }
    count = _count(posted)
    if count > MAX_LOCATIONS:
        problems.add("locations", "too_many_locations", limit=MAX_LOCATIONS)
        return
    kept: list[dict[str, Any]] = []
    for index in range(count + 1):
        prefix = location_prefix(index)
        location_id = _text(posted, f"{prefix}id")
        link = links.get(location_id)
        if _text(posted, f"{prefix}remove") or (link is None and not _filled(posted, prefix)):
            continue
        link = copy.deepcopy(link) if link else _new_link(record["id"])
        location = link["location"]
        for section in LOCATION_SECTIONS:
            section.read(location, posted, prefix, problems)
        kept.append(link)
    _set(record, "service_at_locations", kept)


def _count(posted: Posted) -> int:
    text = _text(posted, "locations")
    return int(text) if text.isdigit() and len(text) <= 4 else 0


def shown_location_count(values: Mapping[str, Any]) -> int:
    """How many locations' fieldsets a form shows (a posted count beyond the limit: the limit)."""
    text = str(values.get("locations") or "")
    return min(int(text), MAX_LOCATIONS) if text.isdigit() and len(text) <= 4 else 0


def _filled(posted: Posted, prefix: str) -> bool:
    return any(
        _text(posted, key)
        for key in posted.keys()
        if key.startswith(prefix) and key != f"{prefix}id"
    )


def _new_link(service_id: str) -> dict[str, Any]:
    location_id = str(uuid.uuid4())
    return {
        "id": str(uuid.uuid4()),
        "service_id": service_id,
        "location_id": location_id,
        "location": {"id": location_id, "location_type": "physical", "addresses": []},
    }


SECTIONS: tuple[Section, ...] = (
    Section(show_basics, read_basics, marker="name"),
    Section(show_languages, read_languages, marker="languages-shown"),
    Section(show_attributes, read_attributes, marker="attributes-shown"),
    Section(show_hours, read_hours, marker=f"hours-{WEEKDAYS[0]}-opens"),
    Section(show_locations, read_locations, marker="locations"),
)


def form_values(record: Record) -> Values:
    """What the service form shows for `record`."""
    values: Values = {}
    for section in SECTIONS:
        values.update(section.show(record))
    return values


def proposed_record(record: Record, posted: Posted) -> tuple[Record, Problems]:
    """The record the posted form asks for, and every problem of the form, by field."""
    proposed = copy.deepcopy(dict(record))
    problems = Problems()
    sent = set(posted.keys())
    for section in SECTIONS:
        if section.marker in sent:
            section.read(proposed, posted, problems)
    return proposed, problems


def language_choices(values: Values, name: Callable[[str], str]) -> list[tuple[str, str]]:
    """The languages to tick: the list offered, plus any the record already has."""
    chosen = [str(code) for code in values.get("languages", [])]
    codes = list(dict.fromkeys([*LANGUAGES, *chosen]))
    return sorted(((code, name(code)) for code in codes), key=lambda item: item[1].casefold())
