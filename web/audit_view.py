"""Changes of a service record in words: each changed field by its label in the reader's language
("Phones (Brussels site)", "Languages", "Opening hours"), texts changed word by word, codes and
languages as lists of their names. Never an id, never JSON.

The review queue and the audit log both show `readable_diff(old, new)`.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from directory.taxonomy import CAPACITY_BEDS_AVAILABLE, code_of
from web.i18n import N_, Translator
from web.labels import term_name
from web.portal import STATUS_LABELS
from web.service_view import language_name
from web.word_diff import Piece, word_diff

TEXT_FIELDS = {
    "name": N_("Name"),
    "alternate_name": N_("Other name"),
    "description": N_("Description"),
    "alert": N_("Alert"),
    "url": N_("Web address"),
    "email": N_("E-mail"),
    "status": N_("Status"),
    "application_process": N_("How to apply"),
    "eligibility_description": N_("Who can use it"),
    "fees_description": N_("Fees"),
    "interpretation_services": N_("Interpretation"),
    "minimum_age": N_("Minimum age"),
    "maximum_age": N_("Maximum age"),
    "assured_date": N_("Last confirmed"),
    "accreditations": N_("Accreditations"),
    "licenses": N_("Licences"),
}
"""The service's own fields that hold one value, by their labels."""
LIST_FIELDS = {
    "required_documents": N_("Documents to bring"),
    "cost_options": N_("Costs"),
    "contacts": N_("Contacts"),
    "funding": N_("Funding"),
}
"""Lists whose items are shown as their plain text."""
CODE_GROUPS = {
    "need": N_("Helps with"),
    "approach": N_("Approach"),
    "condition": N_("Conditions"),
    "welcome": N_("Welcomes"),
    "requires": N_("Requires"),
    "access": N_("Accessibility"),
    "offers": N_("Offers"),
    "audience": N_("For"),
    "privacy": N_("Privacy"),
}
"""The taxonomy's code prefixes, by the label of the field listing them."""
OTHER_CODES = N_("Other codes")
LANGUAGES = N_("Languages")
PHONES = N_("Phones")
HOURS = N_("Opening hours")
AREAS = N_("Service areas")
SITES = N_("Sites")
ADDRESS = N_("Address")
POSITION = N_("Position on the map")
SITE_DESCRIPTION = N_("Site description")
FREE_BEDS = N_("Free beds")
ORGANISATION = N_("Organisation")
SITE = N_("site")

Value = str | tuple[str, ...]
Facets = dict[tuple[str, str], Value]
"""(label msgid, the site it is about or "") -> a text, or a list of names."""


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One changed field: its label; a text as pieces, or a list as what left and what came."""

    label: str
    pieces: tuple[Piece, ...] = ()
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return bool(self.pieces)


def plain(value: Any) -> str:
    """A value as words: the texts and numbers it holds, without ids or keys."""
    if isinstance(value, Mapping):
        parts = (
            plain(item)
            for key, item in sorted(value.items())
            if key != "id" and not key.endswith("_id") and key not in {"metadata", "link_entity"}
        )
        return ", ".join(part for part in parts if part)
    if isinstance(value, list | tuple):
        return "; ".join(part for item in value if (part := plain(item)))
    return "" if value is None else str(value)


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _hours(rows: list[Mapping[str, Any]]) -> tuple[str, ...]:
    def one(row: Mapping[str, Any]) -> str:
        times = "-".join(str(row[k]) for k in ("opens_at", "closes_at") if row.get(k))
        when = " ".join(part for part in (str(row.get("byday") or ""), times) if part)
        return str(row.get("description") or "") or when or plain(row)

    return tuple(text for row in rows if (text := one(row)))


def _phones(rows: list[Mapping[str, Any]]) -> tuple[str, ...]:
    def one(row: Mapping[str, Any]) -> str:
        number, note = str(row.get("number") or ""), str(row.get("description") or "")
        return f"{number} ({note})" if note and number else number or note

    return tuple(text for row in rows if (text := one(row)))


def _codes(
    attributes: list[Mapping[str, Any]], lang: str, site: str
) -> Iterator[tuple[Any, Value]]:
    groups: dict[str, list[str]] = {}
    for attribute in attributes:
        code = code_of(attribute) or ""
        if code == CAPACITY_BEDS_AVAILABLE:
            yield (FREE_BEDS, site), str(attribute.get("value") or "")
            continue
        label = CODE_GROUPS.get(code.split(".", 1)[0], OTHER_CODES)
        groups.setdefault(label, []).append(term_name(code, lang) if code else plain(attribute))
    for label, names in groups.items():
        yield (label, site), tuple(names)


def _address(location: Mapping[str, Any]) -> str:
    lines = (
        ", ".join(str(a[k]) for k in ("address_1", "address_2", "postal_code", "city") if a.get(k))
        for a in _items(location.get("addresses"))
    )
    return "; ".join(line for line in lines if line)


def _site_facets(links: list[Mapping[str, Any]], lang: str, _: Translator) -> Iterator[Any]:
    names = []
    for link in links:
        location = link.get("location") if isinstance(link.get("location"), Mapping) else {}
        assert isinstance(location, Mapping)
        site = str(location.get("name") or _address(location) or _(SITE))
        names.append(site)
        yield (ADDRESS, site), _address(location)
        yield (SITE_DESCRIPTION, site), str(location.get("description") or "")
        yield (PHONES, site), _phones(_items(location.get("phones")))
        rows = [*_items(link.get("schedules")), *_items(location.get("schedules"))]
        yield (HOURS, site), _hours(rows)
        point = [str(location[k]) for k in ("latitude", "longitude") if location.get(k) is not None]
        yield (POSITION, site), ", ".join(point)
        yield from _codes(_items(location.get("attributes")), lang, site)
    yield (SITES, ""), tuple(names)


def facets(record: Mapping[str, Any], _: Translator) -> Facets:
    """What a (part of a) record says, field by field, in words."""
    lang = _.lang
    found: Facets = {}
    for key, value in record.items():
        if key in TEXT_FIELDS:
            text = plain(value)
            if key == "status" and text in STATUS_LABELS:
                text = _(STATUS_LABELS[text])
            found[(TEXT_FIELDS[key], "")] = text
        elif key == "languages":
            codes = (str(item.get("code") or "") for item in _items(value))
            found[(LANGUAGES, "")] = tuple(language_name(code, lang) for code in codes if code)
        elif key == "attributes":
            found.update(_codes(_items(value), lang, ""))
        elif key == "phones":
            found[(PHONES, "")] = _phones(_items(value))
        elif key == "schedules":
            found[(HOURS, "")] = _hours(_items(value))
        elif key == "service_areas":
            areas = (str(a.get("name") or a.get("description") or "") for a in _items(value))
            found[(AREAS, "")] = tuple(area for area in areas if area)
        elif key == "service_at_locations":
            found.update(_site_facets(_items(value), lang, _))
        elif key in LIST_FIELDS:
            found[(LIST_FIELDS[key], "")] = tuple(text for i in _items(value) if (text := plain(i)))
        elif key == "organization" and isinstance(value, Mapping):
            found[(ORGANISATION, "")] = str(value.get("name") or "")
        elif key not in {"id", "organization_id", "metadata", "last_modified"}:
            found[(key.replace("_", " ").capitalize(), "")] = plain(value)
    return found


def _label(_: Translator, key: tuple[str, str]) -> str:
    label, site = key
    return _("{field} ({site})", field=_(label), site=site) if site else _(label)


def _diff(label: str, old: Value, new: Value) -> FieldDiff:
    if isinstance(old, tuple) or isinstance(new, tuple):
        before = old if isinstance(old, tuple) else ((old,) if old else ())
        after = new if isinstance(new, tuple) else ((new,) if new else ())
        removed = tuple(item for item in before if item not in after)
        added = tuple(item for item in after if item not in before)
        return FieldDiff(label, removed=removed, added=added)
    return FieldDiff(label, pieces=tuple(word_diff(old, new)))


def readable_diff(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, _: Translator
) -> list[FieldDiff]:
    """Each field that differs between two records (or their changed parts), in words."""
    before, after = facets(old or {}, _), facets(new or {}, _)
    found = []
    for key in dict.fromkeys([*before, *after]):
        old_value, new_value = before.get(key, ""), after.get(key, "")
        if old_value == new_value or (not old_value and not new_value):
            continue
        change = _diff(_label(_, key), old_value, new_value)
        if change.pieces or change.removed or change.added:
            found.append(change)
    return found


# --- the audit log's entries ---------------------------------------------------------------------

EVENT_LABELS = {
    "import": N_("Import"),
    "proposal": N_("Proposal"),
    "amendment": N_("Amendment"),
    "published_at_once": N_("Published at once"),
    "approval": N_("Approval"),
    "rejection": N_("Rejection"),
    "curator_edit": N_("Curator's edit"),
    "suspension": N_("Suspension"),
    "unsuspension": N_("Public again"),
    "capacity": N_("Free beds"),
    "confirmation": N_("Confirmed as accurate"),
}
"""The kinds of audit event (`directory.hsds.audit_events.EventKind`) in words."""
ROLE_LABELS = {"partner": N_("partner"), "curator": N_("curator"), "import": N_("import")}
DETAIL_LABELS = {"create": N_("new service"), "update": N_("listed service")}


class AuditedEvent(Protocol):
    @property
    def when(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def who(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def service_name(self) -> str: ...
    @property
    def organization_id(self) -> str | None: ...
    @property
    def detail(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def before(self) -> Mapping[str, Any]: ...
    @property
    def after(self) -> Mapping[str, Any]: ...


def _known(_: Translator, labels: Mapping[str, str], code: str) -> str:
    return _(labels[code]) if code in labels else code


def _detail(event: AuditedEvent, _: Translator) -> str:
    """A new service, or (for an import) one already listed; edits of listed services: nothing."""
    if event.detail == "create" or (event.kind == "import" and event.detail):
        return _known(_, DETAIL_LABELS, event.detail)
    return ""


def entry(event: AuditedEvent, _: Translator, organizations: Mapping[str, str]) -> dict[str, Any]:
    """One event as the audit log shows it: when, what, by which role, on which service."""
    return {
        "when": event.when.strftime("%Y-%m-%d %H:%M"),
        "kind": event.kind,
        "kind_label": _known(_, EVENT_LABELS, event.kind),
        "who": _known(_, ROLE_LABELS, event.who),
        "service_id": event.service_id,
        "service_name": event.service_name,
        "organization": organizations.get(event.organization_id or "", ""),
        "detail": _detail(event, _),
        "reason": event.reason or "",
        "diff": readable_diff(event.before, event.after, _),
    }
