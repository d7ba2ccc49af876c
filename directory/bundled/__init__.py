"""The bundled curated directory: Belgian organisations as HSDS 3.0 records, shipped in the package.

`belgium.json` is generated from the research file by `scripts/build_bundled.py` (never by hand);
every fact in it carries its source (`source/README.md` says how). `serve` loads it into an empty
database, never into one that already holds data.
"""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from directory.importer import import_records
from directory.repository import has_services
from directory.taxonomy import derived_id

BELGIUM = Path(__file__).parent / "belgium.json"
RESEARCH_NOTES = Path(__file__).parent / "research_notes.json"
"""The curators' notes on the bundled services (the research file's caveats): never public text.
A JSON array of `{"service_id", "text", "source_urls"}`, written by `scripts/build_bundled.py`."""
SOURCE = Path(__file__).parent / "source"

EMERGENCY_NUMBER = "112"
POLICE_NUMBER = "101"


def organization_id(source_id: str) -> str:
    """The HSDS id of an organisation of the research file, from its id there (`"payoke"`)."""
    return derived_id("organization", "belgium", source_id)


RECOGNISED_TRAFFICKING_CENTRES: frozenset[str] = frozenset(
    organization_id(source_id) for source_id in ("payoke", "pag_asa", "surya")
)
"""Organisation ids of the three government-recognised centres for victims of trafficking."""


def records() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(BELGIUM.read_text(encoding="utf-8"))
    return loaded


def research_notes() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(RESEARCH_NOTES.read_text(encoding="utf-8"))
    return loaded


def load_if_empty(connection: Connection) -> int:
    """Import the bundled directory if the database has no service yet; return how many."""
    if has_services(connection):
        return 0
    return import_records(connection, records(), who="curator").total
