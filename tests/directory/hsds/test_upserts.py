"""`upsert_rows` of many rows (an import's batch): the stored rows are upserted, the others
inserted as they are (copied on PostgreSQL), and the result is the one upsert's."""

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.hsds.tree import TABLES
from directory.hsds.upserts import BULK_FROM, upsert_rows
from tests.builders import new_id


@pytest.mark.parametrize("stored", [300, BULK_FROM + 100])
def test_many_rows_some_stored(engine: Engine, stored: int) -> None:
    table = TABLES["taxonomy"]
    ids = sorted(new_id() for _ in range(BULK_FROM + 200))
    with session_scope(engine) as session:
        rows = [{"id": i, "name": "old", "description": "old", "uri": "https://old"} for i in ids]
        upsert_rows(session.connection(), "taxonomy", rows[:stored])
    with session_scope(engine) as session:  # a stored row's column left out becomes NULL
        rows = [{"id": i, "name": f"new {i}", "description": "new"} for i in reversed(ids)]
        upsert_rows(session.connection(), "taxonomy", rows)
    with session_scope(engine) as session:
        found = session.connection().execute(select(table).where(table.c.id.in_(ids))).all()
    assert sorted((row.id, row.name, row.description, row.uri) for row in found) == [
        (i, f"new {i}", "new", None) for i in ids
    ]
