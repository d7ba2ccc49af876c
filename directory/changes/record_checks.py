"""Checks of what a partner writes into a record, beyond the HSDS schema: phone numbers, weekly
hours and where a Belgian address is. The partner API and the portal's form apply the same
rules (the form through the same functions, to name the problem beside its field).

Only rows a partner adds or changes are checked: a published number such as 1712 stays as it is
while the partner edits the rest of its service.
"""

import re
from collections.abc import Iterator
from typing import Any

from directory.errors import FieldError
from directory.hsds.tree import Record
from directory.hsds.walks import objects_by_id
from directory.places.distance import haversine_km
from directory.places.gazetteer import Place, gazetteer

NEAR_KM = 10.0
"""A location's coordinates must lie this close to the place its Belgian address names."""
PHONE_DIGITS = (3, 20)
"""Digits in a phone number: from short national lines (112, 1712) to international numbers."""
_PHONE = re.compile(r"^\+?[\d\s()./-]+$")
_TIME = re.compile(r"^(?:[01]?\d|2[0-3])[:h.][0-5]\d$|^24[:h.]00$")


def phone_ok(number: str) -> bool:
    """A number written with digits, spaces and the usual separators, 3 to 20 digits long."""
    digits = sum(c.isdigit() for c in number)
    return bool(_PHONE.fullmatch(number)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


def clock_time(text: str) -> str | None:
    """ "9:00", "09h00" or "9.00" as "09:00"; None for a text that is no time of day."""
    if not _TIME.fullmatch(text.strip()):
        return None
    hours, minutes = re.split(r"[:h.]", text.strip())
    return f"{int(hours):02d}:{minutes}"


def belgian_place(postcode: str, city: str) -> Place | None:
    """The Belgian place a postcode and town name (either may be empty) name, or None (also for
    a postcode Belgium does not have, whatever the town)."""
    if postcode.strip() and gazetteer().by_postcode(postcode) is None:
        return None
    place = gazetteer().resolve(f"{postcode} {city}".strip())
    return place if place is not None and place.country == "BE" else None


def distance_km(place: Place, latitude: float, longitude: float) -> float:
    return float(haversine_km(place.latitude, place.longitude, latitude, longitude))


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, the list it is in, object) for every object with an id."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        yield f"{here}[{index}]", key, item
                        yield from _walk(item, f"{here}[{index}]")
            elif isinstance(value, dict):
                yield here, key, value
                yield from _walk(value, here)


def record_problems(record: Record, *, before: Record | None) -> list[FieldError]:
    """Problems of the phones, hours and addresses a partner added or changed."""
    old = objects_by_id(before or {})
    errors: list[FieldError] = []
    for path, kind, item in _walk(record):
        if old.get(str(item.get("id"))) == item:
            continue
        if kind == "phones":
            errors.extend(_phone_problems(path, item))
        elif kind == "schedules":
            errors.extend(_hours_problems(path, item))
        elif kind == "location" and _placed_anew(item, old.get(str(item.get("id")))):
            errors.extend(_place_problems(path, item))
    return errors


def _placed_anew(location: dict[str, Any], old: Any) -> bool:
    """A new location, or one whose address or coordinates changed."""
    if not isinstance(old, dict):
        return True
    keys = ("addresses", "latitude", "longitude")
    return any(location.get(key) != old.get(key) for key in keys)


def _phone_problems(path: str, phone: dict[str, Any]) -> Iterator[FieldError]:
    number = phone.get("number")
    if isinstance(number, str) and not phone_ok(number):
        yield FieldError("service", f"{path}.number", "not a phone number", code="not_a_phone")


def _hours_problems(path: str, schedule: dict[str, Any]) -> Iterator[FieldError]:
    times = {}
    for name in ("opens_at", "closes_at"):
        value = schedule.get(name)
        if isinstance(value, str):
            times[name] = clock_time(value)
            if times[name] is None:
                yield FieldError("service", f"{path}.{name}", "not a time", code="not_a_time")
    opens, closes = times.get("opens_at"), times.get("closes_at")
    if opens and closes and closes <= opens:
        yield FieldError(
            "service", f"{path}.closes_at", "closes before it opens", code="hours_reversed"
        )


def _place_problems(path: str, location: dict[str, Any]) -> Iterator[FieldError]:
    addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
    belgian = [a for a in addresses if str(a.get("country", "")).upper() in ("BE", "")]
    if not belgian:
        return
    address = belgian[0]
    postcode, city = str(address.get("postal_code") or ""), str(address.get("city") or "")
    place = belgian_place(postcode, city)
    where = f"{path}.addresses[{addresses.index(address)}].postal_code"
    if place is None:
        yield FieldError("service", where, "no such place in Belgium", code="unknown_place")
        return
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if isinstance(latitude, int | float) and isinstance(longitude, int | float):
        km = distance_km(place, latitude, longitude)
        if km > NEAR_KM:
            yield FieldError(
                "service",
                f"{path}.latitude",
                f"{round(km)} km from {place.name}",
                code="coordinates_far",
            )
