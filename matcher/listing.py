"""A `Listing`: what the matcher needs to know about one service, read from its HSDS record."""

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from directory.emergency_numbers import EMERGENCY_NUMBERS

APPROXIMATE = "geo.approximate"
"""Location attribute (taxonomy "passerelle-geo"): coordinates are a postcode or town centroid."""
CONFIDENTIAL = "privacy.confidential_address"
NOTHING: frozenset[str] = frozenset()
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NOT_CONFIRMED = re.compile(r"not (yet )?(confirmed|verified)", re.IGNORECASE)


def phone_confirmed(number: str, description: str | None) -> bool:
    """The one rule for whether a phone is confirmed: 112 and 101 are facts of law; any other
    number is unconfirmed when its description says "not (yet) confirmed" or "not verified"."""
    if number.strip() in EMERGENCY_NUMBERS:
        return True
    return not (description and NOT_CONFIRMED.search(description))


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Site:
    """A physical location of the service."""

    name: str | None
    address: str | None
    municipality: str | None
    latitude: float
    longitude: float
    approximate: bool
    confidential: bool


@dataclass(frozen=True, slots=True)
class Opening:
    """One structured weekly opening: days (0 = Monday) and minutes since midnight."""

    days: frozenset[int]
    opens: int
    closes: int

    def open_at(self, moment: datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        day = moment.weekday()
        if self.closes > self.opens:
            return day in self.days and self.opens <= minute < self.closes
        # closes after midnight: open from `opens` today, or until `closes` after yesterday
        return (day in self.days and minute >= self.opens) or (
            (day - 1) % 7 in self.days and minute < self.closes
        )


@dataclass(frozen=True, slots=True)
class Listing:
    id: str
    name: str
    organization_id: str
    organization_name: str
    description: str
    url: str | None
    status: str
    codes: frozenset[str]
    """Every passerelle code on the service (`need.housing`, `offers.free`, ...)."""
    languages: tuple[str, ...]
    interpretation: bool
    minimum_age: float | None
    maximum_age: float | None
    assured_date: date | None
    service_areas: tuple[str, ...]
    phones: tuple[Phone, ...]
    sources: tuple[str, ...]
    sites: tuple[Site, ...]
    openings: tuple[Opening, ...]
    beds: int | None
    beds_updated: datetime | None
    hours: str | None = None
    """The service's own words about its hours or scope (a schedule description), if any."""

    def words(self, prefix: str) -> frozenset[str]:
        """The codes with this prefix, without it: `words("need")` -> {"housing", ...}."""
        return _grouped(self.codes).get(prefix, NOTHING)

    @property
    def needs(self) -> frozenset[str]:
        return _grouped(self.codes).get("need", NOTHING)

    @property
    def remote(self) -> bool:
        return "offers.remote" in self.codes

    @property
    def best_phone(self) -> Phone | None:
        """The number to give someone: the first confirmed one, else the first one."""
        for phone in self.phones:
            if phone.confirmed:
                return phone
        return self.phones[0] if self.phones else None

    @property
    def verified(self) -> bool:
        return self.assured_date is not None


@lru_cache(maxsize=4096)
def _grouped(codes: frozenset[str]) -> Mapping[str, frozenset[str]]:
    """Codes grouped by prefix, without it: {"need": {"housing", ...}, ...}; kept for the
    listings looked at most (frozensets keep their hash, so a lookup is cheap)."""
    groups: dict[str, set[str]] = {}
    for code in codes:
        prefix, dot, word = code.partition(".")
        if dot:
            groups.setdefault(prefix, set()).add(word)
    return {prefix: frozenset(words) for prefix, words in groups.items()}


def _code(attribute: Mapping[str, Any]) -> str | None:
    term = attribute.get("taxonomy_term") or {}
    code = term.get("code")
    return str(code) if code else None


def _codes(attributes: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(sys.intern(code) for item in attributes if (code := _code(item)))


def _timestamp(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _capacity(attributes: Iterable[Mapping[str, Any]]) -> tuple[int | None, datetime | None]:
    for item in attributes:
        if _code(item) != "capacity.beds_available":
            continue
        try:
            beds = int(float(str(item.get("value", ""))))
        except ValueError:
            return None, None
        times = [_timestamp(row.get("last_action_date")) for row in item.get("metadata") or []]
        known = [moment for moment in times if moment is not None]
        return max(beds, 0), max(known) if known else None
    return None, None


def _minutes(text: str | None) -> int | None:
    if not text:
        return None
    parts = text.split(":")
    try:
        hours, minutes = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        return None
    return hours * 60 + minutes


def _opening(schedule: Mapping[str, Any]) -> Opening | None:
    """A structured weekly schedule, or None (free-text hours are never parsed)."""
    opens, closes = _minutes(schedule.get("opens_at")), _minutes(schedule.get("closes_at"))
    if opens is None or closes is None or str(schedule.get("freq", "")).upper() != "WEEKLY":
        return None
    days = frozenset(
        DAYS.index(day.strip()[-2:].upper())
        for day in str(schedule.get("byday") or ",".join(DAYS)).split(",")
        if day.strip()[-2:].upper() in DAYS
    )
    return Opening(days, opens, closes) if days else None


def _address(location: Mapping[str, Any]) -> tuple[str | None, str | None]:
    for address in location.get("addresses") or []:
        if address.get("address_type", "physical") != "physical":
            continue
        street = address.get("address_1")
        city = address.get("city")
        place = " ".join(part for part in (address.get("postal_code"), city) if part)
        text = ", ".join(part for part in (street, place) if part)
        return (text or None), city
    return None, None


def _site(location: Mapping[str, Any], service_confidential: bool) -> Site | None:
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None or longitude is None:
        return None
    codes = _codes(location.get("attributes") or [])
    address, city = _address(location)
    approximate = APPROXIMATE in codes
    name = location.get("name")
    if approximate and not city and isinstance(name, str) and ", " in name:
        # An approximate location without an address is named "<service>, <town>" (the bundled
        # directory's convention): the town is what "In <town>" shows instead of a distance.
        city = name.rsplit(", ", 1)[1].strip() or None
    return Site(
        name=name,
        address=address,
        municipality=city,
        latitude=float(latitude),
        longitude=float(longitude),
        approximate=approximate,
        confidential=service_confidential or CONFIDENTIAL in codes,
    )


def _sources(record: Mapping[str, Any]) -> tuple[str, ...]:
    urls = [
        str(row["replacement_value"])
        for row in record.get("metadata") or []
        if row.get("last_action_type") == "source" and row.get("replacement_value")
    ]
    return tuple(dict.fromkeys(urls))


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _age(value: Any) -> float | None:
    return None if value is None else float(value)


def listing_from_record(record: Mapping[str, Any]) -> Listing:
    """The listing of one full HSDS service record (as `/services/{id}` returns it)."""
    codes = _codes(record.get("attributes") or [])
    beds, beds_updated = _capacity(record.get("attributes") or [])
    confidential = CONFIDENTIAL in codes
    locations = [link.get("location") or {} for link in record.get("service_at_locations") or []]
    sites = tuple(site for loc in locations if (site := _site(loc, confidential)) is not None)
    schedules = [
        *(record.get("schedules") or []),
        *(s for loc in locations for s in loc.get("schedules") or []),
        *(
            s
            for link in record.get("service_at_locations") or []
            for s in link.get("schedules") or []
        ),
    ]
    organization = record.get("organization") or {}
    return Listing(
        id=str(record["id"]),
        name=str(record.get("name") or ""),
        organization_id=str(record.get("organization_id") or organization.get("id") or ""),
        organization_name=str(organization.get("name") or ""),
        description=str(record.get("description") or ""),
        url=record.get("url"),
        status=str(record.get("status") or ""),
        codes=codes,
        languages=tuple(
            dict.fromkeys(
                sys.intern(str(item["code"]).lower())
                for item in record.get("languages") or []
                if item.get("code")
            )
        ),
        interpretation=bool(record.get("interpretation_services"))
        or "offers.interpretation" in codes,
        minimum_age=_age(record.get("minimum_age")),
        maximum_age=_age(record.get("maximum_age")),
        assured_date=_date(record.get("assured_date")),
        service_areas=tuple(
            str(area.get("name") or area.get("extent") or "")
            for area in record.get("service_areas") or []
            if area.get("name") or area.get("extent")
        ),
        phones=tuple(
            Phone(
                str(phone["number"]),
                phone_confirmed(str(phone["number"]), phone.get("description")),
            )
            for phone in record.get("phones") or []
            if phone.get("number")
        ),
        sources=_sources(record),
        sites=sites,
        openings=tuple(o for s in schedules if (o := _opening(s)) is not None),
        beds=beds,
        beds_updated=beds_updated,
        hours=next((str(s["description"]) for s in schedules if s.get("description")), None),
    )
