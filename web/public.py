"""The public website's words for its forms and errors: what each search-form field says when it
cannot be used, what the pages say of an error, what the correction form says of a text. No HTTP
and no SQL here: `api/routes/pages.py` and `api/routes/suggest.py` ask this module what to say.
"""

from collections.abc import Sequence
from typing import Any, Protocol

from web import search_form
from web.i18n import N_, Translator, translator
from web.search_form import SearchForm
from web.service_view import ServiceView, language_name, service_view

FIELD_IDS = {
    "needs": "needs-field",
    "languages": "languages-field",
    "documentation_status": "status-field",
    "goal": "goal-field",
    "gender": "gender-field",
    "accessibility": "access-field",
}
"""Where an error's link in the summary leads, for fields that are groups of choices."""
FIELD_MESSAGES: dict[str, str] = {
    "place": N_("We do not know this place. Please check the spelling, or give a postcode."),
    "postcode": N_("We do not know this postcode. Please check it, or give a town."),
    "languages": N_("Please pick from the list."),
    "needs": N_("Please pick from the list."),
    "accessibility": N_("Please pick from the list."),
    "age": N_("Please write your age as a number, for example 24."),
    "text": N_("Please write a shorter text (at most 1000 characters)."),
    "form": N_("Something in the form could not be used. Please check your answers."),
}
"""What a search-form field that cannot be used says (`form`: what no single field explains)."""

NOT_HERE = (
    N_("This page does not exist"),
    N_("The page or service you asked for is not in the directory (any more)."),
)
ERROR_WORDS: dict[int, tuple[str, str]] = {
    404: NOT_HERE,
    422: (
        N_("Please check what you entered"),
        N_(
            "Something in the form could not be used (too long, or not one of the choices). "
            "Please go back and check it. Nothing you entered was kept."
        ),
    ),
    429: (
        N_("Please wait a moment"),
        N_("Too many requests came from here in a short time. Please try again in a minute."),
    ),
    503: (
        N_("The directory cannot be reached right now"),
        N_(
            "Please try again in a few minutes. Nothing you entered was kept. "
            "In an emergency, phone one of these numbers:"
        ),
    ),
}
"""The title and text of a public error page, by status."""
SOMETHING_WENT_WRONG = (
    N_("Sorry, something went wrong"),
    N_("Please try again in a moment. Nothing you entered was kept."),
)

MAX_MESSAGE = 2000
"""Longest correction kept, in characters (the form says so too)."""
FORM_EXPIRED = N_(
    "This form was open for too long, or it was not sent from this site. "
    "Please check your text and send it again."
)


def add_field_error(form: SearchForm, name: str) -> None:
    """Say on the form that field `name` (or `form`, for no field in particular) cannot be used."""
    form.errors.setdefault(name, FIELD_MESSAGES.get(name, FIELD_MESSAGES["form"]))


def form_context(form: SearchForm, lang: str) -> dict[str, Any]:
    """What the search form's template needs: its choices, and its errors in `lang`."""
    messages = translator(lang)
    return {
        "form": form,
        "errors": {name: messages(text) for name, text in form.errors.items()},
        "field_ids": FIELD_IDS,
        "needs": search_form.NEEDS,
        "access_words": search_form.ACCESS_WORDS,
        "statuses": search_form.STATUSES,
        "goals": search_form.GOALS,
        "genders": search_form.GENDERS,
        "common_languages": search_form.COMMON_LANGUAGES,
        "other_languages": sorted(
            ((code, language_name(code, lang)) for code in search_form.OTHER_LANGUAGES),
            key=lambda pair: pair[1].casefold(),
        ),
        "language_name": lambda code: language_name(code, lang),
    }


def error_words(_: Translator, status: int) -> tuple[str, str]:
    """The title and text of the public page for an error of `status`, in `_`'s language."""
    title, text = ERROR_WORDS.get(status, SOMETHING_WENT_WRONG)
    return _(title), _(text)


class Named(Protocol):
    @property
    def name(self) -> str: ...


class Summary(Protocol):
    """What the matcher says of a service (`api.match_models.ServiceSummary`)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def organization(self) -> Named: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def phones(self) -> Sequence[str]: ...
    @property
    def url(self) -> str | None: ...


def summary_view(service: Summary, lang: str) -> ServiceView:
    """What the matcher says of a service: for one the directory no longer holds (changed since
    the index was built), or for every service while the database cannot be reached."""
    record = {
        "id": service.id,
        "name": service.name,
        "organization": {"name": service.organization.name},
        "languages": [{"code": code} for code in service.languages],
        "phones": [{"number": number} for number in service.phones],
        "url": service.url,
    }
    return service_view(record, lang)


def message_errors(_: Translator, message: str) -> dict[str, str]:
    """What is wrong with a correction, by field, in `_`'s language; each text names its field."""
    field = _("What should be corrected?")
    if not message.strip():
        empty = _("{field}: please write what is wrong or out of date.", field=field)
        return {"message": empty}
    if len(message) > MAX_MESSAGE:
        return {
            "message": _(
                "{field}: please write at most {limit} characters.", field=field, limit=MAX_MESSAGE
            )
        }
    return {}
