"""Services nobody has confirmed lately: `passerelle stale`, the curators' stale page and the
partners' reminders, all from one cutoff (`cutoff`), so that they agree."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, or_, select

from directory.hsds.repository import service_records
from directory.hsds.tree import TABLES


@dataclass(frozen=True, slots=True)
class StaleService:
    """A service to check with its organisation, with the contact details its record gives."""

    service_id: str
    name: str
    assured_date: str | None
    organization: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    website: str | None


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


PARTNER_REMINDER_DAYS = 90
"""A partner is reminded to confirm a listing not confirmed for this many days (DESIGN.md,
"Freshness"; ranking and the curators keep 12 / 24 months)."""


def cutoff(today: date, *, months: int | None = None, days: int | None = None) -> date:
    """The day before which a confirmation is stale: `days` before today, else `months`."""
    if days is not None:
        return today - timedelta(days=days)
    return months_before(today, months or 0)


def confirmation_due(assured_date: date | str | None, *, before: date) -> bool:
    """A listing never confirmed, or last confirmed before `before`."""
    if assured_date is None:
        return True
    day = assured_date if isinstance(assured_date, date) else date.fromisoformat(assured_date)
    return day < before


def stale_services(
    connection: Connection,
    *,
    today: date,
    months: int | None = None,
    days: int | None = None,
) -> list[StaleService]:
    """Services never confirmed or confirmed before `days` (else `months`) ago, oldest first
    (never: first)."""
    service = TABLES["service"]
    before = cutoff(today, months=months, days=days)
    rows = sorted(
        connection.execute(
            select(service.c.id, service.c.assured_date, service.c.name).where(
                or_(service.c.assured_date.is_(None), service.c.assured_date < before)
            )
        ),
        key=lambda r: (r.assured_date is not None, r.assured_date or today, r.name, r.id),
    )
    records = service_records(connection, [row.id for row in rows], include_confidential=False)
    by_id = {record["id"]: record for record in records}
    return [_stale(by_id[row.id]) for row in rows if row.id in by_id]


def _stale(record: dict[str, object]) -> StaleService:
    organization = record.get("organization")
    org = organization if isinstance(organization, dict) else {}
    emails = [value for value in (record.get("email"), org.get("email")) if isinstance(value, str)]
    phones: list[str] = []
    for owner in (record, *_list(record.get("contacts")), org):
        for phone in _list(owner.get("phones") if isinstance(owner, dict) else None):
            number = phone.get("number") if isinstance(phone, dict) else None
            if isinstance(number, str) and number not in phones:
                phones.append(number)
    for contact in _list(record.get("contacts")):
        email = contact.get("email") if isinstance(contact, dict) else None
        if isinstance(email, str):
            emails.append(email)
    assured = record.get("assured_date")
    website = org.get("website")
    return StaleService(
        service_id=str(record["id"]),
        name=str(record.get("name", "")),
        assured_date=assured if isinstance(assured, str) else None,
        organization=str(org.get("name", "(no organisation)")),
        emails=tuple(dict.fromkeys(emails)),
        phones=tuple(phones),
        website=website if isinstance(website, str) else None,
    )


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
