"""What the pages show of one service: public facts from its HSDS record, in the reader's language.

Built from records read through `repository.public_fetch`, so a confidential location is already
gone; a service marked `privacy.confidential_address` shows its service area and phone only.
Every detail of a service nobody has confirmed yet (`assured_date` empty) is marked "not verified"
with the source it was read from.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

from directory.hsds.accessibility import ACCESS_WORDS, answers
from directory.limits import web_address
from directory.taxonomy import PRIVACY_CONFIDENTIAL_ADDRESS, code_of
from matcher.listing import phone_confirmed, phone_label
from web.labels import term_name

URL = re.compile(r"https?://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?]")


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    tel: str
    note: str | None
    verified: bool
    label: str | None = None
    """`central` (the central number of a service with several locations), `through` (the line
    it is reached through), or None (the service's or location's own number)."""


@dataclass(frozen=True, slots=True)
class LocationView:
    """One public location of a service: its own address and phones."""

    name: str | None
    address: str | None
    phones: tuple[Phone, ...]


@dataclass(frozen=True, slots=True)
class AccessView:
    """What one public location's data says of its accessibility, as names in the reader's
    language: what it has, what it does not have, what it does not state."""

    place: str | None
    """The location's name, when the service has several."""
    has: tuple[str, ...]
    lacks: tuple[str, ...]
    unknown: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: str
    name: str
    organization: str
    description: str | None
    url: str | None
    email: str | None
    phones: tuple[Phone, ...]
    """The service's own numbers (labelled), and those of its location when it has only one."""
    addresses: tuple[str, ...]
    locations: tuple[LocationView, ...]
    """Every public location when there are several, each with its address and own phones."""
    areas: tuple[str, ...]
    hours: tuple[str, ...]
    bring: tuple[str, ...]
    languages: tuple[str, ...]
    verified: bool
    assured_date: str | None
    sources: tuple[str, ...]
    confidential: bool
    access: tuple[AccessView, ...] = ()
    """Per public location, its accessibility (none for a confidential service)."""


def tel_uri(number: str) -> str:
    """`tel:` form of a printed number: a leading + and the digits ("+32 (0)2" drops the (0))."""
    digits = re.sub(r"[^\d+]", "", number.replace("(0)", ""))
    return "tel:" + (digits[0] + digits[1:].replace("+", "") if digits else "")


@cache
def language_name(code: str, lang: str) -> str:
    """`ro` in French: "roumain"; a code Babel does not know stays as it is."""
    try:
        name = Locale.parse(lang).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or code


def _codes(record: Mapping[str, Any]) -> set[str]:
    return {code for attribute in record.get("attributes") or () if (code := code_of(attribute))}


def _address(address: Mapping[str, Any]) -> str:
    street = ", ".join(str(address[k]) for k in ("address_1", "address_2") if address.get(k))
    town = " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k))
    return ", ".join(part for part in (street, town) if part)


def _locations(record: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for link in record.get("service_at_locations") or ():
        if link.get("location"):
            yield link["location"]


def _phone_rows(
    rows: Iterable[Mapping[str, Any]], verified: bool, *, central: bool
) -> tuple[Phone, ...]:
    found: dict[str, Phone] = {}
    for row in rows:
        number = str(row.get("number") or "").strip()
        if not number or number in found:
            continue
        note = row.get("description") or None
        sure = verified and phone_confirmed(number, note and str(note))
        label = phone_label(str(note or ""))
        if label is None and central:
            label = "central"
        found[number] = Phone(number, tel_uri(number), note and str(note), sure, label)
    return tuple(found.values())


def _phones(record: Mapping[str, Any], verified: bool) -> tuple[Phone, ...]:
    """The service's numbers, then its only location's (several: `_location_views`)."""
    locations = list(_locations(record))
    rows = [*(record.get("phones") or ())]
    if len(locations) == 1:
        rows.extend(locations[0].get("phones") or ())
    if not rows:
        organization = record.get("organization") or {}
        return _phone_rows(organization.get("phones") or (), verified, central=True)
    return _phone_rows(rows, verified, central=len(locations) > 1)


def _location_views(
    record: Mapping[str, Any], verified: bool, confidential: bool
) -> tuple[LocationView, ...]:
    locations = list(_locations(record))
    if confidential or len(locations) < 2:
        return ()
    return tuple(
        LocationView(
            name=location.get("name") or None,
            address=next(
                (text for a in location.get("addresses") or () if (text := _address(a))), None
            ),
            phones=_phone_rows(location.get("phones") or (), verified, central=False),
        )
        for location in locations
    )


def _access_views(
    record: Mapping[str, Any], confidential: bool, lang: str
) -> tuple[AccessView, ...]:
    locations = [] if confidential else list(_locations(record))
    views = []
    for location in locations:
        stated = answers(location)

        def named(wanted: bool | None, stated: dict[str, bool] = stated) -> tuple[str, ...]:
            return tuple(
                term_name(f"access.{word}", lang)
                for word in ACCESS_WORDS
                if stated.get(word) is wanted
            )

        place = (location.get("name") or None) if len(locations) > 1 else None
        views.append(AccessView(place, named(True), named(False), named(None)))
    return tuple(views)


def _hours(record: Mapping[str, Any]) -> tuple[str, ...]:
    rows = [*(record.get("schedules") or ())]
    for link in record.get("service_at_locations") or ():
        rows.extend(link.get("schedules") or ())
    texts = (str(row.get("description") or "").strip() for row in rows)
    return tuple(dict.fromkeys(text for text in texts if text))


def _bring(record: Mapping[str, Any], codes: set[str], lang: str) -> tuple[str, ...]:
    documents = [
        str(row.get("document") or "").strip() for row in record.get("required_documents") or ()
    ]
    required = [term_name(code, lang) for code in sorted(codes) if code.startswith("requires.")]
    return tuple(dict.fromkeys(text for text in [*required, *documents] if text))


def _sources(record: Mapping[str, Any]) -> tuple[str, ...]:
    texts = [str(record.get("description") or "")]
    texts.extend(str(row.get("description") or "") for row in record.get("phones") or ())
    urls = [match.group(0) for text in texts for match in URL.finditer(text)]
    url = web_address(record.get("url"))
    if url:
        urls.insert(0, url)
    return tuple(dict.fromkeys(urls))


def service_view(record: Mapping[str, Any], lang: str) -> ServiceView:
    codes = _codes(record)
    verified = bool(record.get("assured_date"))
    confidential = PRIVACY_CONFIDENTIAL_ADDRESS in codes
    addresses = (
        ()
        if confidential
        else tuple(
            text
            for location in _locations(record)
            for text in (_address(a) for a in location.get("addresses") or ())
            if text
        )
    )
    areas = tuple(
        str(area.get("name") or area.get("extent") or "")
        for area in record.get("service_areas") or ()
        if area.get("name") or area.get("extent")
    )
    organization = record.get("organization") or {}
    return ServiceView(
        id=str(record["id"]),
        name=str(record.get("name") or ""),
        organization=str(organization.get("name") or ""),
        description=record.get("description") or None,
        url=web_address(record.get("url")) or None,
        email=record.get("email") or None,
        phones=_phones(record, verified),
        addresses=tuple(dict.fromkeys(addresses)),
        locations=_location_views(record, verified, confidential),
        areas=areas,
        hours=_hours(record),
        bring=_bring(record, codes, lang),
        languages=tuple(
            language_name(str(row["code"]), lang)
            for row in record.get("languages") or ()
            if row.get("code")
        ),
        verified=verified,
        assured_date=str(record["assured_date"]) if record.get("assured_date") else None,
        sources=_sources(record),
        confidential=confidential,
        access=_access_views(record, confidential, lang),
    )
