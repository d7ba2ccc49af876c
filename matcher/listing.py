"""A `Listing`: what the matcher needs to know about one service, read from its HSDS record."""

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from directory.hsds.accessibility import answers
from directory.limits import beds_from_text, web_address
from directory.taxonomy import (
    CAPACITY_BEDS_AVAILABLE,
    COARSE,
    GEO_APPROXIMATE,
    OFFERS_INTERPRETATION,
    OFFERS_REMOTE,
    PRIVACY_CONFIDENTIAL_ADDRESS,
    code_of,
)
from matcher.phones import Phone, phone_confirmed, phone_label, phones_of

__all__ = [
    "Listing",
    "Opening",
    "Phone",
    "Site",
    "listing_from_record",
    "phone_confirmed",
    "phone_label",
    "region_of_areas",
]

NOTHING: frozenset[str] = frozenset()
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Site:
    """A physical location of the service.

    A confidential site carries its coarse point (never its true one), or no point at all: it
    is then reached through its service's areas or its `region`, with no distance."""

    name: str | None
    address: str | None
    municipality: str | None
    latitude: float | None
    longitude: float | None
    approximate: bool
    confidential: bool
    phones: tuple[Phone, ...] = ()
    """The site's own numbers (a branch's phone)."""
    region: str | None = None
    """A confidential site's Belgian region ("BE-BRU"), when it has no point."""
    access_yes: frozenset[str] = frozenset()
    """`access.` words the location's data says it has (`step_free`, ...)."""
    access_no: frozenset[str] = frozenset()
    """`access.` words the location's data says it does not have; the others are not stated."""

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


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
    email: str | None = None
    organization_phones: tuple[Phone, ...] = ()
    """The organisation's numbers: its central line when the service lists none of its own."""

    def words(self, prefix: str) -> frozenset[str]:
        """The codes with this prefix, without it: `words("need")` -> {"housing", ...}."""
        return _grouped(self.codes).get(prefix, NOTHING)

    @property
    def needs(self) -> frozenset[str]:
        return _grouped(self.codes).get("need", NOTHING)

    @property
    def remote(self) -> bool:
        return OFFERS_REMOTE in self.codes

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

    @property
    def reachable(self) -> bool:
        """Some way to get in touch is listed: a phone (its own, a site's, the organisation's, or
        a line it is reached through), an e-mail, a web address, or a public address."""
        phones = self.phones or self.organization_phones or any(s.phones for s in self.sites)
        addresses = any(site.address and not site.confidential for site in self.sites)
        return bool(phones or self.email or self.url or addresses)

    def phones_at(self, site: "Site | None") -> tuple[Phone, ...]:
        """The numbers to give for a result at `site`: the site's own (label `location`);
        else the service's (a lone service's own, or its central number or the line it is
        reached through, so labelled), else the organisation's central number. Another
        branch's number is never given."""
        if site is not None and site.phones:
            return tuple(replace(phone, label="location") for phone in site.phones)
        several = len(self.sites) > 1
        if self.phones:
            return tuple(
                replace(phone, label="central") if several and not phone.label else phone
                for phone in self.phones
            )
        return tuple(replace(phone, label="central") for phone in self.organization_phones)


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


def _codes(attributes: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(sys.intern(code) for item in attributes if (code := code_of(item)))


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
        if code_of(item) != CAPACITY_BEDS_AVAILABLE:
            continue
        beds = beds_from_text(item.get("value"))
        if beds is None:  # stored past the checks (by hand, or by an older version): unusable
            return None, None
        times = [_timestamp(row.get("last_action_date")) for row in item.get("metadata") or []]
        known = [moment for moment in times if moment is not None]
        return beds, max(known) if known else None
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


AREA_REGIONS: dict[str, str] = {
    "bruxelles": "BE-BRU",
    "brussel": "BE-BRU",
    "brussels": "BE-BRU",
    "vlaanderen": "BE-VLG",
    "flanders": "BE-VLG",
    "wallonie": "BE-WAL",
    "wallonia": "BE-WAL",
}
"""Service-area names of the Belgian regions (DESIGN: "Vlaanderen", "Wallonie", "Bruxelles")."""


def region_of_areas(areas: Iterable[str]) -> str | None:
    """The one Belgian region a service's areas name, or None (none, several, or another)."""
    regions = {AREA_REGIONS.get(area.strip().casefold()) for area in areas}
    return regions.pop() if len(regions) == 1 else None


def _confidential_site(location: Mapping[str, Any]) -> Site:
    """A confidential site from the coarse point the directory gave it (`COARSE`); its true
    point, name and address are never read, whatever the record holds."""
    coarse = location.get(COARSE) or {}
    latitude, longitude = coarse.get("latitude"), coarse.get("longitude")
    located = latitude is not None and longitude is not None
    return Site(
        name=None,
        address=None,
        municipality=None,
        latitude=float(latitude or 0) if located else None,
        longitude=float(longitude or 0) if located else None,
        approximate=False,
        confidential=True,
        phones=phones_of(location.get("phones") or []),
        region=None if located else coarse.get("region"),
        access_yes=_access(location, True),
        access_no=_access(location, False),
    )


def _site(location: Mapping[str, Any], service_confidential: bool) -> Site | None:
    codes = _codes(location.get("attributes") or [])
    if service_confidential or PRIVACY_CONFIDENTIAL_ADDRESS in codes:
        return _confidential_site(location)
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None or longitude is None:
        return None
    address, city = _address(location)
    approximate = GEO_APPROXIMATE in codes
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
        confidential=False,
        phones=phones_of(location.get("phones") or []),
        access_yes=_access(location, True),
        access_no=_access(location, False),
    )


def _access(location: Mapping[str, Any], answer: bool) -> frozenset[str]:
    """The `access.` words the location's data answers with `answer`."""
    return frozenset(word for word, value in answers(location).items() if value is answer)


def _sources(record: Mapping[str, Any]) -> tuple[str, ...]:
    urls = [
        str(row["replacement_value"])
        for row in record.get("metadata") or []
        if row.get("last_action_type") == "source" and web_address(row.get("replacement_value"))
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
    confidential = PRIVACY_CONFIDENTIAL_ADDRESS in codes
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
        url=web_address(record.get("url")),
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
        or OFFERS_INTERPRETATION in codes,
        minimum_age=_age(record.get("minimum_age")),
        maximum_age=_age(record.get("maximum_age")),
        assured_date=_date(record.get("assured_date")),
        service_areas=tuple(
            str(area.get("name") or area.get("extent") or "")
            for area in record.get("service_areas") or []
            if area.get("name") or area.get("extent")
        ),
        phones=phones_of(record.get("phones") or []),
        sources=_sources(record),
        sites=sites,
        openings=tuple(o for s in schedules if (o := _opening(s)) is not None),
        beds=beds,
        beds_updated=beds_updated,
        hours=next((str(s["description"]) for s in schedules if s.get("description")), None),
        email=record.get("email") or None,
        organization_phones=phones_of(organization.get("phones") or []),
    )
