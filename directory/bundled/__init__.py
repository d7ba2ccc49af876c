"""The bundled curated directory: Belgian organisations as HSDS 3.0 records, shipped in the package.

`belgium.json` is generated from the research file by `scripts/build_bundled.py` (never by hand);
every fact in it carries its source. `serve` loads it into an empty database, never into one
that already holds data.
"""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from directory.importer import import_records
from directory.repository import has_services

BELGIUM = Path(__file__).parent / "belgium.json"


def records() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(BELGIUM.read_text(encoding="utf-8"))
    return loaded


def load_if_empty(connection: Connection) -> int:
    """Import the bundled directory if the database has no service yet; return how many."""
    if has_services(connection):
        return 0
    return import_records(connection, records(), who="curator").total
