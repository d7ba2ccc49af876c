"""Partners' changes: propose an edit, propose a new service, publish what cannot wait.

A partner's edit reads its working record once (`working`) and validates the proposed record once
(`ownership.validate`); what cannot wait (closing the service, marking an address confidential) is
published at once, the rest waits for a curator as one change per service. The new working
version is worked out from what was written (`write_record` returns it), not read again.
"""

import copy
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from directory.changes import repository as store
from directory.changes import tenancy
from directory.changes.models import Change, ChangeKind, ChangeStatus
from directory.changes.ownership import check_new_record, check_patch, validate
from directory.changes.publish import utc_now, write_record
from directory.changes.working import (
    Working,
    canonical,
    if_match_allows,
    version_of,
    working,
)
from directory.errors import (
    ChangedMeanwhile,
    IdTaken,
    NewServiceAlreadyWaiting,
    StaleVersion,
)
from directory.hsds import merge_patch
from directory.hsds.audit_events import EventKind, record_event
from directory.hsds.tree import Record
from directory.hsds.walks import objects_by_id
from directory.taxonomy import (
    PRIVACY_CONFIDENTIAL_ADDRESS,
    code_of,
)

CLOSED = frozenset({"inactive", "defunct"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a partner's request did: the waiting change (if any), what went public at once, and
    the working version it leaves (whose ETag the partner sends next)."""

    change_id: str | None
    published: list[str]
    after: Working

    @property
    def etag(self) -> str:
        return self.after.etag


def propose(
    connection: Connection,
    *,
    organization_id: str,
    service_id: str,
    if_match: str,
    patch: Any,
) -> Outcome:
    """Apply a partner's merge patch to its working version: what cannot wait is published at once,
    the rest waits for a curator. Raises ServiceNotFound, StaleVersion (412) or InvalidInput."""
    store.lock_service(connection, service_id)
    state = working(connection, service_id=service_id, organization_id=organization_id)
    if not if_match_allows(if_match, state.etag):
        raise StaleVersion()
    check_patch(patch, state.record)
    proposed = canonical(merge_patch.apply(state.record, patch))
    tenancy.claim_new_locations(connection, proposed, organization_id=organization_id)
    if state.is_new:
        return _amend_new(connection, state, proposed, organization_id=organization_id)
    validate(connection, proposed, before=state.published, organization_id=organization_id)
    published, taken = urgent_part(state.published, proposed)
    if taken:
        published = write_record(
            connection,
            old=state.published,
            new=published,
            organization_id=organization_id,
            who="partner",
            checked=True,
        )
        audit(connection, EventKind.published_at_once, state, old=state.published, new=published)
    after = keep_waiting(connection, state, published=published, proposed=proposed, now=utc_now())
    if after.change is not None:
        amended = state.change is not None
        audit(
            connection,
            EventKind.amendment if amended else EventKind.proposal,
            state,
            old=state.change.record if state.change else published,
            new=proposed,
            change_id=after.change.id,
        )
    return Outcome(
        change_id=after.change.id if after.change else None, published=taken, after=after
    )


def urgent_part(published: Record, proposed: Record) -> tuple[Record, list[str]]:
    """`published` with what cannot wait taken from `proposed`: closing the service, marking an
    address confidential. Returns the new published record and what was taken."""
    result = copy.deepcopy(published)
    taken: list[str] = []
    status = proposed.get("status")
    if status in CLOSED and status != published.get("status"):
        result["status"] = status
        taken.append("status")
    targets = objects_by_id(result)
    for owner_id, owner in objects_by_id(proposed).items():
        marks = [
            a
            for a in owner.get("attributes", []) or []
            if code_of(a) == PRIVACY_CONFIDENTIAL_ADDRESS
        ]
        target = targets.get(owner_id)
        if not marks or target is None or "attributes" not in target:
            continue
        if not any(code_of(a) == PRIVACY_CONFIDENTIAL_ADDRESS for a in target["attributes"]):
            target["attributes"] = [*target["attributes"], marks[0]]
            taken.append(f"{PRIVACY_CONFIDENTIAL_ADDRESS} on {owner_id}")
    return result, taken


def keep_waiting(
    connection: Connection,
    state: Working,
    *,
    published: Record,
    proposed: Record,
    now: datetime,
) -> Working:
    """Store what still waits for review (insert, amend or drop the waiting change); return the
    working version this leaves."""
    base = version_of(published)
    remainder = merge_patch.derive(published, proposed)
    change = state.change
    after = dataclasses.replace(state, published=published, base_version=base, change=None)
    if not remainder:
        if change and not store.decide_change(
            connection, change, status=ChangeStatus.superseded, who="partner", now=now
        ):
            raise ChangedMeanwhile()
        return after
    if change:
        amended = _amend(connection, change, base=base, patch=remainder, record=proposed, now=now)
        return dataclasses.replace(after, change=amended)
    new = _new_change(state.service_id, state.organization_id, base, remainder, proposed, now)
    if not _insert(connection, new):
        raise ChangedMeanwhile()
    return dataclasses.replace(after, change=new)


def _new_change(
    service_id: str, organization_id: str, base: str, patch: Record, record: Record, when: datetime
) -> Change:
    """A change about to wait: an update of a published service, or (no base) a new service."""
    return Change(
        id=str(uuid.uuid4()),
        service_id=service_id,
        organization_id=organization_id,
        kind=ChangeKind.update if base else ChangeKind.create,
        base_version=base,
        revision=1,
        patch=patch,
        record=record,
        status=ChangeStatus.pending,
        reason=None,
        created_at=when,
        updated_at=when,
        decided_at=None,
    )


def _insert(connection: Connection, change: Change) -> bool:
    """Store a new waiting change; False if another one already waits for the service."""
    try:
        with connection.begin_nested():
            store.insert_change(
                connection,
                change_id=change.id,
                service_id=change.service_id,
                organization_id=change.organization_id,
                kind=change.kind,
                base_version=change.base_version,
                patch=change.patch,
                record=change.record,
                now=change.created_at,
            )
    except IntegrityError:
        return False
    return True


def _amend(
    connection: Connection,
    change: Change,
    *,
    base: str,
    patch: Record,
    record: Record,
    now: datetime,
) -> Change:
    """Replace the waiting change; ChangedMeanwhile if someone moved it on since it was read."""
    if not store.amend_change(
        connection, change, base_version=base, patch=patch, record=record, now=now
    ):
        raise ChangedMeanwhile()
    return dataclasses.replace(
        change, base_version=base, revision=change.revision + 1, patch=patch, record=record
    )


def _amend_new(
    connection: Connection, state: Working, proposed: Record, *, organization_id: str
) -> Outcome:
    """A new service still waiting for review, corrected: the whole record keeps waiting."""
    assert state.change is not None
    store.lock_organization(connection, organization_id)  # as approving a new service does
    validate(connection, proposed, before=None, organization_id=organization_id)
    amended = _amend(
        connection, state.change, base="", patch=proposed, record=proposed, now=utc_now()
    )
    audit(
        connection,
        EventKind.amendment,
        state,
        old=state.change.record,
        new=proposed,
        change_id=amended.id,
        detail="create",
    )
    after = dataclasses.replace(state, change=amended)
    return Outcome(change_id=amended.id, published=[], after=after)


def audit(
    connection: Connection,
    kind: EventKind,
    state: Working,
    *,
    old: Record | None,
    new: Record,
    who: str = "partner",
    **details: Any,
) -> None:
    """The audit's event for what a partner's request did to the service."""
    record_event(
        connection,
        kind=kind,
        who=who,
        now=utc_now(),
        service_id=state.service_id,
        service_name=str(new.get("name") or (old or {}).get("name") or ""),
        organization_id=state.organization_id,
        old=old,
        new=new,
        **details,
    )


def propose_new(connection: Connection, *, organization_id: str, record: Any) -> str:
    """A new service for the partner's own organisation: waits for review. Returns the change id."""
    check_new_record(record, organization_id=organization_id)
    proposed = canonical({**record, "organization_id": organization_id})
    proposed.setdefault("id", str(uuid.uuid4()))
    store.lock_organization(connection, organization_id)
    tenancy.claim_new_locations(connection, proposed, organization_id=organization_id)
    if store.service_owner(connection, str(proposed["id"])) is not None:
        raise IdTaken(str(proposed["id"]))
    validate(connection, proposed, before=None, organization_id=organization_id)
    new = _new_change(str(proposed["id"]), organization_id, "", proposed, proposed, utc_now())
    if not _insert(connection, new):
        raise NewServiceAlreadyWaiting()
    record_event(
        connection,
        kind=EventKind.proposal,
        who="partner",
        now=new.created_at,
        service_id=new.service_id,
        service_name=str(proposed.get("name") or ""),
        organization_id=organization_id,
        new=proposed,
        change_id=new.id,
        detail="create",
    )
    return new.id
