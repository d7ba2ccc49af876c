"""Every query of partners' changes: waiting changes, correction suggestions, and the locks and
reads that decisions take on the service they concern."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from directory.changes.models import (
    CHANGE,
    SUGGESTION,
    Change,
    ChangeKind,
    ChangeStatus,
    Suggestion,
    SuggestionStatus,
)
from directory.hsds.tree import TABLES


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


def organization_changes(
    connection: Connection, *, organization_id: str, limit: int = 100
) -> list[Change]:
    """An organisation's changes that a person proposed and a curator has or will decide
    (waiting, approved, rejected; not those amended away), newest first."""
    shown = (ChangeStatus.pending, ChangeStatus.approved, ChangeStatus.rejected)
    query = (
        select(CHANGE)
        .where(
            CHANGE.c.organization_id == organization_id,
            CHANGE.c.status.in_([status.value for status in shown]),
        )
        .order_by(CHANGE.c.updated_at.desc(), CHANGE.c.id)
        .limit(limit)
    )
    return [_change(row) for row in connection.execute(query)]


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


def add_suggestion(
    connection: Connection, *, suggestion_id: str, service_id: str, message: str, now: datetime
) -> None:
    connection.execute(
        SUGGESTION.insert().values(
            id=suggestion_id,
            service_id=service_id,
            message=message,
            status=SuggestionStatus.open.value,
            created_at=now,
        )
    )


def open_suggestions(
    connection: Connection, *, organization_id: str | None = None
) -> list[Suggestion]:
    """Open correction suggestions, oldest first (about one organisation's services, or all)."""
    query = select(SUGGESTION).where(SUGGESTION.c.status == SuggestionStatus.open.value)
    if organization_id is not None:
        service = TABLES["service"]
        owned = select(service.c.id).where(service.c.organization_id == organization_id)
        query = query.where(SUGGESTION.c.service_id.in_(owned))
    rows = connection.execute(query.order_by(SUGGESTION.c.created_at))
    return [Suggestion(r.id, r.service_id, r.message, r.created_at) for r in rows]


def close_suggestion(connection: Connection, *, suggestion_id: str, now: datetime) -> bool:
    done = connection.execute(
        update(SUGGESTION)
        .where(SUGGESTION.c.id == suggestion_id, SUGGESTION.c.status == SuggestionStatus.open.value)
        .values(status=SuggestionStatus.closed.value, closed_at=now)
    )
    return bool(done.rowcount == 1)


# --- the service a change is about ---------------------------------------------------------------


def service_owner(connection: Connection, service_id: str) -> str | None:
    """The organisation of a stored service ('' when it has none), or None if there is none."""
    service = TABLES["service"]
    row = connection.execute(
        select(service.c.organization_id).where(service.c.id == service_id)
    ).first()
    if row is None:
        return None
    return str(row.organization_id or "")


def service_identity(connection: Connection, service_id: str) -> tuple[str, str]:
    """A stored service's name and organisation ("" for what it lacks)."""
    service = TABLES["service"]
    row = connection.execute(
        select(service.c.name, service.c.organization_id).where(service.c.id == service_id)
    ).first()
    if row is None:
        return "", ""
    return str(row.name or ""), str(row.organization_id or "")


def lock_service(connection: Connection, service_id: str) -> None:
    """Hold the service's row until the transaction ends (SQLite: the database's write lock)."""
    service = TABLES["service"]
    connection.execute(
        update(service).where(service.c.id == service_id).values(name=service.c.name)
    )


def lock_organization(connection: Connection, organization_id: str) -> None:
    organization = TABLES["organization"]
    connection.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(name=organization.c.name)
    )


def stored_rows(connection: Connection, table: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of `table` with these ids, by id."""
    target = TABLES[table]
    rows = connection.execute(select(target).where(target.c.id.in_(sorted(ids))))
    return {row.id: dict(row._mapping) for row in rows}
