"""Changes waiting for a curator: partners' proposed edits and the public's correction suggestions.

At most one change waits per service (a unique index over the waiting rows), and every amendment
is a conditional UPDATE on its `revision`: two edits made from the same version cannot both win.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Index, Text, select, text, update
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
    status: str = Field(default="open", max_length=16, index=True)
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


def _change(row: Any) -> Change:
    return Change(
        id=row.id,
        service_id=row.service_id,
        organization_id=row.organization_id,
        kind=ChangeKind(row.kind),
        base_version=row.base_version,
        revision=row.revision,
        patch=json.loads(row.patch),
        record=json.loads(row.record),
        status=ChangeStatus(row.status),
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        decided_at=row.decided_at,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def get_change(connection: Connection, change_id: str) -> Change | None:
    row = connection.execute(select(CHANGE).where(CHANGE.c.id == change_id)).first()
    return _change(row) if row else None


def waiting_change(connection: Connection, service_id: str) -> Change | None:
    row = connection.execute(
        select(CHANGE).where(
            CHANGE.c.service_id == service_id, CHANGE.c.status == ChangeStatus.pending.value
        )
    ).first()
    return _change(row) if row else None


def waiting_changes(connection: Connection, *, organization_id: str | None = None) -> list[Change]:
    """Waiting changes, oldest first (of one organisation, or all)."""
    query = select(CHANGE).where(CHANGE.c.status == ChangeStatus.pending.value)
    if organization_id is not None:
        query = query.where(CHANGE.c.organization_id == organization_id)
    return [_change(row) for row in connection.execute(query.order_by(CHANGE.c.created_at))]


def insert_change(
    connection: Connection,
    *,
    change_id: str,
    service_id: str,
    organization_id: str,
    kind: ChangeKind,
    base_version: str,
    patch: dict[str, Any],
    record: dict[str, Any],
    now: datetime,
) -> None:
    """A new waiting change; raises IntegrityError if another already waits for the service."""
    connection.execute(
        CHANGE.insert().values(
            id=change_id,
            service_id=service_id,
            organization_id=organization_id,
            kind=kind.value,
            base_version=base_version,
            revision=1,
            patch=dumps(patch),
            record=dumps(record),
            status=ChangeStatus.pending.value,
            proposed_by="partner",
            created_at=now,
            updated_at=now,
        )
    )


def amend_change(
    connection: Connection,
    change: Change,
    *,
    base_version: str,
    patch: dict[str, Any],
    record: dict[str, Any],
    now: datetime,
) -> bool:
    """Replace a waiting change seen at `change.revision`; False if it moved on meanwhile."""
    return _update_waiting(
        connection,
        change,
        base_version=base_version,
        patch=dumps(patch),
        record=dumps(record),
        revision=change.revision + 1,
        updated_at=now,
    )


def decide_change(
    connection: Connection,
    change: Change,
    *,
    status: ChangeStatus,
    who: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Close a waiting change seen at `change.revision`; False if it moved on meanwhile."""
    return _update_waiting(
        connection, change, status=status.value, decided_by=who, decided_at=now, reason=reason
    )


def _update_waiting(connection: Connection, change: Change, **values: Any) -> bool:
    """Set `values` on the change only if it still waits at the revision that was read: a
    conditional update, so that of two writers who read the same revision exactly one wins."""
    done = connection.execute(
        update(CHANGE)
        .where(
            CHANGE.c.id == change.id,
            CHANGE.c.revision == change.revision,
            CHANGE.c.status == ChangeStatus.pending.value,
        )
        .values(**values)
    )
    return bool(done.rowcount == 1)


# --- public correction suggestions ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: str
    service_id: str
    message: str
    created_at: datetime


def add_suggestion(
    connection: Connection, *, suggestion_id: str, service_id: str, message: str, now: datetime
) -> None:
    connection.execute(
        SUGGESTION.insert().values(
            id=suggestion_id, service_id=service_id, message=message, status="open", created_at=now
        )
    )


def open_suggestions(connection: Connection) -> list[Suggestion]:
    rows = connection.execute(
        select(SUGGESTION).where(SUGGESTION.c.status == "open").order_by(SUGGESTION.c.created_at)
    )
    return [Suggestion(r.id, r.service_id, r.message, r.created_at) for r in rows]


def close_suggestion(connection: Connection, *, suggestion_id: str, now: datetime) -> bool:
    done = connection.execute(
        update(SUGGESTION)
        .where(SUGGESTION.c.id == suggestion_id, SUGGESTION.c.status == "open")
        .values(status="closed", closed_at=now)
    )
    return bool(done.rowcount == 1)
