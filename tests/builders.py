"""Plain builder functions for test data: valid HSDS service records with Passerelle codes."""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from directory.hsds.accessibility import with_answers
from directory.taxonomy import KNOWN, attribute_record, term_id


def new_id() -> str:
    return str(uuid.uuid4())


def attribute(service_id: str, code: str, value: str | None = None) -> dict[str, Any]:
    """An attribute naming `code`; a code Passerelle does not define gets the bare term a
    foreign file would carry (for the importer's refusals)."""
    if code in KNOWN:
        return attribute_record(new_id(), service_id, code, value=value)
    item = attribute_record(new_id(), service_id, "need.housing", value=value)
    item["taxonomy_term"] = {"id": term_id(code), "code": code, "name": code, "description": code}
    item["taxonomy_term_id"] = term_id(code)
    return item


def location(
    *, name: str, latitude: float, longitude: float, city: str = "Bruxelles", postcode: str = "1000"
) -> dict[str, Any]:
    location_id = new_id()
    return {
        "id": location_id,
        "location_type": "physical",
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "addresses": [
            {
                "id": new_id(),
                "location_id": location_id,
                "address_1": f"{name} street 1",
                "city": city,
                "state_province": "Bruxelles-Capitale",
                "postal_code": postcode,
                "country": "BE",
                "address_type": "physical",
            }
        ],
    }


def service_record(
    name: str = "Test service",
    *,
    codes: Iterable[str] = ("need.housing",),
    languages: Sequence[str] = ("fr",),
    at: tuple[float, float] | None = (50.85, 4.35),
    phones: Sequence[str] = ("+32 2 000 00 00",),
    areas: Sequence[str] = (),
    organization: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A full, valid HSDS service record; `fields` override service fields."""
    service_id = fields.pop("id", None) or new_id()
    org = organization or {"id": new_id(), "name": f"{name} org", "description": f"{name} org"}
    record: dict[str, Any] = {
        "id": service_id,
        "name": name,
        "status": "active",
        "description": f"{name}: a fictional service for tests.",
        "organization_id": org["id"],
        "organization": org,
        "languages": [
            {"id": new_id(), "service_id": service_id, "code": code} for code in languages
        ],
        "phones": [
            {"id": new_id(), "service_id": service_id, "number": number} for number in phones
        ],
        "attributes": [attribute(service_id, code) for code in codes],
        "service_areas": [
            {
                "id": new_id(),
                "service_id": service_id,
                "name": area,
                "extent_type": "text",
                "extent": area,
            }
            for area in areas
        ],
        "service_at_locations": [],
    }
    if at is not None:
        place = location(name=f"{name} office", latitude=at[0], longitude=at[1])
        record["service_at_locations"] = [
            {
                "id": new_id(),
                "service_id": service_id,
                "location_id": place["id"],
                "location": place,
            }
        ]
    record.update(fields)
    return record


def at_locations(record: dict[str, Any], places: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """`record` offered at each of `places` (from `location`), replacing its locations."""
    record["service_at_locations"] = [
        {"id": new_id(), "service_id": record["id"], "location_id": p["id"], "location": p}
        for p in places
    ]
    return record


def with_phone(place: dict[str, Any], number: str | None) -> dict[str, Any]:
    """A location with its own phone (none when `number` is None)."""
    if number:
        place["phones"] = [{"id": new_id(), "location_id": place["id"], "number": number}]
    return place


def accessible(record: dict[str, Any], **stated: bool) -> dict[str, Any]:
    """`record` whose first location states these `access.` answers (`step_free=True`)."""
    link = record["service_at_locations"][0]
    link["location"] = with_answers(link["location"], stated)
    return record
