"""Curators' decisions: approve or reject a waiting change, see what it would change, suspend a
service and list it again. Each locks what it decides on first, so that decisions are taken on
what is really stored."""

from datetime import datetime

from sqlalchemy import Connection

from directory.changes import repository as store
from directory.changes import tenancy
from directory.changes.models import Change, ChangeKind, ChangeStatus
from directory.changes.publish import utc_now, write_record
from directory.changes.working import published_record, version_of
from directory.errors import (
    AlreadySuspended,
    ChangeDecided,
    ChangeMovedOn,
    ChangeNotFound,
    NotSuspended,
    PublishedChanged,
    PublishedMeanwhile,
    ReasonRequired,
    ServiceNotFound,
)
from directory.hsds import merge_patch
from directory.hsds.audit import add_rows, field_changes, suspension_row
from directory.hsds.audit_events import EventKind, record_event
from directory.hsds.suspensions import add_suspension, remove_suspension, suspension_reason
from directory.hsds.tree import Record
from directory.state import bump_version


def approve(connection: Connection, *, change_id: str) -> None:
    """Publish a waiting change; PublishedChanged (409) if its base is no longer published."""
    change = store.get_change(connection, change_id)
    if change is None:
        raise ChangeNotFound(change_id)
    if change.kind is ChangeKind.create:
        store.lock_organization(connection, change.organization_id)
    else:
        store.lock_service(connection, change.service_id)
    change = store.get_change(connection, change_id)
    assert change is not None
    if change.status is not ChangeStatus.pending:
        raise ChangeDecided(change.status.value)
    published = published_record(connection, change.service_id)
    if change.kind is ChangeKind.create and published is not None:
        raise PublishedMeanwhile()
    if change.kind is ChangeKind.update and (
        published is None or version_of(published) != change.base_version
    ):
        raise PublishedChanged()
    write_record(
        connection,
        old=published,
        new=change.record,
        organization_id=change.organization_id,
        who="partner",
    )
    now = utc_now()
    if not store.decide_change(
        connection, change, status=ChangeStatus.approved, who="curator", now=now
    ):
        raise ChangeMovedOn()
    _audit(connection, EventKind.approval, change, old=published, now=now)


def reject(connection: Connection, *, change_id: str, reason: str) -> None:
    """Close a waiting change unpublished, saying why (the partner reads the reason)."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("say why the change is rejected")
    change = store.get_change(connection, change_id)
    if change is None:
        raise ChangeNotFound(change_id)
    if change.status is not ChangeStatus.pending:
        raise ChangeDecided(change.status.value)
    now = utc_now()
    if not store.decide_change(
        connection, change, status=ChangeStatus.rejected, who="curator", now=now, reason=reason
    ):
        raise ChangeMovedOn()
    old = published_record(connection, change.service_id)
    _audit(connection, EventKind.rejection, change, old=old, now=now, reason=reason)


def _audit(
    connection: Connection,
    kind: EventKind,
    change: Change,
    *,
    old: Record | None,
    now: datetime,
    reason: str | None = None,
) -> None:
    """The audit's event for a decision on `change` (what it would change in `old`)."""
    record_event(
        connection,
        kind=kind,
        who="curator",
        now=now,
        service_id=change.service_id,
        service_name=str(change.record.get("name") or (old or {}).get("name") or ""),
        organization_id=change.organization_id,
        old=old,
        new=change.record,
        change_id=change.id,
        detail=change.kind.value,
        reason=reason,
    )


def diff(connection: Connection, change: Change) -> list[merge_patch.FieldChange]:
    """Field by field: what approving the change would change in the published record."""
    published = published_record(connection, change.service_id)
    return field_changes(change.service_id, published, change.record)


def touches(connection: Connection, change: Change) -> list[tenancy.Touch]:
    """Every service and location approving the change would write to or link (by name, id and
    organisation), so that no cross-organisation effect hides inside a field's value."""
    published = published_record(connection, change.service_id)
    return tenancy.touches(connection, [change.record, *([published] if published else [])])


def suspend(connection: Connection, *, service_id: str, reason: str) -> None:
    """Take a service out of public view (not in /hsds, public exports, nor matching)."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("say why the service is suspended")
    store.lock_service(connection, service_id)
    if store.service_owner(connection, service_id) is None:
        raise ServiceNotFound(service_id)
    if suspension_reason(connection, service_id) is not None:
        raise AlreadySuspended()
    now = utc_now()
    add_suspension(connection, service_id=service_id, reason=reason, now=now)
    add_rows(connection, [suspension_row(service_id, old="", new=reason, now=now)])
    _suspension_event(connection, EventKind.suspension, service_id, reason=reason, now=now)
    bump_version(connection, [service_id])


def unsuspend(connection: Connection, *, service_id: str) -> None:
    """List a suspended service again."""
    store.lock_service(connection, service_id)
    reason = suspension_reason(connection, service_id)
    if reason is None:
        raise NotSuspended(service_id)
    remove_suspension(connection, service_id)
    now = utc_now()
    add_rows(connection, [suspension_row(service_id, old=reason, new="", now=now)])
    _suspension_event(connection, EventKind.unsuspension, service_id, reason=reason, now=now)
    bump_version(connection, [service_id])


def _suspension_event(
    connection: Connection, kind: EventKind, service_id: str, *, reason: str, now: datetime
) -> None:
    name, organization_id = store.service_identity(connection, service_id)
    record_event(
        connection,
        kind=kind,
        who="curator",
        now=now,
        service_id=service_id,
        service_name=name,
        organization_id=organization_id,
        reason=reason,
    )
