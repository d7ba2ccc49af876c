"""Upserts of many rows: insert them, or replace every column of those whose id is stored.

The statement of a table is compiled once per dialect and each value converted as SQLAlchemy
would (its bind processors): rows go to the driver as they are. On PostgreSQL, many rows are
copied (`COPY`) into a temporary table first and upserted from it in one statement.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from directory.hsds.tree import TABLES, Row

CHUNK = 5000
"""Rows per executemany."""
COPY_FROM = 1000
"""PostgreSQL: from this many rows, copy them (a partner's edit of a few rows stays a plain
upsert)."""


@dataclass(frozen=True, slots=True)
class _Upsert:
    """A table's upsert compiled for a dialect: its SQL, the columns in the order of its
    parameters, and each column's conversion to what the driver takes (None: as it is)."""

    sql: str
    columns: tuple[str, ...]
    conversions: tuple[Callable[[Any], Any] | None, ...]
    named: bool
    """Parameters by name (PostgreSQL's driver) rather than by position (SQLite's)."""

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


def _upsert(dialect: Dialect, table_name: str) -> _Upsert:
    key = (dialect.name, dialect.driver, table_name)
    if key not in _UPSERTS:
        _UPSERTS[key] = _compiled_upsert(dialect, table_name)
    return _UPSERTS[key]


def _compiled_upsert(dialect: Dialect, table_name: str) -> _Upsert:
    table = TABLES[table_name]
    statement = (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)
    statement = statement.on_conflict_do_update(
        index_elements=["id"],
        set_={column: statement.excluded[column] for column in table.c.keys() if column != "id"},
    )
    compiled = statement.compile(dialect=dialect)
    named = compiled.positiontup is None
    columns = tuple(compiled.binds) if named else tuple(compiled.positiontup or ())
    conversions = tuple(
        table.c[column].type.dialect_impl(dialect).bind_processor(dialect) for column in columns
    )
    return _Upsert(compiled.string, columns, conversions, named)


def upsert_rows(connection: Connection, table_name: str, rows: Sequence[Row]) -> None:
    """Insert rows, or replace every column of the rows whose id already exists (a column a row
    leaves out becomes NULL)."""
    if not rows:
        return
    upsert = _upsert(connection.dialect, table_name)
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        _copy_upsert(connection, table_name, upsert, rows)
        return
    for start in range(0, len(rows), CHUNK):
        connection.exec_driver_sql(upsert.sql, upsert.parameters(rows[start : start + CHUNK]))


def _copy_upsert(
    connection: Connection, table_name: str, upsert: _Upsert, rows: Sequence[Row]
) -> None:
    """Copy the rows straight into the table if none of their ids is stored yet; otherwise into
    a temporary table like it (dropped at the end of the transaction), upserted from there in
    one statement."""
    columns = ", ".join(f'"{column}"' for column in upsert.columns)
    ids = [row["id"] for row in rows]
    stored = connection.exec_driver_sql(
        f'SELECT 1 FROM "{table_name}" WHERE "id" = ANY(%(ids)s) LIMIT 1', {"ids": ids}
    ).first()
    if stored is None:
        _copy(connection, table_name, columns, upsert.values(rows))
        return
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
