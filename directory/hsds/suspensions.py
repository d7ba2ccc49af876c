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
