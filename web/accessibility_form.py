"""The partner edit form's accessibility fields: per location of the service, yes / no / not
stated for each `access.` code (`templates/portal/_accessibility_fields.html`), and what the
sent form asks for, as a merge-patch fragment of the service record.

A field is named `access-<location id>-<word>` and says `yes`, `no` or `` (not stated); a
location whose fields were not sent keeps what it says. A merge patch replaces a whole array,
so a changed answer gives the whole `service_at_locations` array, every location but the
changed ones exactly as it was.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directory.errors import FieldError, RecordInvalid
from directory.hsds.accessibility import ACCESS_WORDS, answers, with_answers

PREFIX = "access-"
VALUES = {"yes": True, "no": False, "": None}
"""What a field may say, and the answer it stands for (None: not stated)."""
PROBLEM = "must be 'yes', 'no' or empty (not stated)"
UNKNOWN_FIELD = "is not a field of this form (an unknown location or accessibility code)"


@dataclass(frozen=True, slots=True)
class AccessField:
    word: str
    name: str
    """The form field's name."""
    value: str
    """`yes`, `no` or `` (not stated): what the location says now."""


@dataclass(frozen=True, slots=True)
class LocationFields:
    location_id: str
    name: str
    fields: tuple[AccessField, ...]


def _text(answer: bool | None) -> str:
    return "" if answer is None else ("yes" if answer else "no")


def field_name(location_id: str, word: str) -> str:
    return f"{PREFIX}{location_id}-{word}"


def _locations(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    links = record.get("service_at_locations") or []
    return [link["location"] for link in links if isinstance(link.get("location"), dict)]


def fieldsets(record: Mapping[str, Any]) -> list[LocationFields]:
    """The fieldsets of the form for `record`: one per location, filled with its answers."""
    found = []
    for location in _locations(record):
        location_id = str(location.get("id") or "")
        stated = answers(location)
        fields = tuple(
            AccessField(
                word,
                field_name(location_id, word),
                _text(stated.get(word)),
            )
            for word in ACCESS_WORDS
        )
        found.append(LocationFields(location_id, str(location.get("name") or ""), fields))
    return found


def _sent(record: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, dict[str, bool | None]]:
    """Per location id, the answers the form sent (None: not stated); refused fields raise."""
    names = {
        field_name(str(location.get("id") or ""), word): (str(location.get("id") or ""), word)
        for location in _locations(record)
        for word in ACCESS_WORDS
    }
    errors: list[FieldError] = []
    sent: dict[str, dict[str, bool | None]] = {}
    for name, value in form.items():
        if not name.startswith(PREFIX):
            continue
        if name not in names:
            errors.append(FieldError("form", name, UNKNOWN_FIELD))
        elif value.strip().lower() not in VALUES:
            errors.append(FieldError("form", name, PROBLEM))
        else:
            location_id, word = names[name]
            sent.setdefault(location_id, {})[word] = VALUES[value.strip().lower()]
    if errors:
        raise RecordInvalid(errors)
    return sent


def accessibility_patch(record: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The merge-patch fragment the form's accessibility fields ask for (`{}`: no change);
    RecordInvalid naming each field that cannot be used (nothing is then changed)."""
    sent = _sent(record, form)
    links = list(record.get("service_at_locations") or [])
    changed = False
    for number, link in enumerate(links):
        location = link.get("location")
        if not isinstance(location, dict) or str(location.get("id") or "") not in sent:
            continue
        now = answers(location)
        wanted = {**now, **sent[str(location["id"])]}
        stated = {word: value for word, value in wanted.items() if value is not None}
        if stated != now:
            links[number] = {**link, "location": with_answers(location, stated)}
            changed = True
    return {"service_at_locations": links} if changed else {}
