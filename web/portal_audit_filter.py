"""The audit log's filter form: what a curator picked (service, organisation, kind of event,
from and until which day), read into an `EventFilter`, with what cannot be used in words."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from directory.hsds.audit_events import ALL_BUT_IMPORTS, EventFilter
from web import audit_view
from web import portal as words_of
from web.i18n import N_, Translator

KIND = N_("Kind")
FROM = N_("From (date)")
UNTIL = N_("Until (date)")


def _day(_: Translator, label: str, text: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(words_of.field_says(_, label, N_("please write a date such as 2026-12-03.")))
        return None


def _midnight(day: date | None, *, days: int = 0) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days), time(), tzinfo=UTC)


def audit_filter(_: Translator, chosen: Mapping[str, str]) -> tuple[EventFilter, list[str]]:
    """The audit's filter from its form (`chosen`), and what in the form cannot be used."""
    errors: list[str] = []
    kind = chosen["kind"]
    if kind and kind not in audit_view.EVENT_LABELS and kind != ALL_BUT_IMPORTS:
        errors.append(words_of.field_says(_, KIND, words_of.FIELD_PROBLEMS["not_offered"]))
    since = _day(_, FROM, chosen["from"], errors)
    until = _day(_, UNTIL, chosen["to"], errors)
    if since and until and until < since:
        errors.append(
            words_of.field_says(_, UNTIL, N_("please choose a day on or after the start date."))
        )
    picked = EventFilter(
        service=chosen["service"].strip(),
        organization_id=chosen["organisation"],
        kind=kind,
        since=_midnight(since),
        until=_midnight(until, days=1),
    )
    return picked, errors


def kinds(_: Translator) -> list[tuple[str, str]]:
    """The kinds of event the form offers, each with its label."""
    return [
        (ALL_BUT_IMPORTS, _(N_("All but imports"))),
        *((code, _(label)) for code, label in audit_view.EVENT_LABELS.items()),
    ]
