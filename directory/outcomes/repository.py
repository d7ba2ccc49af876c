"""Every query of the outcome counters: add one, read them by service and month."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from directory.errors import ServiceNotFound
from directory.hsds.models import Service
from directory.outcomes.models import OUTCOME_COUNT, Outcome

SERVICE = Service.__table__  # type: ignore[attr-defined]


def month_of(moment: datetime) -> str:
    """The month a moment falls in, `YYYY-MM`: the finest time a counter keeps."""
    return f"{moment.year:04d}-{moment.month:02d}"


def service_name(connection: Connection, *, service_id: str) -> str:
    """The name of a service outcomes may be recorded for; ServiceNotFound otherwise."""
    row = connection.execute(select(SERVICE.c.name).where(SERVICE.c.id == service_id)).first()
    if row is None:
        raise ServiceNotFound(f"no service with id {service_id}")
    return str(row.name or "")


def record_outcome(
    connection: Connection, *, service_id: str, outcome: Outcome, month: str
) -> None:
    """Count one outcome of a referral to a service in `month`; ServiceNotFound for an
    unknown service (nothing is counted)."""
    service_name(connection, service_id=service_id)
    dialect: Any = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {"service_id": service_id, "month": month, "outcome": outcome.value, "count": 1}
    statement = dialect.insert(OUTCOME_COUNT).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["service_id", "month", "outcome"],
        set_={"count": OUTCOME_COUNT.c.count + 1},
    )
    connection.execute(statement)


@dataclass
class MonthCounts:
    """One service's outcomes in one month."""

    service_id: str
    service_name: str
    month: str
    counts: dict[Outcome, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def of(self, outcome: Outcome) -> int:
        return self.counts.get(outcome, 0)


def monthly_counts(connection: Connection, *, months: int = 12) -> list[MonthCounts]:
    """The counts of the last `months` months that have any, newest month first, then by
    service name."""
    recent = (
        select(OUTCOME_COUNT.c.month)
        .group_by(OUTCOME_COUNT.c.month)
        .order_by(OUTCOME_COUNT.c.month.desc())
        .limit(months)
        .subquery()
    )
    rows = connection.execute(
        select(
            OUTCOME_COUNT.c.service_id,
            func.coalesce(SERVICE.c.name, OUTCOME_COUNT.c.service_id).label("name"),
            OUTCOME_COUNT.c.month,
            OUTCOME_COUNT.c.outcome,
            OUTCOME_COUNT.c.count.label("times"),
        )
        .select_from(OUTCOME_COUNT.outerjoin(SERVICE, SERVICE.c.id == OUTCOME_COUNT.c.service_id))
        .where(OUTCOME_COUNT.c.month.in_(select(recent.c.month)))
        .order_by(OUTCOME_COUNT.c.month.desc(), "name", OUTCOME_COUNT.c.service_id)
    ).all()
    found: dict[tuple[str, str], MonthCounts] = {}
    for row in rows:
        key = (row.service_id, row.month)
        item = found.setdefault(key, MonthCounts(row.service_id, str(row.name), row.month))
        if row.outcome in Outcome.__members__:
            item.counts[Outcome(row.outcome)] = int(row.times)
    return list(found.values())
