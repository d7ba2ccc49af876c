"""Services nobody has confirmed lately: `passerelle stale` and the curators' stale page."""

import calendar
from dataclasses import dataclass
from datetime import date

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


def stale_services(connection: Connection, *, months: int, today: date) -> list[StaleService]:
    """Services never confirmed or confirmed before `months` ago, oldest first (never: first)."""
    service = TABLES["service"]
    cutoff = months_before(today, months)
    rows = sorted(
        connection.execute(
            select(service.c.id, service.c.assured_date, service.c.name).where(
                or_(service.c.assured_date.is_(None), service.c.assured_date < cutoff)
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
