"""A service as its partner sees it: the published record plus the change waiting for review.

Its version (`version_of`, sha256 of the record without audit rows and write time) and its ETag
(`etag_of`: the version plus the waiting change's id and revision) are what a partner's If-Match
names: an edit made from an older read is refused, never merged silently.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from directory.changes import repository as store
from directory.changes.models import Change, ChangeKind
from directory.errors import ServiceNotFound
from directory.hsds.repository import service_records
from directory.hsds.tree import Record
from directory.taxonomy import BY_CODE, canonical_attribute

HIDDEN_KEYS = frozenset({"metadata", "last_modified"})
"""Kept out of working records: the audit trail and the write time are not the partner's to edit."""


def clean(value: Any) -> Any:
    """A record without its audit rows and write time (recursively)."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in HIDDEN_KEYS}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def canonical(value: Any) -> Any:
    """A record as it will be stored: our own taxonomy terms in place of whatever the partner sent
    for a passerelle code, lists of objects in the order of their ids, audit rows and write time
    left out."""
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        if all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items):
            items.sort(key=lambda item: str(item["id"]))
        return items
    if not isinstance(value, dict):
        return value
    # `passerelle` codes only: `geo.` terms stay as stored, so that published versions (and the
    # ETags partners hold) stay what they were
    result = {k: canonical(v) for k, v in value.items() if k not in HIDDEN_KEYS}
    return canonical_attribute(result, known=BY_CODE)


def version_of(record: Record) -> str:
    """The published version: sha256 of the record (audit rows and write time left out)."""
    return hashlib.sha256(store.dumps(clean(record)).encode()).hexdigest()


def etag_of(base_version: str, change: Change | None) -> str:
    """The partner's working version: the published record plus its waiting change."""
    waiting = f"{change.id}:{change.revision}" if change else ""
    digest = hashlib.sha256(f"{base_version}|{waiting}".encode()).hexdigest()
    return f'"{digest[:40]}"'


def if_match_allows(header: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*`, or one of the listed entity tags (weak ones compared strongly)."""
    if header.strip() == "*":
        return True
    tags = [tag.strip() for tag in header.split(",")]
    return etag in tags


def published_record(connection: Connection, service_id: str) -> Record | None:
    """The stored record, confidential addresses included, audit rows left out."""
    found = service_records(connection, [service_id], include_confidential=True)
    return canonical(found[0]) if found else None


def owner_of(connection: Connection, service_id: str) -> str | None:
    """The organisation of a stored service, or of a new one waiting for review; None if none."""
    owner = store.service_owner(connection, service_id)
    if owner is not None:
        return owner
    change = store.waiting_change(connection, service_id)
    return change.organization_id if change and change.kind is ChangeKind.create else None


@dataclass(frozen=True, slots=True)
class Working:
    """A service as a partner sees it: published, plus the change waiting for review."""

    service_id: str
    organization_id: str
    published: Record
    base_version: str
    change: Change | None

    @property
    def record(self) -> Record:
        return self.change.record if self.change else self.published

    @property
    def is_new(self) -> bool:
        """A proposed service not yet approved: nothing published, its record waits."""
        return not self.published

    @property
    def etag(self) -> str:
        return etag_of(self.base_version, self.change)


def working(connection: Connection, *, service_id: str, organization_id: str | None) -> Working:
    """The working version; ServiceNotFound for another organisation's service (as for none at
    all). A new service waiting for review is the partner's too: its record is the waiting one."""
    owner = store.service_owner(connection, service_id)
    if owner is None:
        return _waiting_new(connection, service_id=service_id, organization_id=organization_id)
    if organization_id is not None and owner != organization_id:
        raise ServiceNotFound(service_id)
    published = published_record(connection, service_id)
    assert published is not None
    return Working(
        service_id=service_id,
        organization_id=owner,
        published=published,
        base_version=version_of(published),
        change=store.waiting_change(connection, service_id),
    )


def _waiting_new(
    connection: Connection, *, service_id: str, organization_id: str | None
) -> Working:
    change = store.waiting_change(connection, service_id)
    if (
        change is None
        or change.kind is not ChangeKind.create
        or (organization_id is not None and change.organization_id != organization_id)
    ):
        raise ServiceNotFound(service_id)
    return Working(
        service_id=service_id,
        organization_id=change.organization_id,
        published={},
        base_version="",
        change=change,
    )
