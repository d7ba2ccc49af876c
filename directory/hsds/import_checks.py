"""The checks of an import that span records, made as the records pass: an id used by two
records, and a foreign key that names a row neither the file nor the database holds.

They keep the ids of the file (and the rows of the children of shared locations, which two
records may both carry), never every row: an import's memory is bounded by its batch of rows.
"""

from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection

from directory.errors import FieldError
from directory.hsds.repository import existing_ids
from directory.hsds.tree import TABLES, Flat, Row

SHARED_TABLES = frozenset({"organization", "location", "program", "taxonomy", "taxonomy_term"})
"""Objects that several records may carry; any other id belongs to exactly one record."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A foreign key of a record's row (`field`, e.g. `phones[0].contact_id`) naming `value`
    in `target`, a row the file had not carried when the record was checked."""

    where: str
    field: str
    target: str
    value: str


@cache
def _foreign_keys(table_name: str) -> tuple[tuple[str, str], ...]:
    """(column, table it names) for every foreign key of a table."""
    return tuple(
        (key.parent.name, key.column.table.name) for key in TABLES[table_name].foreign_keys
    )


def _in_shared_object(path: str) -> bool:
    """Whether a row sits inside a location (`service_at_locations[0].location.addresses[0]`)."""
    return ".location." in f".{path}"


class FileChecks:
    """What the records already checked tell about the next ones."""

    def __init__(self) -> None:
        self.duplicates: list[FieldError] = []
        self.pending: list[Reference] = []
        """References to rows not (yet) seen in the file, in the order of the records."""
        self._owners: dict[str, dict[str, str | tuple[str, Row]]] = defaultdict(dict)
        """Table -> id -> the record that carried it first (and the row, for a row inside a
        shared location: another record may carry the same row)."""
        self._shared: dict[str, set[str]] = defaultdict(set)

    def add(self, where: str, flat: Flat) -> None:
        """Check the rows of one record against those of the records before it."""
        self._check_duplicates(where, flat)
        for table_name, rows in flat.rows.items():
            if table_name in SHARED_TABLES:
                self._shared[table_name].update(rows)
        self._note_references(where, flat)

    def carries(self, table_name: str, row_id: str) -> bool:
        """Whether a record checked so far carries this row."""
        return row_id in self._carried(table_name)

    def _carried(self, table_name: str) -> Container[str]:
        """The ids of a table that the records checked so far carry."""
        if table_name in SHARED_TABLES:
            return self._shared[table_name]
        return self._owners[table_name]

    def _check_duplicates(self, where: str, flat: Flat) -> None:
        """Ids used by two records. The children of a location that several services share (its
        addresses, phones...) appear in each of their records: the same row twice is no
        duplicate."""
        for table_name, rows in flat.rows.items():
            if table_name in SHARED_TABLES:
                continue
            owners = self._owners[table_name]
            for row_id, row in rows.items():
                path = flat.paths.get((table_name, row_id), "")
                first = owners.get(row_id)
                if first is None:
                    owners[row_id] = (where, dict(row)) if _in_shared_object(path) else where
                    continue
                first_where, first_row = first if isinstance(first, tuple) else (first, None)
                if first_where != where and not (_in_shared_object(path) and first_row == row):
                    self.duplicates.append(
                        FieldError(
                            where,
                            f"{path}.id" if path else "id",
                            f"{row_id} is already used by {first_where}",
                        )
                    )

    def _note_references(self, where: str, flat: Flat) -> None:
        for table_name, rows in flat.rows.items():
            for column, target in _foreign_keys(table_name):
                carried = self._carried(target)
                for row_id, row in rows.items():
                    value = row.get(column)
                    if value is not None and value not in carried:
                        path = flat.paths.get((table_name, row_id), "")
                        field = f"{path}.{column}" if path else column
                        self.pending.append(Reference(where, field, target, value))

    def unresolved(self, connection: Connection) -> list[Reference]:
        """The pending references that neither the file so far nor the database resolves (the
        database is asked once per table); those it resolves are forgotten."""
        waiting = [ref for ref in self.pending if not self.carries(ref.target, ref.value)]
        wanted: dict[str, set[str]] = defaultdict(set)
        for ref in waiting:
            wanted[ref.target].add(ref.value)
        known = {target: existing_ids(connection, target, ids) for target, ids in wanted.items()}
        self.pending = [ref for ref in waiting if ref.value not in known[ref.target]]
        return self.pending

    def reference_errors(self, connection: Connection) -> list[FieldError]:
        """Every foreign key must name a row of this file or of the database (asked before the
        import deletes anything)."""
        return [
            FieldError(ref.where, ref.field, f"no {ref.target} with id {ref.value}")
            for ref in self.unresolved(connection)
        ]
