"""The bundled curated directory: Belgian organisations as HSDS 3.0 records, shipped in the package.

`belgium.json` is generated from the research file by `scripts/build_bundled.py` (never by hand);
every fact in it carries its source (`source/README.md` says how). `serve` loads it into an empty
database, never into one that already holds data, with the research notes of
`research_notes.json` (curators only). 112 and 101 are notices (`directory.emergency_numbers`),
never services: records for them are left out.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from directory.emergency_numbers import EMERGENCY_NUMBER, POLICE_NUMBER
from directory.hsds.importer import import_records
from directory.hsds.repository import has_services
from directory.hsds.research_notes import Note, add_notes, note_from_json
from directory.taxonomy import derived_id

BELGIUM = Path(__file__).parent / "belgium.json"
RESEARCH_NOTES = Path(__file__).parent / "research_notes.json"
"""The curators' notes on the bundled services (the research file's caveats): never public text.
A JSON array of `{"service_id", "text", "source_urls"}`, written by `scripts/build_bundled.py`."""
SOURCE = Path(__file__).parent / "source"

__all__ = ["EMERGENCY_NUMBER", "POLICE_NUMBER"]


def organization_id(source_id: str) -> str:
    """The HSDS id of an organisation of the research file, from its id there (`"payoke"`)."""
    return derived_id("organization", "belgium", source_id)


RECOGNISED_TRAFFICKING_CENTRES: frozenset[str] = frozenset(
    organization_id(source_id) for source_id in ("payoke", "pag_asa", "surya")
)
"""Organisation ids of the three government-recognised centres for victims of trafficking."""


def _read(path: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def records() -> list[dict[str, Any]]:
    return _read(BELGIUM)


def research_notes() -> list[dict[str, Any]]:
    return _read(RESEARCH_NOTES)


@dataclass(frozen=True, slots=True)
class Figures:
    """What the bundled directory holds, as the README states it."""

    services: int
    with_phone: int
    with_address: int
    with_structured_hours: int
    confirmed_by_the_service: int


def figures(services: Iterable[Mapping[str, Any]]) -> Figures:
    """Count the services with a phone (their own or a site's), a street address, weekly
    schedules, and a confirmation by the service itself (`assured_date`)."""
    items = list(services)

    def count(test: Callable[[Mapping[str, Any]], Any]) -> int:
        return sum(1 for item in items if test(item))

    def sites(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        return [link.get("location") or {} for link in item.get("service_at_locations") or []]

    return Figures(
        services=len(items),
        with_phone=count(lambda i: i.get("phones") or any(s.get("phones") for s in sites(i))),
        with_address=count(lambda i: any(s.get("addresses") for s in sites(i))),
        with_structured_hours=count(
            lambda i: any(row.get("opens_at") for row in i.get("schedules") or [])
        ),
        confirmed_by_the_service=count(lambda i: i.get("assured_date")),
    )


EMERGENCY_NUMBER_RECORDS: frozenset[str] = frozenset(
    derived_id("service", key, "line") for key in ("emergency_112", "police_101")
)
"""Ids of the 112 and 101 service records older bundles carried: notices now, never services."""


def bundled_notes() -> list[Note]:
    """The research notes of the bundled services (none if the file is missing)."""
    if not RESEARCH_NOTES.exists():
        return []
    return [note_from_json(item) for item in json.loads(RESEARCH_NOTES.read_text("utf-8"))]


def public_records(notes: list[Note]) -> list[dict[str, Any]]:
    """The bundled records as they are published: no 112 or 101 record, and no research note
    in a public `alert` (a bundle built before the notes had their own file put them there)."""
    noted = {(note.service_id, note.text) for note in notes}
    published = []
    for record in records():
        if record["id"] in EMERGENCY_NUMBER_RECORDS:
            continue
        if (record["id"], record.get("alert")) in noted:
            record = {key: value for key, value in record.items() if key != "alert"}
        published.append(record)
    return published


def load_if_empty(connection: Connection) -> int:
    """Import the bundled directory and its research notes if the database has no service
    yet; return how many services."""
    if has_services(connection):
        return 0
    notes = bundled_notes()
    published = public_records(notes)
    total = import_records(connection, published, who="curator").total
    present = {record["id"] for record in published}
    add_notes(connection, (note for note in notes if note.service_id in present))
    return total
