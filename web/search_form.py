"""The search form: its choices, reading what was sent, and the match request it makes.

Field names are the match API's (`place`, `postcode`, `needs`, `languages`, ...). Nothing read
here is stored or logged; a form that cannot be used comes back filled in, with a friendly message
next to each field in the page's language (messages are msgids of the `messages` catalog).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from directory.taxonomy import Access, DocumentationStatus, Need


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated when the page is rendered."""
    return message


STATUS_WORDS: dict[DocumentationStatus, str] = {
    DocumentationStatus.unknown: N_("I prefer not to say"),
    DocumentationStatus.citizen: N_("I am a citizen of this country"),
    DocumentationStatus.eu_citizen: N_("I am a citizen of another EU country"),
    DocumentationStatus.non_eu_permit: N_("I have a residence permit (from outside the EU)"),
    DocumentationStatus.asylum_seeker: N_("I have asked for asylum"),
    DocumentationStatus.undocumented: N_("I have no papers right now"),
}
STATUSES: tuple[tuple[str, str], ...] = tuple(
    (status.value, STATUS_WORDS[status]) for status in DocumentationStatus
)
GOALS: tuple[tuple[str, str], ...] = (
    ("", N_("I prefer not to say")),
    ("exit", N_("I would like to stop sex work")),
    ("stay_safer", N_("I want to keep working, more safely")),
    ("undecided", N_("I am not sure yet")),
)
GENDERS: tuple[tuple[str, str], ...] = (
    ("unspecified", N_("I prefer not to say")),
    ("woman", N_("Woman")),
    ("man", N_("Man")),
    ("trans", N_("Trans")),
    ("nonbinary", N_("Non-binary")),
)
COMMON_LANGUAGES: tuple[str, ...] = (
    "en", "fr", "nl", "de", "ro", "bg", "es", "hu", "pl", "pt", "it", "ar", "ru", "uk", "tr",
)  # fmt: skip
OTHER_LANGUAGES: tuple[str, ...] = (
    "sq", "am", "bn", "zh", "cs", "fa", "el", "ha", "hi", "ig", "ku", "lt", "lv", "ps", "sr",
    "sk", "so", "sw", "th", "ti", "tl", "ur", "vi", "yo",
)  # fmt: skip
NEEDS: tuple[str, ...] = tuple(need.value for need in Need)
ACCESS_WORDS: tuple[str, ...] = tuple(word.value for word in Access)
TRUE = frozenset({"true", "on", "1", "yes"})
MAX_TEXT = 1000
MAX_PLACE = 100
PAGE_SIZE = 10
"""Results shown at first; "More results" shows this many more each time ..."""
MAX_RESULTS = 50
"""... up to the match API's largest `limit`."""
UNUSABLE = N_("Something in the form could not be used. Please check your answers.")


@dataclass
class SearchForm:
    """What the person sent, as they sent it (to fill the form again), and what was wrong."""

    place: str = ""
    postcode: str = ""
    needs: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    documentation_status: str = DocumentationStatus.unknown
    goal: str = ""
    gender: str = "unspecified"
    age: str = ""
    in_danger_now: bool = False
    controlled_by_someone: bool = False
    anonymous_only: bool = False
    free_only: bool = False
    accessibility: list[str] = field(default_factory=list)
    """`access.` words asked for (checkboxes)."""
    text: str = ""
    limit: int = PAGE_SIZE
    """How many results to show (more after "More results")."""
    errors: dict[str, str] = field(default_factory=dict)
    """field name (or `form`) -> msgid of what is wrong."""
    suggestions: list[str] = field(default_factory=list)
    """Known places close to an unknown one."""

    @property
    def other_language(self) -> str:
        return next((code for code in self.languages if code not in COMMON_LANGUAGES), "")

    def more(self, total: int) -> int | None:
        """How many results "More results" shows, or None when all (or the most) are shown."""
        if total <= self.limit or self.limit >= MAX_RESULTS:
            return None
        return min(self.limit + PAGE_SIZE, MAX_RESULTS)


def _values(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in items:
        values.setdefault(name, []).append(value.strip())
    return values


def _one(values: dict[str, list[str]], name: str) -> str:
    return next((value for value in values.get(name, ()) if value), "")


def _choice(form: SearchForm, name: str, value: str, allowed: Iterable[tuple[str, str]]) -> None:
    if value in {code for code, _ in allowed}:
        setattr(form, name, value)
    else:
        form.errors[name] = N_("Please pick one of the choices.")


def read_form(items: Iterable[tuple[str, str]]) -> SearchForm:
    """The form as sent, checked: `errors` says what cannot be used."""
    values = _values(items)
    form = SearchForm(
        place=_one(values, "suggested_place") or _one(values, "place"),
        postcode=_one(values, "postcode"),
        needs=list(dict.fromkeys(v for v in values.get("needs", ()) if v)),
        languages=list(dict.fromkeys(v.lower() for v in values.get("languages", ()) if v)),
        age=_one(values, "age"),
        text=_one(values, "text"),
        in_danger_now=_flag(values, "in_danger_now"),
        controlled_by_someone=_flag(values, "controlled_by_someone"),
        anonymous_only=_flag(values, "anonymous_only"),
        free_only=_flag(values, "free_only"),
        accessibility=list(dict.fromkeys(v for v in values.get("accessibility", ()) if v)),
    )
    status = _one(values, "documentation_status") or DocumentationStatus.unknown
    _choice(form, "documentation_status", status, STATUSES)
    _choice(form, "goal", _one(values, "goal"), GOALS)
    _choice(form, "gender", _one(values, "gender") or "unspecified", GENDERS)
    _limit(form, _one(values, "limit"))
    _check(form)
    return form


def _limit(form: SearchForm, value: str) -> None:
    if not value:
        return
    if value.isdigit() and 1 <= int(value) <= MAX_RESULTS:
        form.limit = int(value)
    else:  # only a changed page sends another number: the form has no field for it
        form.errors["form"] = UNUSABLE


def _flag(values: dict[str, list[str]], name: str) -> bool:
    return _one(values, name).lower() in TRUE


def _check(form: SearchForm) -> None:
    if len(form.place) > MAX_PLACE:
        form.errors["place"] = N_("This name is too long. Please write only the town.")
    if len(form.postcode) > 10 or (form.postcode and not form.postcode.isalnum()):
        form.errors["postcode"] = N_("A postcode has only digits or letters, like 1000.")
    if any(need not in NEEDS for need in form.needs):
        form.errors["needs"] = N_("Please pick from the list.")
        form.needs = [need for need in form.needs if need in NEEDS]
    if any(word not in ACCESS_WORDS for word in form.accessibility):
        form.errors["accessibility"] = N_("Please pick from the list.")
        form.accessibility = [word for word in form.accessibility if word in ACCESS_WORDS]
    if any(not (code.isalpha() and 2 <= len(code) <= 3) for code in form.languages):
        form.errors["languages"] = N_("Please pick from the list.")
        form.languages = [c for c in form.languages if c.isalpha() and 2 <= len(c) <= 3]
    if form.age and not form.age.isdigit():
        form.errors["age"] = N_("Please write your age as a number, for example 24.")
    elif form.age and not 0 < int(form.age) <= 120:
        form.errors["age"] = N_("Please write an age between 1 and 120.")
    if len(form.text) > MAX_TEXT:
        form.errors["text"] = N_("Please write a shorter text (at most 1000 characters).")
    if not (form.place or form.postcode or form.needs or form.text or form.in_danger_now
            or form.controlled_by_someone):  # fmt: skip
        form.errors["form"] = N_(
            "Please tell us at least where you are or what you need, then search again."
        )


def match_body(form: SearchForm, *, lang: str) -> dict[str, Any]:
    """The `POST /v1/match` body for a form without errors."""
    body: dict[str, Any] = {
        "languages": form.languages,
        "documentation_status": form.documentation_status,
        "needs": form.needs,
        "gender": form.gender,
        "situation": {
            "in_danger_now": form.in_danger_now,
            "controlled_by_someone": form.controlled_by_someone,
        },
        "anonymous_only": form.anonymous_only,
        "free_only": form.free_only,
        "accessibility": form.accessibility,
        "lang": lang,
        "limit": form.limit,
    }
    if form.postcode:
        body["location"] = {"postcode": form.postcode}
    elif form.place:
        body["location"] = {"place": form.place}
    if form.goal:
        body["goal"] = form.goal
    if form.age:
        body["age"] = int(form.age)
    if form.text:
        body["text"] = form.text
    return body
