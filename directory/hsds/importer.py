"""`passerelle import`: check every record first, then write all of them or nothing.

A problem is reported with the record (its position in the file and its id) and the field,
and every problem in the file is reported at once, the way ohana-api's importers say "Line N:".
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from directory.errors import FieldError, ImportFailed
from directory.hsds.audit import import_rows
from directory.hsds.audit_events import add_events, import_events
from directory.hsds.coarse_points import refresh_coarse_points
from directory.hsds.import_checks import SHARED_TABLES, FileChecks
from directory.hsds.repository import (
    delete_rows,
    ensure_taxonomy,
    existing_ids,
    replaced_ids,
    upsert_flat,
)
from directory.hsds.research_notes import (
    NOTES_KEY,
    notes_field_problems,
    notes_in_records,
    replace_notes,
)
from directory.hsds.tree import SERVICE, Flat, Issue, Record, flatten
from directory.hsds.upserts import bulk_writing
from directory.hsds.validation import record_issues
from directory.state import bump_version
from directory.taxonomy import canonical_attribute

Progress = Callable[[int], None]
"""Called with the number of records just dealt with."""

BATCH = 2000
"""Records whose rows are written together: an import holds the rows of one batch at a time
(and the ids of the whole file)."""


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


def _stored_form(record: Record, now: datetime) -> Record:
    """The record as it will be stored, but for its attributes (`canonical_attribute`, as it is
    flattened): every array of the service present, modified now."""
    normal: Record = {**record, "last_modified": now.isoformat()}
    for child in SERVICE.all_children:
        normal.setdefault(child.key, [])
    return normal


def _issues_to_errors(where: str, issues: Sequence[Issue]) -> list[FieldError]:
    return [FieldError(where, issue.path, issue.message, issue.code) for issue in issues]


def _take(batch: Flat, flat: Flat, *, paths: bool = False) -> None:
    """Add the rows of `flat` (given up: they are not copied) and what it replaces to `batch`,
    and where each row came from if `paths` (the first place wins)."""
    if paths:
        for key, where in flat.paths.items():
            batch.paths.setdefault(key, where)
    for table, rows in flat.rows.items():
        into = batch.rows[table]
        if into.keys().isdisjoint(rows):  # mostly: rows of another record's
            into.update(rows)
            continue
        for row_id, row in rows.items():
            if row_id in into:
                into[row_id].update(row)
            else:
                into[row_id] = row
    for replaced, ids in flat.replaces.items():
        batch.replaces[replaced] |= ids


@dataclass
class _Checking:
    """The checks of one import as its records pass, and the services they carry so far."""

    checks: FileChecks = field(default_factory=FileChecks)
    errors: list[FieldError] = field(default_factory=list)

    def batches(
        self, records: Iterable[Any], *, size: int | None, progress: Progress | None
    ) -> Iterator[tuple[Flat, list[str]]]:
        """Check `records` (read once, as they come) and flatten them: the rows and service ids
        of every `size` records (all of them at once when `size` is None)."""
        now = datetime.now(UTC)
        batch, batch_ids = Flat(), []
        for index, record in enumerate(records):
            where = _where(index, record)
            issues = record_issues(record)
            self.errors.extend(
                FieldError(where, name, text) for name, text in notes_field_problems(record)
            )
            if issues:
                self.errors.extend(_issues_to_errors(where, issues))
            else:
                flat = flatten(
                    _stored_form(record, now), SERVICE, attribute_form=canonical_attribute
                )
                self.errors.extend(_issues_to_errors(where, flat.issues))
                self.checks.add(where, flat)
                _take(batch, flat, paths=size is None)  # an import's batches: no paths
                batch_ids.append(record["id"])
            if progress:
                progress(1)
            if size is not None and len(batch_ids) >= size:
                yield batch, batch_ids
                batch, batch_ids = Flat(), []
        if batch_ids:
            yield batch, batch_ids

    def failed(self) -> bool:
        return bool(self.errors or self.checks.duplicates)

    def raise_problems(self, connection: Connection, service_ids: Sequence[str]) -> None:
        """Raise ImportFailed naming every problem of the file, if it has any."""
        errors = [*self.errors, *self.checks.duplicates, *self.checks.reference_errors(connection)]
        if not service_ids and not errors:
            errors.append(FieldError("(file)", "(records)", "no service records"))
        if errors:
            raise ImportFailed(f"{len(errors)} problem(s): nothing was imported", errors)


def prepare(
    connection: Connection, records: Iterable[Any], *, progress: Progress | None = None
) -> tuple[Flat, list[str]]:
    """Check `records` (read once, as they come) and flatten them into rows; raise ImportFailed
    naming every problem."""
    checking = _Checking()
    merged, service_ids = Flat(), []
    for batch, batch_ids in checking.batches(records, size=None, progress=progress):
        _take(merged, batch, paths=True)
        service_ids.extend(batch_ids)
    checking.raise_problems(connection, service_ids)
    return merged, service_ids


class _Writer:
    """Writes an import's rows batch by batch, in the caller's transaction. A batch waits while
    one of its rows names a row that neither the file so far nor the database holds (a later
    record may carry it). The stored rows of the collections the records replace are deleted
    last, but for those that a record lists again."""

    def __init__(
        self, connection: Connection, checks: FileChecks, *, who: str, now: datetime
    ) -> None:
        self.connection, self.checks, self.who, self.now = connection, checks, who, now
        self.existing: set[str] = set()
        """The services of the file that were already stored."""
        self._waiting, self._waiting_ids = Flat(), list[str]()
        self._stale: dict[str, set[str]] = defaultdict(set)
        self._shared_written: dict[str, set[str]] = defaultdict(set)

    def add(self, batch: Flat, service_ids: list[str]) -> None:
        _take(self._waiting, batch)
        self._waiting_ids.extend(service_ids)
        if not self.checks.unresolved(self.connection):
            self._flush()

    def _flush(self) -> None:
        if not self._waiting_ids:
            return
        flat = self._waiting
        existing = existing_ids(self.connection, "service", self._waiting_ids)
        self.existing |= existing
        replaced = replaced_ids(self.connection, flat, stored={"service": existing})
        for table_name, ids in replaced.items():
            self._stale[table_name] |= {i for i in ids if not self.checks.carries(table_name, i)}
        for row in import_rows(self._waiting_ids, existing, who=self.who, now=self.now):
            flat.rows["metadata"][row["id"]] = row
        upsert_flat(self.connection, flat, completed=self._shared_written)
        for table_name in SHARED_TABLES:
            self._shared_written[table_name].update(flat.rows.get(table_name, ()))
        self._waiting, self._waiting_ids = Flat(), []

    def finish(self) -> None:
        """Write what waits, then delete what the replaced collections held and no record
        lists again."""
        self._flush()
        delete_rows(
            self.connection,
            {
                table_name: {i for i in ids if not self.checks.carries(table_name, i)}
                for table_name, ids in self._stale.items()
            },
        )


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
    transaction: all, or raise and write none (the caller rolls back what was written)."""
    ensure_taxonomy(connection)
    carried: list[Any] = []
    named: list[Any] = []
    now = datetime.now(UTC)
    checking = _Checking()
    writer = _Writer(connection, checking.checks, who=who, now=now)
    service_ids: list[str] = []
    noting = _noting(records, carried, named)
    with bulk_writing(connection):
        for batch, batch_ids in checking.batches(noting, size=BATCH, progress=progress):
            service_ids.extend(batch_ids)
            if not checking.failed():  # nothing more is written once the import must fail
                writer.add(batch, batch_ids)
        checking.raise_problems(connection, service_ids)
        writer.finish()
    add_events(connection, import_events(named, writer.existing, who=who, now=now))
    refresh_coarse_points(connection)
    noted, notes = notes_in_records(carried)
    replace_notes(connection, service_ids=noted, notes=notes)
    bump_version(connection)
    return ImportSummary(
        created=len(set(service_ids) - writer.existing), updated=len(writer.existing)
    )
