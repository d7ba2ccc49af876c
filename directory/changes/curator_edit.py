"""A curator's own edit of a published service: checked as a partner's proposal is, published
at once (the curator is the reviewer), audited as the curator's."""

from sqlalchemy import Connection

from directory.changes import repository as store
from directory.changes.ownership import check_patch
from directory.changes.publish import utc_now, write_record
from directory.changes.working import canonical, published_record, version_of
from directory.errors import ServiceNotFound, StaleVersion
from directory.hsds import merge_patch
from directory.hsds.audit_events import EventKind, record_event
from directory.hsds.tree import Record


def published_version(connection: Connection, *, service_id: str) -> tuple[Record, str]:
    """The published record and its version (what the curator's edit form sends back)."""
    record = published_record(connection, service_id)
    if record is None:
        raise ServiceNotFound(service_id)
    return record, version_of(record)


def edit_published(connection: Connection, *, service_id: str, version: str, patch: Record) -> None:
    """Publish the curator's merge patch of the service; StaleVersion (412) if the published
    record is no longer the `version` the curator edited."""
    store.lock_service(connection, service_id)
    old, current = published_version(connection, service_id=service_id)
    if version != current:
        raise StaleVersion()
    check_patch(patch, old)
    new = canonical(merge_patch.apply(old, patch))
    organization_id = str(old.get("organization_id") or "")
    write_record(connection, old=old, new=new, organization_id=organization_id, who="curator")
    record_event(
        connection,
        kind=EventKind.curator_edit,
        who="curator",
        now=utc_now(),
        service_id=service_id,
        service_name=str(new.get("name") or ""),
        organization_id=organization_id,
        old=old,
        new=new,
    )
