"""`passerelle import`: check every record first, then write all of them or nothing.

A problem is reported with the record (its position in the file and its id) and the field,
and every problem in the file is reported at once, the way ohana-api's importers say "Line N:".
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from directory.errors import FieldError, ImportFailed
from directory.hsds.audit import import_rows
from directory.hsds.audit_events import add_events, import_events
from directory.hsds.coarse_points import refresh_coarse_points
from directory.hsds.repository import ensure_taxonomy, existing_ids, write_flat
from directory.hsds.research_notes import (
    NOTES_KEY,
    notes_field_problems,
    notes_in_records,
    replace_notes,
)
from directory.hsds.tree import SERVICE, TABLES, Flat, Issue, Record, flatten
from directory.hsds.validation import record_issues
from directory.state import bump_version
from directory.taxonomy import canonical_attribute

Progress = Callable[[int], None]
"""Called with the number of records just dealt with."""

SHARED_TABLES = frozenset({"organization", "location", "program", "taxonomy", "taxonomy_term"})
"""Objects that several records may carry; any other id belongs to exactly one record."""


@dataclass(frozen=True, slots=True)
class ImportSummary:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _where(index: int, record: Any) -> str:
    record_id = record.get("id") if isinstance(record, dict) else None
    return f"record {index} (id {record_id})" if record_id else f"record {index}"


def _canonical_attributes(node: Any) -> Any:
    """`node` with every attribute below it (the service's, its locations'...) pointing at our own
    term for a code we define: a term is recognised by its code alone, whatever its ids."""
    if isinstance(node, list):
        return [
            _canonical_attributes(item) if isinstance(item, dict | list) else item for item in node
        ]
    if not isinstance(node, dict):
        return node
    normal = {
        key: _canonical_attributes(value) if isinstance(value, dict | list) else value
        for key, value in node.items()
    }
    attributes = normal.get("attributes")
    if isinstance(attributes, list):
        normal["attributes"] = [canonical_attribute(item) for item in attributes]
    return normal


def _canonical(record: Record, now: datetime) -> Record:
    """The record as it will be stored: every array present, our own taxonomy terms in place of
    whatever ids the file gave them."""
    normal: Record = _canonical_attributes(record)
    for child in SERVICE.all_children:
        normal.setdefault(child.key, [])
    normal["last_modified"] = now.isoformat()
    return normal


def _issues_to_errors(where: str, issues: Sequence[Issue]) -> list[FieldError]:
    return [FieldError(where, issue.path, issue.message, issue.code) for issue in issues]


def _reference_errors(
    connection: Connection, flats: list[tuple[str, Flat]], merged: Flat
) -> list[FieldError]:
    """Every foreign key must name a row of this file or of the database."""
    wanted: dict[str, set[str]] = {}
    for _, flat in flats:
        for table_name, rows in flat.rows.items():
            for foreign_key in TABLES[table_name].foreign_keys:
                target = foreign_key.column.table.name
                for row in rows.values():
                    value = row.get(foreign_key.parent.name)
                    if value is not None and value not in merged.rows.get(target, {}):
                        wanted.setdefault(target, set()).add(value)
    known = {target: existing_ids(connection, target, ids) for target, ids in wanted.items()}
    errors = []
    for where, flat in flats:
        for table_name, rows in flat.rows.items():
            for foreign_key in TABLES[table_name].foreign_keys:
                column, target = foreign_key.parent.name, foreign_key.column.table.name
                for row_id, row in rows.items():
                    value = row.get(column)
                    if value in wanted.get(target, ()) and value not in known.get(target, ()):
                        path = flat.paths.get((table_name, row_id), "")
                        field = f"{path}.{column}" if path else column
                        errors.append(FieldError(where, field, f"no {target} with id {value}"))
    return errors


def _in_shared_object(path: str) -> bool:
    """Whether a row sits inside a location (`service_at_locations[0].location.addresses[0]`)."""
    return ".location." in f".{path}"


def _duplicate_errors(flats: list[tuple[str, Flat]]) -> list[FieldError]:
    """Ids used by two records. The children of a location that several services share (its
    addresses, phones...) appear in each of their records: the same row twice is no duplicate."""
    owner: dict[tuple[str, str], tuple[str, Flat]] = {}
    errors = []
    for where, flat in flats:
        for table_name, rows in flat.rows.items():
            if table_name in SHARED_TABLES:
                continue
            for row_id, row in rows.items():
                first, first_flat = owner.setdefault((table_name, row_id), (where, flat))
                path = flat.paths.get((table_name, row_id), "")
                if first != where and not (
                    _in_shared_object(path)
                    and _in_shared_object(first_flat.paths.get((table_name, row_id), ""))
                    and first_flat.rows[table_name][row_id] == row
                ):
                    errors.append(
                        FieldError(
                            where,
                            f"{path}.id" if path else "id",
                            f"{row_id} is already used by {first}",
                        )
                    )
    return errors


def prepare(
    connection: Connection, records: Iterable[Any], *, progress: Progress | None = None
) -> tuple[Flat, list[str]]:
    """Check `records` (read once, as they come) and flatten them into rows; raise ImportFailed
    naming every problem."""
    now = datetime.now(UTC)
    errors: list[FieldError] = []
    flats: list[tuple[str, Flat]] = []
    merged = Flat()
    service_ids: list[str] = []
    for index, record in enumerate(records):
        where = _where(index, record)
        issues = record_issues(record)
        errors.extend(
            FieldError(where, field, text) for field, text in notes_field_problems(record)
        )
        if issues:
            errors.extend(_issues_to_errors(where, issues))
        else:
            flat = flatten(_canonical(record, now), SERVICE)
            errors.extend(_issues_to_errors(where, flat.issues))
            flats.append((where, flat))
            merged.merge(flat)
            service_ids.append(record["id"])
        if progress:
            progress(1)
    errors.extend(_duplicate_errors(flats))
    errors.extend(_reference_errors(connection, flats, merged))
    if not service_ids and not errors:
        errors.append(FieldError("(file)", "(records)", "no service records"))
    if errors:
        raise ImportFailed(f"{len(errors)} problem(s): nothing was imported", errors)
    return merged, service_ids


def _noting(records: Iterable[Any], carried: list[Any], named: list[Any]) -> Iterator[Any]:
    """`records`, keeping aside (read once, as they pass) the research notes of those that
    carry some, and what the audit names of each service (id, name, organisation)."""
    for record in records:
        if isinstance(record, dict):
            if NOTES_KEY in record:
                carried.append({"id": record.get("id"), NOTES_KEY: record[NOTES_KEY]})
            named.append({key: record.get(key) for key in ("id", "name", "organization_id")})
        yield record


def import_records(
    connection: Connection,
    records: Iterable[Any],
    *,
    who: str = "import",
    progress: Progress | None = None,
) -> ImportSummary:
    """Check and write `records` (read once, as they come: a file being read) in the caller's
    transaction: all, or raise and write none."""
    ensure_taxonomy(connection)
    carried: list[Any] = []
    named: list[Any] = []
    flat, service_ids = prepare(connection, _noting(records, carried, named), progress=progress)
    existing = existing_ids(connection, "service", service_ids)
    now = datetime.now(UTC)
    for row in import_rows(service_ids, existing, who=who, now=now):
        flat.rows["metadata"][row["id"]] = row
    write_flat(connection, flat)
    add_events(connection, import_events(named, existing, who=who, now=now))
    refresh_coarse_points(connection)
    noted, notes = notes_in_records(carried)
    replace_notes(connection, service_ids=noted, notes=notes)
    bump_version(connection)
    return ImportSummary(created=len(set(service_ids) - existing), updated=len(existing))
