"""The service form's places: address placed by the gazetteer, a map-free check of typed
coordinates, the place's phones, the confidential flag, adding and removing a place."""

import copy
import uuid
from collections.abc import Mapping
from typing import Any

from directory.changes.record_checks import (
    NEAR_KM,
    belgian_place,
    distance_km,
)
from directory.hsds.tree import Record
from directory.limits import text_limit
from directory.places.gazetteer import gazetteer
from directory.taxonomy import (
    GEO_APPROXIMATE,
    PRIVACY_CONFIDENTIAL_ADDRESS,
    attribute_record,
    code_of,
    derived_id,
)
from web.portal import PROVINCE_NAMES
from web.portal_form_parts import (
    MAX_LOCATIONS,
    LocationSection,
    Posted,
    Problems,
    Values,
    check_limit,
    posted_text,
    read_phones,
    set_rows,
)

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
    name = posted_text(posted, f"{prefix}name")
    check_limit(problems, f"{prefix}name", name, text_limit("name"))
    if not name:
        problems.add(f"{prefix}name", "required")
    location["name"] = name
    address_fields = [f"{prefix}{k}" for k in ADDRESS_FIELDS]
    point_fields = [f"{prefix}{k}" for k in ("latitude", "longitude")]
    moved = any(posted_text(posted, key) != shown[key] for key in address_fields)
    pointed = any(posted_text(posted, key) != shown[key] for key in point_fields)
    if moved or pointed:
        # a new address with the old position left as it was: placed anew from the address
        keep_point = pointed or not any(shown[key] for key in point_fields)
        _read_address(location, posted, prefix, problems, typed_point=keep_point)
    set_rows(
        location,
        "phones",
        read_phones(
            location.get("phones") or [],
            posted,
            f"{prefix}phones",
            problems,
            owner=("location_id", location["id"]),
        ),
    )
    confidential = bool(posted_text(posted, f"{prefix}confidential"))
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
    set_rows(location, "attributes", attributes)


def _read_address(
    location: Record, posted: Posted, prefix: str, problems: Problems, *, typed_point: bool
) -> None:
    """The address as typed, placed by the gazetteer: at the typed coordinates when they lie near
    the place it names (a check that needs no map), else at the place's centre, marked
    approximate."""
    typed = {k: posted_text(posted, f"{prefix}{k}") for k in ADDRESS_FIELDS}
    for key, value in typed.items():
        check_limit(problems, f"{prefix}{key}", value, 200)
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
    latitude, longitude = (
        posted_text(posted, f"{prefix}latitude"),
        posted_text(posted, f"{prefix}longitude"),
    )
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
        location_id = posted_text(posted, f"{prefix}id")
        link = links.get(location_id)
        if posted_text(posted, f"{prefix}remove") or (link is None and not _filled(posted, prefix)):
            continue
        link = copy.deepcopy(link) if link else _new_link(record["id"])
        location = link["location"]
        for section in LOCATION_SECTIONS:
            section.read(location, posted, prefix, problems)
        kept.append(link)
    set_rows(record, "service_at_locations", kept)


def _count(posted: Posted) -> int:
    text = posted_text(posted, "locations")
    return int(text) if text.isdigit() and len(text) <= 4 else 0


def shown_location_count(values: Mapping[str, Any]) -> int:
    """How many locations' fieldsets a form shows (a posted count beyond the limit: the limit)."""
    text = str(values.get("locations") or "")
    return min(int(text), MAX_LOCATIONS) if text.isdigit() and len(text) <= 4 else 0


def _filled(posted: Posted, prefix: str) -> bool:
    return any(
        posted_text(posted, key)
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
