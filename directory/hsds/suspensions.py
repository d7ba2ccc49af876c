"""Suspended services: kept in the database, but not public, not exported publicly, not matched.

A curator suspends a listing (for instance when its safeguarding caveats need checking); the
suspension and its end are audited in HSDS `metadata`.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class Suspension(SQLModel, table=True):
    """A service taken out of public view, why, by which role and when."""

    __tablename__ = "suspension"

    service_id: str = Field(primary_key=True, foreign_key="service.id", max_length=36)
    reason: str
    suspended_by: str = Field(max_length=16)
    suspended_at: datetime = Field(sa_type=UTCDateTime)


SUSPENSION = Suspension.__table__  # type: ignore[attr-defined]


def suspended_ids_query() -> Select[Any]:
    return select(SUSPENSION.c.service_id)


def suspended_service_ids(connection: Connection) -> set[str]:
    """Every suspended service's id."""
    return {str(value) for value in connection.execute(suspended_ids_query()).scalars()}


def suspension_reason(connection: Connection, service_id: str) -> str | None:
    """Why the service is suspended, or None if it is not."""
    row = connection.execute(
        select(SUSPENSION.c.reason).where(SUSPENSION.c.service_id == service_id)
    ).first()
    return None if row is None else str(row.reason)


def add_suspension(connection: Connection, *, service_id: str, reason: str, now: datetime) -> None:
    connection.execute(
        SUSPENSION.insert().values(
            service_id=service_id, reason=reason, suspended_by="curator", suspended_at=now
        )
    )


def remove_suspension(connection: Connection, service_id: str) -> None:
    connection.execute(SUSPENSION.delete().where(SUSPENSION.c.service_id == service_id))
