"""What a partner publishes at once, without review: free beds, "still accurate", and the
edits `propose` publishes at once. Each is carried into the waiting change, so that approving
that change later does not undo it, and audited in the same transaction."""

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from directory.changes import repository as store
from directory.changes.propose import Outcome, audit, keep_waiting
from directory.changes.publish import utc_now, write_attribute, write_record
from directory.changes.working import canonical, version_of, working
from directory.errors import BedsInvalid, ChangeWaiting, NewServiceWaiting
from directory.hsds.audit_events import EventKind
from directory.hsds.tree import Record
from directory.limits import BEDS_MAX, BEDS_PROBLEM
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE, attribute_record, code_of, derived_id


@dataclass(frozen=True, slots=True)
class AtOnce:
    """An edit that publishes at once, and the kind of audit event it is."""

    kind: EventKind
    apply: Callable[[Record], Record]
    attribute: str | None = None
    """The code of the one service attribute the edit changes, when that is all it changes (it is
    then written alone: `publish.write_attribute`)."""

    def __call__(self, record: Record) -> Record:
        return self.apply(record)


def publish_at_once(
    connection: Connection,
    *,
    organization_id: str | None,
    service_id: str,
    edit: AtOnce,
    who: str = "partner",
) -> Outcome:
    """Publish `edit` of the service now (capacity, "still accurate"), and carry it into the
    waiting change so that approving that change later does not undo it."""
    store.lock_service(connection, service_id)
    state = working(connection, service_id=service_id, organization_id=organization_id)
    if state.is_new:
        raise NewServiceWaiting()
    new = edit(copy.deepcopy(state.published))
    if edit.attribute is not None:
        published = write_attribute(
            connection, old=state.published, new=new, code=edit.attribute, who=who
        )
    else:
        published = write_record(
            connection, old=state.published, new=new, organization_id=state.organization_id, who=who
        )
    audit(connection, edit.kind, state, old=state.published, new=new, who=who)
    after = dataclasses.replace(state, published=published, base_version=version_of(published))
    if state.change:
        proposed = canonical(edit(copy.deepcopy(state.change.record)))
        after = keep_waiting(
            connection, state, published=published, proposed=proposed, now=utc_now()
        )
    return Outcome(
        change_id=after.change.id if after.change else None, published=["*"], after=after
    )


def with_beds(beds: int) -> AtOnce:
    """An edit that sets the service's `capacity.beds_available` attribute to `beds`."""
    if isinstance(beds, bool) or not isinstance(beds, int) or not 0 <= beds <= BEDS_MAX:
        raise BedsInvalid(BEDS_PROBLEM)

    def edit(record: Record) -> Record:
        attributes = [
            a for a in record.get("attributes", []) if code_of(a) != CAPACITY_BEDS_AVAILABLE
        ]
        attribute_id = derived_id("attribute", record["id"], CAPACITY_BEDS_AVAILABLE)
        attributes.append(
            attribute_record(attribute_id, record["id"], CAPACITY_BEDS_AVAILABLE, value=str(beds))
        )
        record["attributes"] = sorted(attributes, key=lambda a: str(a.get("id")))
        return record

    return AtOnce(EventKind.capacity, edit, attribute=CAPACITY_BEDS_AVAILABLE)


def confirmed(today: date) -> AtOnce:
    """An edit that marks the service as checked today ("still accurate")."""

    def edit(record: Record) -> Record:
        record["assured_date"] = today.isoformat()
        return record

    return AtOnce(EventKind.confirmation, edit)


def confirm(
    connection: Connection, *, organization_id: str, service_id: str, today: date
) -> Outcome:
    """ "Still accurate": the published record is confirmed today, at once. Refused (ChangeWaiting)
    while a change waits: the partner would confirm the version it has just corrected."""
    store.lock_service(connection, service_id)
    state = working(connection, service_id=service_id, organization_id=organization_id)
    if state.change is not None and not state.is_new:
        raise ChangeWaiting()
    return publish_at_once(
        connection,
        organization_id=organization_id,
        service_id=service_id,
        edit=confirmed(today),
    )
