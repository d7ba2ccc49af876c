"""The directory's changes: one row per published write, read by every worker to update its index.

Each write that changes what is published (a capacity, a confirmation, an approved edit, a
suspension, an import) adds a row to `directory_change` in its own transaction: the service it
changed, or none for "everything" (an import). Inserting takes no lock another write waits for
(the single `directory_state` row every write used to update queued all writes of all services
behind each other). On PostgreSQL the same transaction sends a `NOTIFY` on `CHANNEL`, delivered
at commit to every worker and host listening (`api.listen`); polling the table stays the
fallback, and the only way on SQLite.

The directory's version is the highest change number. On PostgreSQL numbers come from a
sequence: a transaction may commit a lower number after a higher one, so readers keep the
numbers they have not seen yet for a while (`matcher`'s side: `api.matching`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Column, Connection, Integer, delete, func, select, text
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime

CHANNEL = "passerelle_directory"
"""The PostgreSQL notification channel of published changes (payload: nothing to trust)."""
KEEP = timedelta(days=2)
"""Change rows older than this are dropped by the next import (nobody polls that far behind)."""


class DirectoryState(SQLModel, table=True):
    """A single row, no longer written by changes: kept for the health check's write probe."""

    __tablename__ = "directory_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DirectoryChange(SQLModel, table=True):
    """One published change: of one service, or of everything (`service_id` None)."""

    __tablename__ = "directory_change"

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    service_id: str | None = Field(default=None, max_length=36)
    changed_at: datetime = Field(sa_type=UTCDateTime)


CHANGE = DirectoryChange.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Changed:
    seq: int
    service_id: str | None
    """None: everything may have changed (read the whole directory again)."""


def bump_version(connection: Connection, service_ids: Iterable[str] | None = None) -> None:
    """Record that the published directory changed: these services, or everything (None). Call
    inside the writing transaction; the notification leaves at its commit."""
    now = datetime.now(UTC)
    wanted: Sequence[str | None] = (
        [None] if service_ids is None else sorted(set(service_ids)) or [None]
    )
    if service_ids is None:
        connection.execute(delete(CHANGE).where(CHANGE.c.changed_at < now - KEEP))
    connection.execute(
        CHANGE.insert(), [{"service_id": service_id, "changed_at": now} for service_id in wanted]
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def current_version(connection: Connection) -> int:
    """The number of the latest change (0: none yet)."""
    return int(connection.execute(select(func.max(CHANGE.c.seq))).scalar() or 0)


def changes_since(
    connection: Connection, after: int, also: Iterable[int] = (), *, limit: int = 10_000
) -> list[Changed]:
    """Changes numbered above `after`, and those of `also` (numbers seen missing earlier), in
    order; at most `limit`."""
    condition = CHANGE.c.seq > after
    extra = sorted(set(also))
    if extra:
        condition = condition | CHANGE.c.seq.in_(extra)
    rows = connection.execute(
        select(CHANGE.c.seq, CHANGE.c.service_id)
        .where(condition)
        .order_by(CHANGE.c.seq)
        .limit(limit)
    )
    return [Changed(int(row.seq), row.service_id) for row in rows]
