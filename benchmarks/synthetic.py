"""Synthetic directories of any size, for benchmarks: plausible, valid HSDS records, never real.

Every service is fictional ("Synthetic service 123"), placed at random in Belgium, with random
codes drawn from the passerelle taxonomy. The same seed gives the same directory.
"""

import random
import uuid
from typing import Any

from directory.taxonomy import attribute_record, codes_with_prefix

BELGIUM = (49.5, 51.5, 2.5, 6.4)  # south, north, west, east
LANGUAGES = ("fr", "nl", "en", "de", "ro", "bg", "es", "ar", "pt", "it", "pl", "ru", "tr", "uk")
NEEDS = codes_with_prefix("need")
WELCOME = codes_with_prefix("welcome")
OFFERS = codes_with_prefix("offers")
EXTRA = (
    "approach.neutral",
    "approach.rights_based",
    "approach.exit_focused",
    "requires.appointment",
    "requires.id_document",
    "requires.residence_permit",
    "condition.exit_commitment_required",
    "audience.women",
    "audience.sex_workers",
    "audience.minors",
)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _attribute(rng: random.Random, service_id: str, code: str) -> dict[str, Any]:
    return attribute_record(_id(rng), service_id, code)


def _codes(rng: random.Random) -> list[str]:
    codes = rng.sample(NEEDS, rng.randint(1, 4)) + rng.sample(OFFERS, rng.randint(0, 3))
    if rng.random() < 0.7:
        codes += rng.sample(WELCOME, rng.randint(1, len(WELCOME)))
    codes += [code for code in EXTRA if rng.random() < 0.08]
    return codes


def _location(rng: random.Random, index: int) -> dict[str, Any]:
    south, north, west, east = BELGIUM
    location_id = _id(rng)
    return {
        "id": location_id,
        "location_type": "physical",
        "name": f"Synthetic office {index}",
        "latitude": round(rng.uniform(south, north), 5),
        "longitude": round(rng.uniform(west, east), 5),
        "addresses": [
            {
                "id": _id(rng),
                "location_id": location_id,
                "address_1": f"Synthetic street {index}",
                "city": "Synthetic town",
                "state_province": "Synthetic region",
                "postal_code": "0000",
                "country": "BE",
                "address_type": "physical",
            }
        ],
    }


def service(rng: random.Random, index: int) -> dict[str, Any]:
    """One fictional service record."""
    service_id = _id(rng)
    organization = {"id": _id(rng), "name": f"Synthetic org {index}", "description": "Synthetic."}
    codes = _codes(rng)
    remote = "offers.remote" in codes
    record: dict[str, Any] = {
        "id": service_id,
        "name": f"Synthetic service {index}",
        "status": "active",
        "description": "A synthetic service for benchmarks: shelter, housing, health, legal help.",
        "organization_id": organization["id"],
        "organization": organization,
        "assured_date": f"202{rng.randint(3, 6)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        "languages": [
            {"id": _id(rng), "service_id": service_id, "code": code}
            for code in rng.sample(LANGUAGES, rng.randint(1, 3))
        ],
        "phones": [{"id": _id(rng), "service_id": service_id, "number": f"+32 2 {index:07d}"}],
        "attributes": [_attribute(rng, service_id, code) for code in codes],
        "service_areas": [],
        "service_at_locations": [],
    }
    if rng.random() < 0.1:
        record["minimum_age"] = 18
    if remote:
        record["service_areas"] = [
            {
                "id": _id(rng),
                "service_id": service_id,
                "name": "Belgium",
                "extent_type": "text",
                "extent": "Belgium",
            }
        ]
    else:
        place = _location(rng, index)
        record["service_at_locations"] = [
            {
                "id": _id(rng),
                "service_id": service_id,
                "location_id": place["id"],
                "location": place,
            }
        ]
    return record


def directory(size: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """`size` fictional service records, the same for the same seed."""
    rng = random.Random(seed)
    return [service(rng, index) for index in range(size)]
