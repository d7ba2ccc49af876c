"""The audit's events: one row per thing that happened to a service (an import, a partner's
proposal or amendment, a curator's approval, rejection, edit or suspension, a capacity update,
a "still accurate"), with the role, the time, the service's name and organisation, and the parts
of the record it changed (before and after, top-level fields only).

Written in the transaction of the event itself; read with filters, newest first. The HSDS
`metadata` rows (one per changed field, `directory.hsds.audit`) stay as they are beside them.
"""

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Connection, Select, Text, func, or_, select
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime
from directory.hsds.upserts import insert_rows


class EventKind(StrEnum):
    import_ = "import"
    proposal = "proposal"
    amendment = "amendment"
    published_at_once = "published_at_once"
    approval = "approval"
    rejection = "rejection"
    curator_edit = "curator_edit"
    suspension = "suspension"
    unsuspension = "unsuspension"
    capacity = "capacity"
    confirmation = "confirmation"


class AuditEvent(SQLModel, table=True):
    """One event of the audit: what happened to which service, by which role, when."""

    __tablename__ = "audit_event"

    id: str = Field(primary_key=True, max_length=36)
    happened_at: datetime = Field(sa_type=UTCDateTime, index=True)
    kind: str = Field(max_length=24, index=True)
    who: str = Field(max_length=16)
    service_id: str = Field(max_length=36, index=True)
    service_name: str = Field(sa_column=Column(Text, nullable=False))
    organization_id: str | None = Field(default=None, max_length=36, index=True)
    change_id: str | None = Field(default=None, max_length=36)
    detail: str = Field(default="", max_length=16)
    """`create` or `update` for an import or a proposal: a new service or one already listed."""
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    before: str = Field(sa_column=Column(Text, nullable=False))
    """JSON: the changed top-level fields of the record before the event."""
    after: str = Field(sa_column=Column(Text, nullable=False))


AUDIT_EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
ALL_BUT_IMPORTS = "changes"
"""The audit filter's kind for every event but imports."""
HIDDEN = frozenset({"metadata", "last_modified"})


def changed_parts(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The top-level fields that differ between two records: (their old values, their new)."""
    old, new = old or {}, new or {}
    keys = sorted((old.keys() | new.keys()) - HIDDEN)
    changed = [key for key in keys if old.get(key) != new.get(key)]
    return (
        {key: old[key] for key in changed if key in old},
        {key: new[key] for key in changed if key in new},
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_row(
    *,
    kind: EventKind,
    who: str,
    now: datetime,
    service_id: str,
    service_name: str,
    organization_id: str | None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    change_id: str | None = None,
    detail: str = "",
    reason: str | None = None,
) -> dict[str, Any]:
    """One event row; `old` and `new` are the whole records (only what differs is kept)."""
    before, after = changed_parts(old, new)
    return {
        "id": str(uuid.uuid4()),
        "happened_at": now,
        "kind": kind.value,
        "who": who,
        "service_id": service_id,
        "service_name": service_name,
        "organization_id": organization_id or None,
        "change_id": change_id,
        "detail": detail,
        "reason": reason,
        "before": _dumps(before),
        "after": _dumps(after),
    }


def import_events(
    records: Sequence[Mapping[str, Any]], existing: set[str], *, who: str, now: datetime
) -> list[dict[str, Any]]:
    """One event per imported service: new (`create`) or already listed (`update`)."""
    return [
        event_row(
            kind=EventKind.import_,
            who=who,
            now=now,
            service_id=str(record["id"]),
            service_name=str(record.get("name") or ""),
            organization_id=record.get("organization_id"),
            detail="update" if record["id"] in existing else "create",
        )
        for record in records
    ]


def add_events(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(connection, AUDIT_EVENT, rows)  # each event's id is new


def record_event(connection: Connection, **event: Any) -> None:
    """Store one event (the arguments of `event_row`)."""
    add_events(connection, [event_row(**event)])


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    when: datetime
    kind: str
    who: str
    service_id: str
    service_name: str
    organization_id: str | None
    detail: str
    reason: str | None
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What the audit shows: events of services whose name holds `service` (or with that id), of
    one organisation, of one kind (`ALL_BUT_IMPORTS`: every kind but imports), from `since`
    (inclusive) until `until` (exclusive)."""

    service: str = ""
    organization_id: str = ""
    kind: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select[Any], chosen: EventFilter) -> Select[Any]:
    table = AUDIT_EVENT
    if chosen.service:
        words = chosen.service.strip().lower()
        query = query.where(
            or_(
                table.c.service_id == chosen.service.strip(),
                func.lower(table.c.service_name).contains(words, autoescape=True),
            )
        )
    if chosen.organization_id:
        query = query.where(table.c.organization_id == chosen.organization_id)
    if chosen.kind == ALL_BUT_IMPORTS:
        query = query.where(table.c.kind != EventKind.import_.value)
    elif chosen.kind:
        query = query.where(table.c.kind == chosen.kind)
    if chosen.since is not None:
        query = query.where(table.c.happened_at >= chosen.since)
    if chosen.until is not None:
        query = query.where(table.c.happened_at < chosen.until)
    return query


def _event(row: Any) -> Event:
    return Event(
        id=row.id,
        when=row.happened_at,
        kind=row.kind,
        who=row.who,
        service_id=row.service_id,
        service_name=row.service_name,
        organization_id=row.organization_id,
        detail=row.detail,
        reason=row.reason,
        before=json.loads(row.before),
        after=json.loads(row.after),
    )


def events_page(
    connection: Connection, chosen: EventFilter, *, page: int, per_page: int
) -> tuple[int, list[Event]]:
    """(how many events the filter keeps, one page of them, newest first)."""
    total = connection.execute(
        _filtered(select(func.count()).select_from(AUDIT_EVENT), chosen)
    ).scalar_one()
    rows = connection.execute(
        _filtered(select(AUDIT_EVENT), chosen)
        .order_by(AUDIT_EVENT.c.happened_at.desc(), AUDIT_EVENT.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return int(total), [_event(row) for row in rows]
