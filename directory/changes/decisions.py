"""What curators decided on a service's changes, for the partner to read: approved or rejected,
when, and (for a rejection) why."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from directory.changes.models import CHANGE, ChangeStatus

DECIDED = (ChangeStatus.approved.value, ChangeStatus.rejected.value)


@dataclass(frozen=True, slots=True)
class Decision:
    change_id: str
    service_id: str
    status: ChangeStatus
    reason: str | None
    """The curator's reason (a rejection always has one)."""
    decided_at: datetime


def decisions(connection: Connection, *, service_id: str, limit: int = 10) -> list[Decision]:
    """The curators' decisions on the service's changes, newest first."""
    rows = connection.execute(
        select(CHANGE.c.id, CHANGE.c.status, CHANGE.c.reason, CHANGE.c.decided_at)
        .where(CHANGE.c.service_id == service_id, CHANGE.c.status.in_(DECIDED))
        .order_by(CHANGE.c.decided_at.desc(), CHANGE.c.id)
        .limit(limit)
    )
    return [
        Decision(row.id, service_id, ChangeStatus(row.status), row.reason, row.decided_at)
        for row in rows
    ]


def latest_decision(connection: Connection, *, service_id: str) -> Decision | None:
    """The last decision on the service's changes, or None if none was decided yet."""
    found = decisions(connection, service_id=service_id, limit=1)
    return found[0] if found else None
