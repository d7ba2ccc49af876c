"""Changes waiting for a curator: partners' proposed edits and the public's correction suggestions.

At most one change waits per service (a unique index over the waiting rows), and every amendment
is a conditional UPDATE on its `revision` (`repository.py`): two edits made from the same version
cannot both win.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class ChangeStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    superseded = "superseded"


class ChangeKind(StrEnum):
    update = "update"
    create = "create"


class SuggestionStatus(StrEnum):
    open = "open"
    closed = "closed"


class PendingChange(SQLModel, table=True):
    """A partner's proposed version of one service, and the published version it starts from."""

    __tablename__ = "pending_change"
    __table_args__ = (
        Index(
            "uq_pending_change_waiting",
            "service_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    service_id: str = Field(max_length=36, index=True)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=36)
    kind: str = Field(max_length=16)
    """A `ChangeKind` (the columns hold the enums' values, written only through them)."""
    base_version: str = Field(max_length=64)
    """sha256 of the published record the change starts from ('' for a new service)."""
    revision: int = 1
    patch: str = Field(sa_type=Text)
    """The JSON merge patch from the base version to the proposed record."""
    record: str = Field(sa_type=Text)
    """The proposed HSDS service record, as JSON."""
    status: str = Field(default=ChangeStatus.pending.value, max_length=16, index=True)
    reason: str | None = Field(default=None, sa_type=Text)
    proposed_by: str = Field(max_length=16)
    decided_by: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CorrectionSuggestion(SQLModel, table=True):
    """A correction sent by anyone from the public form: nothing about the sender is kept."""

    __tablename__ = "correction_suggestion"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str = Field(foreign_key="service.id", index=True, max_length=36)
    message: str = Field(sa_type=Text)
    status: str = Field(default=SuggestionStatus.open.value, max_length=16, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


CHANGE = PendingChange.__table__  # type: ignore[attr-defined]
SUGGESTION = CorrectionSuggestion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Change:
    id: str
    service_id: str
    organization_id: str
    kind: ChangeKind
    base_version: str
    revision: int
    patch: dict[str, Any]
    record: dict[str, Any]
    status: ChangeStatus
    reason: str | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    service_id: str
    message: str
    created_at: datetime
