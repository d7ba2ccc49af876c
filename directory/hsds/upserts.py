"""Upserts of many rows: insert them, or replace every column of those whose id is stored.

The statements of a table are compiled once per dialect and each value converted as SQLAlchemy
would (its bind processors): rows go to the driver as they are. Of many rows (an import's), the
stored ones are asked for first: the others are inserted as they are (`COPY` on PostgreSQL; a
plain `INSERT`, in id order, on SQLite, where an upsert costs about twice an insert), and only
the stored ones are upserted (on PostgreSQL, copied into a temporary table first and upserted
from it in one statement).
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from directory.hsds.tree import TABLES, Row

CHUNK = 5000
"""Rows per executemany."""
BULK_FROM = 1000
"""From this many rows, those not stored yet are inserted (or copied) as they are: a partner's
edit of a few rows stays a plain upsert."""


@dataclass(frozen=True, slots=True)
class _Upsert:
    """A table's upsert compiled for a dialect: its SQL, the columns in the order of its
    parameters, and each column's conversion to what the driver takes (None: as it is)."""

    sql: str
    insert_sql: str
    """The same insert without its `ON CONFLICT` part, for rows known not to be stored."""
    columns: tuple[str, ...]
    conversions: tuple[Callable[[Any], Any] | None, ...]
    named: bool
    """Parameters by name (PostgreSQL's driver) rather than by position (SQLite's)."""

    @property
    def column_list(self) -> str:
        """The columns, quoted and in order, for a `COPY` or an `INSERT ... SELECT`."""
        return ", ".join(f'"{column}"' for column in self.columns)

    def values(self, rows: Iterable[Row]) -> list[tuple[Any, ...]]:
        """Each row's values in the order of `columns` (a column a row leaves out: NULL)."""
        converted = [(index, convert) for index, convert in enumerate(self.conversions) if convert]
        values = []
        for row in rows:
            line = list(map(row.get, self.columns))
            for index, convert in converted:
                line[index] = convert(line[index])
            values.append(tuple(line))
        return values

    def parameters(self, rows: Iterable[Row]) -> list[Any]:
        values = self.values(rows)
        if self.named:
            return [dict(zip(self.columns, line, strict=True)) for line in values]
        return values


_UPSERTS: dict[tuple[str, str, str], _Upsert] = {}
"""(dialect, driver, table) -> its upsert."""


def _upsert(dialect: Dialect, table: Table) -> _Upsert:
    key = (dialect.name, dialect.driver, table.name)
    if key not in _UPSERTS:
        _UPSERTS[key] = _compiled_upsert(dialect, table)
    return _UPSERTS[key]


def _compiled_upsert(dialect: Dialect, table: Table) -> _Upsert:
    insert = (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)
    upsert = insert.on_conflict_do_update(
        index_elements=["id"],
        set_={column: insert.excluded[column] for column in table.c.keys() if column != "id"},
    )
    compiled = upsert.compile(dialect=dialect)
    named = compiled.positiontup is None
    columns = tuple(compiled.binds) if named else tuple(compiled.positiontup or ())
    plain = insert.compile(dialect=dialect, column_keys=list(columns))
    plain_columns = tuple(plain.binds) if named else tuple(plain.positiontup or ())
    assert plain_columns == columns, f"{table.name}: the insert and the upsert disagree"
    conversions = tuple(
        table.c[column].type.dialect_impl(dialect).bind_processor(dialect) for column in columns
    )
    return _Upsert(compiled.string, plain.string, columns, conversions, named)


def upsert_rows(connection: Connection, table_name: str, rows: Sequence[Row]) -> None:
    """Insert rows, or replace every column of the rows whose id already exists (a column a row
    leaves out becomes NULL)."""
    if not rows:
        return
    upsert = _upsert(connection.dialect, TABLES[table_name])
    if len(rows) < BULK_FROM:
        _execute(connection, upsert.sql, upsert, rows)
        return
    stored = _stored_ids(connection, table_name, [row["id"] for row in rows])
    new = [row for row in rows if row["id"] not in stored]
    again = [row for row in rows if row["id"] in stored] if stored else []
    if connection.dialect.name == "postgresql":
        columns = upsert.column_list
        if new:
            _copy(connection, table_name, columns, upsert.values(new))
        if len(again) >= BULK_FROM:
            _staged_upsert(connection, table_name, upsert, columns, again)
            return
    else:  # the primary key's index is then written in order
        new.sort(key=_row_id)
        _execute(connection, upsert.insert_sql, upsert, new)
    _execute(connection, upsert.sql, upsert, again)


def insert_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows whose ids no row has yet (new random ids): copied on PostgreSQL from
    BULK_FROM rows, else one `executemany` of the table's compiled insert."""
    if not rows:
        return
    upsert = _upsert(connection.dialect, table)
    if connection.dialect.name == "postgresql" and len(rows) >= BULK_FROM:
        columns = upsert.column_list
        _copy(connection, table.name, columns, upsert.values(rows))
        return
    _execute(connection, upsert.insert_sql, upsert, rows)


def _row_id(row: Row) -> Any:
    return row["id"]


def _execute(connection: Connection, sql: str, upsert: _Upsert, rows: Sequence[Row]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.exec_driver_sql(sql, upsert.parameters(rows[start : start + CHUNK]))


def _stored_ids(connection: Connection, table_name: str, ids: list[str]) -> set[str]:
    """Which of these ids the table holds: one query (on SQLite, the ids as a JSON array)."""
    parameters: Any
    if connection.dialect.name == "postgresql":
        query = f'SELECT "id" FROM "{table_name}" WHERE "id" = ANY(%(ids)s)'
        parameters = {"ids": ids}
    else:
        query = f'SELECT "id" FROM "{table_name}" WHERE "id" IN (SELECT value FROM json_each(?))'
        parameters = (json.dumps(ids),)
    return set(connection.exec_driver_sql(query, parameters).scalars())


def _staged_upsert(
    connection: Connection, table_name: str, upsert: _Upsert, columns: str, rows: Sequence[Row]
) -> None:
    """Copy the rows into a temporary table like the table (dropped at the end of the
    transaction), and upsert them from there in one statement."""
    staging = f"import_{table_name}"
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in upsert.columns if c != "id")
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" '
        f'(LIKE "{table_name}" INCLUDING DEFAULTS) ON COMMIT DROP'
    )
    _copy(connection, staging, columns, upsert.values(rows))
    connection.exec_driver_sql(
        f'INSERT INTO "{table_name}" ({columns}) SELECT {columns} FROM "{staging}" '
        f'ON CONFLICT ("id") DO UPDATE SET {updates}'
    )
    connection.exec_driver_sql(f'TRUNCATE "{staging}"')


def _copy(connection: Connection, table_name: str, columns: str, values: list[Any]) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        with cursor.copy(f'COPY "{table_name}" ({columns}) FROM STDIN') as copy:
            for line in values:
                copy.write_row(line)


SQLITE_CACHE_KIB = 65536
"""SQLite's page cache while an import writes (its default is 2 MB): rows of random ids land
all over the tables' indexes."""


@contextmanager
def bulk_writing(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache for this connection while the block runs, then the one it had
    (a cache holds no data that is not on disk: nothing about durability changes)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
