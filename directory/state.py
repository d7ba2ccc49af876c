"""The directory's version: bumped by every write, polled by every worker to refresh its index."""

from datetime import UTC, datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class DirectoryState(SQLModel, table=True):
    """A single row: how many times the published directory has changed, and when last."""

    __tablename__ = "directory_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def bump_version(connection: Connection) -> None:
    """Record that the published directory changed (call inside the writing transaction)."""
    table = DirectoryState.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    done = connection.execute(
        update(table).where(table.c.id == 1).values(version=table.c.version + 1, changed_at=now)
    )
    if done.rowcount == 0:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        connection.execute(
            insert(table).values(id=1, version=1, changed_at=now).on_conflict_do_nothing()
        )


def current_version(connection: Connection) -> int:
    table = DirectoryState.__table__  # type: ignore[attr-defined]
    version = connection.execute(select(table.c.version).where(table.c.id == 1)).scalar()
    return int(version or 0)
