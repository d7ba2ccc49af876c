"""Record reads: each table read once, whatever the number of records, and the same records as
the earlier reading (one query per table and level) on the bundled directory."""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from directory.bundled import load_if_empty
from directory.database import session_scope
from directory.hsds import repository
from directory.hsds.assembly import Fetch
from directory.hsds.tree import (
    ORGANIZATION,
    SERVICE,
    SERVICE_AT_LOCATION_FULL,
    TABLES,
    Record,
    Row,
    Shape,
    record_of,
)


def per_level(fetch: Fetch, shape: Shape, rows: list[Row]) -> list[Record]:
    """The earlier reading, kept as the reference: one fetch per table and level."""
    records = [record_of(row) for row in rows]
    if not rows:
        return records
    ids = [row["id"] for row in rows]
    for child in shape.all_children:
        found = sorted(fetch(child.shape.table, {child.fk: ids}), key=lambda r: r["id"])
        by_parent: dict[Any, list[Record]] = defaultdict(list)
        for row, record in zip(found, per_level(fetch, child.shape, found), strict=True):
            by_parent[row[child.fk]].append(record)
        for record in records:
            record[child.key] = by_parent.get(record["id"], [])
    for ref in shape.refs:
        wanted = sorted({row[ref.column] for row in rows if row.get(ref.column) is not None})
        found = fetch(ref.shape.table, {"id": wanted}) if wanted else []
        by_id = dict(zip((r["id"] for r in found), per_level(fetch, ref.shape, found), strict=True))
        for row, record in zip(rows, records, strict=True):
            if (target := by_id.get(row.get(ref.column))) is not None:
                record[ref.key] = target
    return records


@pytest.fixture
def bundled(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        load_if_empty(session.connection())
    return engine


@contextmanager
def queries(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def every_id(engine: Engine, table: str) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(select(TABLES[table].c.id)).scalars())


@pytest.mark.parametrize("confidential", [True, False])
@pytest.mark.parametrize(
    ("shape", "table"),
    [
        (SERVICE, "service"),
        (ORGANIZATION, "organization"),
        (SERVICE_AT_LOCATION_FULL, "service_at_location"),
    ],
)
def test_records_equal_the_per_level_reading(
    bundled: Engine, shape: Shape, table: str, confidential: bool
) -> None:
    ids = every_id(bundled, table)
    with bundled.connect() as connection:
        fetch = repository.fetch_for(connection, include_confidential=confidential)
        read = repository.records(fetch, shape, ids)
        rows = {row["id"]: row for row in fetch(table, {"id": ids})}
        expected = per_level(fetch, shape, [rows[i] for i in ids if i in rows])
    assert len(read) > 10
    assert read == expected


def test_one_query_per_table_whatever_the_number_of_records(bundled: Engine) -> None:
    """Up to a few hundred keys per query (`repository.CHUNK`): 20 services are as many
    queries as 3, one per table."""
    ids = every_id(bundled, "service")
    made: dict[int, list[str]] = {}
    with bundled.connect() as connection:
        for number in (3, 20):
            with queries(bundled) as seen:
                read = repository.service_records(
                    connection, ids[:number], include_confidential=True
                )
            made[number] = [statement.split("FROM")[1].split()[0] for statement in seen]
            assert len(read) == number
    assert len(made[3]) == len(made[20]) == len(set(made[20])) <= len(TABLES)
