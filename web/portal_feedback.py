"""What the partner's pages say back: problems beside their fields, and the partner's changes with
the curator's decision and reason (the one-shot message after a form: `web.portal_notices`)."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol

from babel import Locale

from directory.errors import FieldError, InvalidInput, PasserelleError
from directory.hsds.tree import Record
from web import portal as words_of
from web.i18n import N_, Translator
from web.portal_form_parts import PROBLEMS, WEEKDAYS, Problems
from web.portal_form_places import location_prefix, shown_location_count
from web.portal_forms import BASIC_FIELDS

CHANGE_STATUSES = {
    "pending": N_("waiting for review"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
}


def problem_texts(_: Translator, problems: Problems) -> dict[str, list[str]]:
    """Each field's problems in words, to show beside it."""
    return {
        name: [_(PROBLEMS[code], **params) for code, params in found]
        for name, found in problems.found.items()
    }


def _first_index(path: str, key: str) -> int | None:
    found = re.match(rf"^{key}\[(\d+)\]", path)
    return int(found[1]) if found else None


def field_of(path: str, proposed: Record, prefixes: Mapping[str, str]) -> str:
    """The form field a domain error's path (`service_at_locations[1].location.name`) is about,
    "" when the form has no field for it. `prefixes`: each location's id -> its field prefix."""
    head = re.split(r"[.\[]", path, maxsplit=1)[0]
    if head in (*BASIC_FIELDS, "status", "languages", "phones", "minimum_age", "maximum_age"):
        return head
    if head == "schedules":
        return f"hours-{WEEKDAYS[0]}-opens"
    index = _first_index(path, "service_at_locations")
    links = proposed.get("service_at_locations") or []
    if index is None or index >= len(links):
        return ""
    prefix = prefixes.get(str((links[index].get("location") or {}).get("id")), "")
    inner = path.split(".location.", 1)[-1]
    for name in ("name", "phones", "latitude", "longitude"):
        if inner.startswith(name):
            return f"{prefix}{name}"
    return f"{prefix}postal_code" if inner.startswith("addresses") else f"{prefix}name"


def location_prefixes(posted_ids: list[str]) -> dict[str, str]:
    return {location_id: location_prefix(i) for i, location_id in enumerate(posted_ids)}


def error_fields(
    _: Translator,
    error: PasserelleError,
    proposed: Record,
    prefixes: Mapping[str, str],
    labels: Mapping[str, str],
) -> tuple[dict[str, list[str]], list[str]]:
    """A refused edit's problems beside their fields, and the whole list for the page's top,
    each naming its field as the form's label does."""
    beside: dict[str, list[str]] = {}
    if not (isinstance(error, InvalidInput) and error.errors):
        return beside, words_of.error_texts(_, error)
    top: list[str] = []
    for item in error.errors:
        name = field_of(item.field, proposed, prefixes)
        if name:
            text = _problem(_, item)
            beside.setdefault(name, []).append(text)
            top.append(_("{field}: {problem}", field=labels.get(name, name), problem=text))
        else:
            top.append(words_of.field_problem(_, item))
    return beside, top


def _problem(_: Translator, item: FieldError) -> str:
    code = words_of.problem_code(item)
    problem = words_of.FIELD_PROBLEMS.get(code)
    if problem:
        return _(problem)
    return _("this value cannot be used ({problem}).", problem=item.message)


def summary(_: Translator, beside: Mapping[str, list[str]], labels: Mapping[str, str]) -> list[str]:
    """The problems of the form, each naming its field, for the top of the page."""
    return [
        _("{field}: {problem}", field=labels.get(name, name), problem=text)
        for name, texts in beside.items()
        for text in texts
    ]


class Decided(Protocol):
    @property
    def service_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def decided_at(self) -> datetime | None: ...
    @property
    def record(self) -> Mapping[str, Any]: ...


def change_rows(
    _: Translator, changes: list[Decided], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The partner's changes as its pages list them: what, when, the decision and its reason."""
    return [
        {
            "service_id": change.service_id,
            "name": names.get(change.service_id) or str(change.record.get("name", "")),
            "kind": str(change.kind),
            "status": str(change.status),
            "status_text": _(CHANGE_STATUSES.get(str(change.status), str(change.status))),
            "sent": change.created_at.strftime("%Y-%m-%d"),
            "decided": change.decided_at.strftime("%Y-%m-%d") if change.decided_at else "",
            "reason": change.reason or "",
        }
        for change in changes
    ]


def weekday_names(lang: str) -> list[tuple[str, str]]:
    """Monday to Sunday: (HSDS `byday` word, the day's name in `lang`)."""
    names = Locale.parse(lang).days["format"]["wide"]
    return [(day, str(names[index]).capitalize()) for index, day in enumerate(WEEKDAYS)]


def iso(day: date | str | None) -> str:
    return day.isoformat() if isinstance(day, date) else (day or "")


LOCATION_LABELS = {
    "name": N_("Name of the place"),
    "address_1": N_("Street and number"),
    "postal_code": N_("Postcode"),
    "city": N_("Town"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "phones": N_("Phones of this place"),
    "confidential": N_("Confidential address"),
}
FORM_LABELS = {
    "phones": N_("Phones"),
    "minimum_age": N_("Youngest age served"),
    "maximum_age": N_("Oldest age served"),
    "needs": N_("What the service helps with"),
    "welcome": N_("Residence statuses welcome"),
    "genders": N_("Only for"),
    "audience": N_("Also meant for"),
    "offers": N_("What it offers"),
    "conditions": N_("Conditions"),
    "locations": N_("Places"),
}


def form_labels(_: Translator, values: Mapping[str, Any], lang: str) -> dict[str, str]:
    """Every field of the service form by the words its label says (errors name fields so)."""
    labels = {
        name: words_of.field_label(_, name) for name in (*BASIC_FIELDS, "status", "languages")
    }
    labels.update({name: _(text) for name, text in FORM_LABELS.items()})
    for day, day_name in weekday_names(lang):
        labels[f"hours-{day}-opens"] = _("{day}: opens", day=day_name)
        labels[f"hours-{day}-closes"] = _("{day}: closes", day=day_name)
    for index in range(shown_location_count(values) + 1):
        for name, text in LOCATION_LABELS.items():
            labels[f"{location_prefix(index)}{name}"] = _(
                "Place {n}: {field}", n=index + 1, field=_(text)
            )
    return labels
