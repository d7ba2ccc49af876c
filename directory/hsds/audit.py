"""The audit log: HSDS `metadata` rows, built by one builder and read newest first.

Every write adds rows through `audit_row`: an import one per service (`import_rows`), a partner's
or curator's edit one per changed field (`field_rows`), a suspension and its end one each
(`suspension_row`). `updated_by` is a role, never a person.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from directory.hsds import merge_patch
from directory.hsds.tree import TABLES, Record

RESOURCE_TYPES = {
    "attributes": "attribute",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "addresses": "address",
    "accessibility": "accessibility",
    "location": "location",
    "organization": "organization",
    "program": "program",
    "taxonomy_term": "taxonomy_term",
}
"""The HSDS resource type of the objects found under each key of a service record."""


def audit_row(
    *,
    resource_id: str,
    resource_type: str,
    action: str,
    field: str,
    old: str,
    new: str,
    who: str,
    now: datetime,
) -> dict[str, Any]:
    """One HSDS `metadata` row: what changed on which object, from what to what, by which role."""
    return {
        "id": str(uuid.uuid4()),
        "resource_id": resource_id,
        "resource_type": resource_type,
        "last_action_date": now,
        "last_action_type": action,
        "field_name": field,
        "previous_value": old,
        "replacement_value": new,
        "updated_by": who,
    }


def field_changes(
    service_id: str, old: Record | None, new: Record
) -> list[merge_patch.FieldChange]:
    """Field by field, on the object that holds each field: what `new` changes in `old`."""
    return list(
        merge_patch.changes(old or {}, new, resource=("service", service_id), kinds=RESOURCE_TYPES)
    )


def field_rows(
    service_id: str, old: Record | None, new: Record, *, who: str, now: datetime
) -> list[dict[str, Any]]:
    """One row per changed field, on the object that holds the field."""
    return [
        audit_row(
            resource_id=item.resource_id,
            resource_type=item.resource_type,
            action="create" if item.old is None else "delete" if item.new is None else "update",
            field=item.field,
            old=item.old_text,
            new=item.new_text,
            who=who,
            now=now,
        )
        for item in field_changes(service_id, old, new)
    ]


def import_rows(
    service_ids: Sequence[str], existing: set[str], *, who: str, now: datetime
) -> list[dict[str, Any]]:
    """One row per imported service: created or updated, by whom, when."""
    return [
        audit_row(
            resource_id=service_id,
            resource_type="service",
            action="update" if service_id in existing else "create",
            field="*",
            old="earlier version" if service_id in existing else "none",
            new="imported record",
            who=who,
            now=now,
        )
        for service_id in service_ids
    ]


def suspension_row(service_id: str, *, old: str, new: str, now: datetime) -> dict[str, Any]:
    """A curator suspends (`new` is the reason) or lists again (`old` was the reason) a service."""
    return audit_row(
        resource_id=service_id,
        resource_type="service",
        action="suspend" if new else "unsuspend",
        field="suspended",
        old=old,
        new=new,
        who="curator",
        now=now,
    )


def add_rows(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Store audit rows written outside an HSDS record's flattening."""
    if rows:
        connection.execute(TABLES["metadata"].insert(), list(rows))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    when: datetime
    resource_type: str
    resource_id: str
    action: str
    field: str
    old: str
    new: str
    who: str


def audit_page(connection: Connection, *, page: int, per_page: int) -> tuple[int, list[AuditEntry]]:
    """(total rows, one page of rows, newest first)."""
    metadata = TABLES["metadata"]
    total = connection.execute(select(func.count()).select_from(metadata)).scalar_one()
    rows = connection.execute(
        select(metadata)
        .order_by(metadata.c.last_action_date.desc(), metadata.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    entries = [
        AuditEntry(
            when=row.last_action_date,
            resource_type=row.resource_type or "",
            resource_id=row.resource_id or "",
            action=row.last_action_type,
            field=row.field_name,
            old=row.previous_value,
            new=row.replacement_value,
            who=row.updated_by,
        )
        for row in rows
    ]
    return int(total), entries
