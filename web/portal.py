"""The portal's words: labels of stored codes, form limits, errors in words for people, and the
rows of the curator's queue. No HTTP and no SQL here: `api/routes/portal/` reads the directory
and the request, then asks this module what to say.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from directory.errors import (
    FieldError,
    InvalidInput,
    PasserelleError,
    codes_of,
)
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE
from web.i18n import N_, Translator

STATUS_LABELS = {
    "active": N_("active"),
    "temporarily closed": N_("temporarily closed"),
    "inactive": N_("inactive"),
    "defunct": N_("defunct"),
}
"""HSDS service statuses (the form sends the code, the page shows the word)."""
KIND_LABELS = {"update": N_("change"), "create": N_("new service")}
WHO_LABELS = {"partner": N_("partner"), "curator": N_("curator"), "import": N_("import")}
ACTION_LABELS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("removed"),
    "suspend": N_("suspended"),
    "unsuspend": N_("made public again"),
}
FIELD_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "url": N_("Web address"),
    "email": N_("E-mail"),
    "languages": N_("Languages spoken"),
    "status": N_("Status"),
    "beds_available": N_("Free beds"),
    "reason": N_("Reason"),
    "service_id": N_("Service id"),
}
"""The portal forms' fields, as their labels call them (errors name the field this way)."""
FIELD_PROBLEMS: dict[str, str] = {
    "reason_required": N_("please give a reason."),
    "beds_invalid": N_("please write a whole number from 0 to 100000."),
    "web_address": N_("please write a web address starting with http:// or https://."),
    "not_a_uri": N_("please write a full web address, such as https://example.org."),
    "not_an_email": N_("please write an e-mail address, such as name@example.org."),
    "not_a_language": N_(
        "please write two-letter language codes, such as fr, nl, en, separated by commas."
    ),
    "not_offered": N_("please choose one of the values offered."),
    "required": N_("please fill this in."),
}
"""A problem on a field of a portal form, in words for people, by the problem's code
(`FieldError.code`)."""
ERROR_WORDS: dict[str, str] = {
    "not_found": N_("This was not found: it may have been dealt with or removed meanwhile."),
    "conflict": N_("This no longer applies: it changed meanwhile. Please check the page again."),
    "precondition_failed": N_(
        "The service changed since you opened this page: check it and send your change again."
    ),
    "change_waiting": N_(
        "Your change waits for a curator's review: once it is decided, you can confirm that "
        "the listing is still accurate."
    ),
    "forbidden": N_("You are not allowed to do this."),
    "unavailable": N_("The directory cannot be reached right now. Please try again in a moment."),
    "invalid_input": N_("Something in the form could not be used. Please check it."),
}
"""A domain error in words for the portal's people, by the error's code (`PasserelleError.code`;
an error without words of its own has those of the kind it is a case of)."""
SOMETHING_WENT_WRONG = N_("Something went wrong on our side. Please try again.")
PAGE_ERRORS = {
    403: N_("You are not allowed to see this page."),
    404: N_("This page does not exist."),
    429: N_("Too many attempts: please wait a moment and try again."),
    503: N_("The directory cannot be reached right now. Please try again in a moment."),
}
REFUSALS: dict[str, str] = {
    "form_expired": N_("This form has expired or was not sent from the portal."),
    "partners_only": N_("This page is for partner organisations."),
    "curators_only": N_("This page is for curators."),
    "page_not_found": N_("This page does not exist."),
}
"""The portal's own refusals (`api.errors.Refused`), by code."""
PAGE_WORDS = {**ERROR_WORDS, **REFUSALS}
SOMETHING_WRONG_HEADING = N_("Something went wrong")
NO_SUCH_SERVICE = N_("No such service.")
NEW_SERVICE = N_("New service")
COVERAGE_TITLE = N_("Reachable services per need and province")
SIGN_IN_EXPIRED = N_("This form has expired: open the sign-in page again.")
WRONG_PASSWORD = N_("Wrong e-mail or password.")
HEADINGS = {
    401: N_("Sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Please check"),
    412: N_("Please check"),
    422: N_("Please check"),
    429: N_("Please wait"),
}


def labels(_: Translator) -> dict[str, Callable[[str], str]]:
    """Functions that name a stored code in the page's language (unknown codes stay as they are)."""

    def labeller(known: Mapping[str, str]) -> Callable[[str], str]:
        return lambda code: _(known[code]) if code in known else code

    return {
        "status_label": labeller(STATUS_LABELS),
        "kind_label": labeller(KIND_LABELS),
        "who_label": labeller(WHO_LABELS),
        "action_label": labeller(ACTION_LABELS),
    }


def page_error(
    _: Translator, status: int, codes: Sequence[str] = (), fields: Sequence[str] = ()
) -> tuple[str, str]:
    """The heading and text of the page for an error on a portal route, chosen by what went
    wrong: the form's fields that could not be used, else the first of `codes` (most specific
    first) the portal has words for, else a plain sentence for the status."""
    if fields:
        named = ", ".join(field_label(_, field) for field in fields)
        text = _("These fields cannot be used as sent: {fields}.", fields=named)
    else:
        words = next((PAGE_WORDS[code] for code in codes if code in PAGE_WORDS), None)
        text = _(words or PAGE_ERRORS.get(status, SOMETHING_WENT_WRONG))
    return _(HEADINGS.get(status, SOMETHING_WRONG_HEADING)), text


def error_texts(_: Translator, error: PasserelleError) -> list[str]:
    """What went wrong, in words for the portal's people, naming each field by its label."""
    if isinstance(error, InvalidInput) and error.errors:
        return [field_problem(_, item) for item in error.errors]
    words = next((ERROR_WORDS[code] for code in codes_of(error) if code in ERROR_WORDS), None)
    return [_(words or SOMETHING_WENT_WRONG)]


def field_label(_: Translator, field: str) -> str:
    """A form field as its label calls it (a field the forms do not have keeps its name)."""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def problem_code(item: FieldError) -> str:
    """The code of a field's problem ("" for one the portal has no words for)."""
    return item.code


def field_problem(_: Translator, item: FieldError) -> str:
    name = item.field.split(".", 1)[0].split("[", 1)[0]
    field = _(FIELD_LABELS[name]) if name in FIELD_LABELS else item.field
    problem = FIELD_PROBLEMS.get(problem_code(item))
    if problem:
        return _("{field}: {problem}", field=field, problem=_(problem))
    return _("{field}: this value cannot be used ({problem}).", field=field, problem=item.message)


def beds(record: Mapping[str, Any]) -> str:
    """The free beds a record says, as the capacity form shows them ("" when it says none)."""
    for attribute in record.get("attributes", []):
        if (attribute.get("taxonomy_term") or {}).get("code") == CAPACITY_BEDS_AVAILABLE:
            return str(attribute.get("value", ""))
    return ""


# --- the curator's queue -------------------------------------------------------------------------


class Waiting(Protocol):
    """A change waiting for review, as the queue shows it."""

    @property
    def id(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def organization_id(self) -> str: ...
    @property
    def record(self) -> Mapping[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...


def minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def change_row(
    change: Waiting,
    *,
    kind: str,
    services: Mapping[str, str],
    organizations: Mapping[str, str],
    **details: Any,
) -> dict[str, Any]:
    """A waiting change as a row of the queue; `details`: its diff, touches and notes."""
    return {
        "id": change.id,
        "name": change.record.get("name") or services.get(change.service_id, ""),
        "kind": kind,
        "created_at": minute(change.created_at),
        "service_id": change.service_id,
        "organization_id": change.organization_id,
        "organization": organizations.get(change.organization_id, change.organization_id),
        **details,
    }


def suggestion_row(
    suggestion_id: str, service_id: str, message: str, created_at: datetime, name: str
) -> dict[str, Any]:
    return {
        "id": suggestion_id,
        "service_id": service_id,
        "name": name,
        "message": message,
        "created_at": minute(created_at),
    }


def suspended_row(service_id: str, reason: str, since: datetime, name: str) -> dict[str, Any]:
    return {
        "service_id": service_id,
        "name": name,
        "reason": reason,
        "since": since.strftime("%Y-%m-%d"),
    }


PROVINCE_NAMES: dict[str, str] = {
    "BE-BRU": N_("Brussels"),
    "BE-VAN": N_("Antwerp"),
    "BE-VBR": N_("Flemish Brabant"),
    "BE-VLI": N_("Limburg"),
    "BE-VOV": N_("East Flanders"),
    "BE-VWV": N_("West Flanders"),
    "BE-WBR": N_("Walloon Brabant"),
    "BE-WHT": N_("Hainaut"),
    "BE-WLG": N_("Liège"),
    "BE-WLX": N_("Luxembourg"),
    "BE-WNA": N_("Namur"),
}
"""The coverage report's columns: the provinces and the Brussels-Capital Region, to translate."""


def field_says(_: Translator, label: str, problem: str) -> str:
    """A problem beside the field it is about, both msgids of the portal catalog."""
    return _("{field}: {problem}", field=_(label), problem=_(problem))


def too_soon(_: Translator, seconds: int) -> str:
    """Why a sign-in must wait, and for how long."""
    return _.ngettext(
        "Too many attempts: try again in {n} second.",
        "Too many attempts: try again in {n} seconds.",
        seconds,
    )
