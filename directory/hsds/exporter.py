"""`passerelle export`: every service as HSDS 3.0 JSON records or as a CSV data package.

Public exports leave out confidential addresses (`privacy.confidential_address`); a curator's
export with `include_confidential` keeps them, true points included, and research notes (as
each record's `research_notes`, JSON only), and must not be published. Public exports never
carry research notes.

No export carries a coarse point (`directory.hsds.coarse_points`), not even a curator's: the coarse
point is not an HSDS fact but a defence of this database, and writing it next to the true point
in a file would only add a second secret to guard. A database restored from a curator's export
draws new coarse points; a `pg_dump` backup keeps them.

In the CSV package, a text cell starting with `=`, `+`, `-`, `@`, a tab, a carriage return or `'`
gets one leading `'` (a spreadsheet shows it as text and never runs it as a formula: partners
write these cells); `passerelle import` of the package takes the `'` off again
(`directory.hsds.files.protected_cell`).
"""

from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection

from directory.hsds.files import write_csv_package, write_json
from directory.hsds.repository import fetch_for, service_records
from directory.hsds.research_notes import NOTES_KEY, notes_by_service
from directory.hsds.tree import SERVICE, TABLES, Flat, Record, flatten


class Format(StrEnum):
    json = "json"
    csv = "csv"


def _close_references(connection: Connection, flat: Flat, *, include_confidential: bool) -> None:
    """Add the rows that foreign keys name but no service record carried (a location's
    organization, say); a reference to a row that may not be shown is cleared."""
    fetch = fetch_for(connection, include_confidential=include_confidential)
    changed = True
    while changed:
        changed = False
        for table_name in list(flat.rows):
            for foreign_key in TABLES[table_name].foreign_keys:
                column, target = foreign_key.parent.name, foreign_key.column.table.name
                rows = flat.rows[table_name].values()
                missing = {
                    row[column]
                    for row in rows
                    if row.get(column) and row[column] not in flat.rows[target]
                }
                if not missing:
                    continue
                visible = {row["id"]: row for row in fetch(target, {"id": sorted(missing)})}
                for row_id, row in visible.items():
                    flat.rows[target][row_id] = row
                for row in rows:
                    if row.get(column) in missing and row[column] not in visible:
                        row[column] = None
                changed = True


def export_directory(
    connection: Connection,
    path: Path,
    *,
    format: Format = Format.json,
    include_confidential: bool = False,
) -> int:
    """Write the directory to `path` (JSON: a file, CSV: a folder); return the service count."""
    records = service_records(connection, include_confidential=include_confidential)
    if format is Format.json:
        if include_confidential:
            records = _with_notes(connection, records)
        write_json(path, records)
        return len(records)
    flat = Flat()
    for record in records:
        flatten(record, SERVICE, into=flat)
    _close_references(connection, flat, include_confidential=include_confidential)
    write_csv_package(path, flat)
    return len(records)


def _with_notes(connection: Connection, records: list[Record]) -> list[Record]:
    """The records, each with its research notes (for curators' exports only)."""
    notes = notes_by_service(connection)
    return [
        {
            **record,
            NOTES_KEY: [
                {"text": note.text, "source_urls": list(note.source_urls)}
                for note in notes[record["id"]]
            ],
        }
        if record["id"] in notes
        else record
        for record in records
    ]
