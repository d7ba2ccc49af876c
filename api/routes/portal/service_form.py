"""The service form, shared by the partner's pages and the curator's record page: reading what
was posted into a proposed record (the form's sections, then accessibility), and what the form's
template needs to show values, choices and the problems beside each field."""

import dataclasses
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.deps import request_language
from directory.changes.working import canonical
from directory.errors import PasserelleError, RecordInvalid
from directory.hsds import merge_patch
from directory.hsds.tree import Record
from web import accessibility_form
from web import portal_feedback as feedback
from web import portal_forms as forms
from web.i18n import Translator
from web.labels import term_name
from web.service_view import language_name


async def posted_form(request: Request) -> FormData:
    """The posted form, read before the route runs (its fields depend on the record)."""
    return await request.form()


PostedDep = Annotated[FormData, Depends(posted_form)]


def csrf_of(posted: FormData) -> str | None:
    value = posted.get("csrf_token")
    return value if isinstance(value, str) else None


def read_form(
    record: Record, posted: FormData
) -> tuple[Record, forms.Problems, PasserelleError | None]:
    """The record the posted form proposes, the problems beside its fields, and a refusal of
    its accessibility answers (an unknown place or code, a value other than yes / no / empty);
    the answers about a place the same form removes are moot."""
    proposed, problems = forms.proposed_record(record, posted)
    removed = _location_ids(record) - _location_ids(proposed)
    sent = {
        key: str(value)
        for key, value in posted.items()
        if isinstance(value, str) and not any(key.startswith(f"access-{id_}-") for id_ in removed)
    }
    try:
        fragment = accessibility_form.accessibility_patch(proposed, sent)
    except RecordInvalid as error:
        return proposed, problems, error
    if fragment:
        proposed = merge_patch.apply(proposed, fragment)
    return proposed, problems, None


def _location_ids(record: Record) -> set[str]:
    links = record.get("service_at_locations") or []
    return {
        str(link["location"].get("id")) for link in links if isinstance(link.get("location"), dict)
    }


def _access_fields(record: Record, values: forms.Values) -> list[accessibility_form.LocationFields]:
    """The accessibility fieldsets of the record's places, showing what was typed if anything."""
    shown = []
    for location in accessibility_form.fieldsets(record):
        fields = tuple(
            dataclasses.replace(field, value=str(values.get(field.name, field.value)))
            for field in location.fields
        )
        shown.append(dataclasses.replace(location, fields=fields))
    return shown


def form_context(request: Request, record: Record, values: forms.Values) -> dict[str, Any]:
    """What the form's template needs besides `values` and `beside`: the choices, named in the
    portal's language, the weekdays, the number of places and their accessibility fields."""
    lang = request_language(request)
    return {
        "values": values,
        "statuses": forms.STATUSES,
        "languages": forms.language_choices(values, lambda code: language_name(code, lang)),
        "groups": {
            group: [(code, term_name(code, lang)) for code in codes]
            for group, codes in forms.GROUPS.items()
        },
        "weekdays": feedback.weekday_names(lang),
        "location_count": forms.shown_location_count(values),
        "access_fields": _access_fields(record, values),
    }


def refused_fields(
    request: Request,
    _: Translator,
    posted: FormData,
    *,
    problems: forms.Problems | None = None,
    error: PasserelleError | None = None,
    proposed: Record | None = None,
) -> tuple[forms.Values, dict[str, list[str]], list[str]]:
    """A refused form as it was typed: its values, the problems beside each field, and the
    summary at the top naming each field by its label."""
    values = forms.posted_values(posted)
    labels = feedback.form_labels(_, values, request_language(request))
    beside = feedback.problem_texts(_, problems) if problems else {}
    top: list[str] = []
    if error is not None:
        ids = [
            str(values.get(f"{forms.location_prefix(i)}id", ""))
            for i in range(forms.shown_location_count(values))
        ]
        beside, top = feedback.error_fields(
            _, error, canonical(proposed or {}), feedback.location_prefixes(ids), labels
        )
    if not top:
        top = feedback.summary(_, beside, labels)
    return values, beside, top
