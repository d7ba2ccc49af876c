"""The audit log: HSDS `metadata` rows, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from directory.hsds.tree import TABLES


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
