"""Rows -> nested records, reading each table once, whatever the number of records and levels.

A shape's plan is the tree of places where a table appears in a record: a service's phones, its
contacts' phones, its locations' phones, and so on. `assemble` reads a table when no place still
waiting for its parent's rows can ask for more of it: then every waiting place of that table is
read together, in one query (an `IN (...)` list per column, in chunks). A table that appears
inside itself (an organization's services name their organization) is read once per such level.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from directory.hsds.tree import Child, Record, Ref, Row, Shape, record_of

Fetch = Callable[[str, Mapping[str, Sequence[Any]]], list[Row]]
"""`fetch(table, {column: values})`: each row of `table` whose value in one of these columns is
one of that column's `values`, once."""


@dataclass(frozen=True)
class _Place:
    shape: Shape
    link: Child | Ref | None
    """How the parent names these rows (None for the records asked for)."""
    places: tuple["_Place", ...]
    """Children first, then refs: the order of the record's keys."""
    below: frozenset[str]
    """The tables of every place under this one."""


@cache
def _plan(shape: Shape, link: Child | Ref | None = None) -> _Place:
    places = tuple(_plan(child.shape, child) for child in shape.all_children) + tuple(
        _plan(ref.shape, ref) for ref in shape.refs
    )
    below = frozenset(table for place in places for table in (place.shape.table, *place.below))
    return _Place(shape, link, places, below)


@dataclass(eq=False)
class _Read:
    """One place of the plan in one `assemble`: the rows found there and the reads under it."""

    place: _Place
    parent: "_Read | None" = None
    rows: list[Row] = field(default_factory=list)
    reads: list["_Read"] = field(default_factory=list)

    def start(self, rows: list[Row]) -> list["_Read"]:
        """Keep `rows`; return the reads they make possible."""
        self.rows = rows
        if rows:
            self.reads = [_Read(place, self) for place in self.place.places]
        return self.reads

    @property
    def table(self) -> str:
        return self.place.shape.table


def _column(link: Child | Ref) -> str:
    return link.fk if isinstance(link, Child) else "id"


def _keys(link: Child | Ref, parent_rows: list[Row]) -> list[Any]:
    if isinstance(link, Child):
        return list(dict.fromkeys(row["id"] for row in parent_rows))
    return sorted({row[link.column] for row in parent_rows if row.get(link.column) is not None})


def _read_table(fetch: Fetch, table: str, reads: list[_Read]) -> list[_Read]:
    """Read `table` once for all `reads`; return the reads that follow."""
    wanted: dict[str, dict[Any, None]] = defaultdict(dict)
    keyed: list[tuple[_Read, str, list[Any]]] = []
    for read in reads:
        assert read.place.link is not None and read.parent is not None
        column, keys = _column(read.place.link), _keys(read.place.link, read.parent.rows)
        wanted[column].update(dict.fromkeys(keys))
        keyed.append((read, column, keys))
    found = fetch(table, {column: list(keys) for column, keys in wanted.items() if keys})
    index: dict[str, dict[Any, list[Row]]] = {}
    for column in wanted:
        index[column] = defaultdict(list)
        for row in found:
            index[column][row.get(column)].append(row)
    following: list[_Read] = []
    for read, column, keys in keyed:
        rows = [row for key in keys for row in index[column].get(key, ())]
        if isinstance(read.place.link, Child):
            rows.sort(key=lambda row: row["id"])
        following.extend(read.start(rows))
    return following


def _records(read: _Read) -> list[Record]:
    records = [record_of(row) for row in read.rows]
    for sub in read.reads:
        nested = _records(sub)
        link = sub.place.link
        if isinstance(link, Child):
            by_parent: dict[Any, list[Record]] = defaultdict(list)
            for child_row, child_record in zip(sub.rows, nested, strict=True):
                by_parent[child_row[link.fk]].append(child_record)
            for row, record in zip(read.rows, records, strict=True):
                record[link.key] = by_parent.get(row["id"], [])
        elif isinstance(link, Ref):
            by_id = {row["id"]: target for row, target in zip(sub.rows, nested, strict=True)}
            for row, record in zip(read.rows, records, strict=True):
                target = by_id.get(row.get(link.column))
                if target is not None:
                    record[link.key] = target
    return records


def assemble(fetch: Fetch, shape: Shape, rows: list[Row]) -> list[Record]:
    """Nest `rows` of `shape.table` into full records, reading each table once (see above)."""
    root = _Read(_plan(shape))
    waiting = root.start(rows)
    while waiting:
        blocked = frozenset[str]().union(*(read.place.below for read in waiting))
        tables = {read.table for read in waiting}
        now = (tables - blocked) or tables
        following: list[_Read] = []
        for table in sorted(now):
            reads = [read for read in waiting if read.table == table]
            following.extend(_read_table(fetch, table, reads))
        waiting = [read for read in waiting if read.table not in now] + following
    return _records(root)


def memory_fetch(tables: Mapping[str, Iterable[Row]]) -> Fetch:
    """A `Fetch` over rows held in memory (a CSV data package being read)."""
    indexes: dict[tuple[str, str], dict[Any, list[Row]]] = {}

    def fetch(table: str, wanted: Mapping[str, Sequence[Any]]) -> list[Row]:
        found: dict[int, Row] = {}
        for column, values in wanted.items():
            index = indexes.get((table, column))
            if index is None:
                index = defaultdict(list)
                for row in tables.get(table, ()):
                    index[row.get(column)].append(row)
                indexes[(table, column)] = index
            for value in dict.fromkeys(values):
                found.update((id(row), row) for row in index.get(value, ()))
        return list(found.values())

    return fetch
