"""Translations: the seven interface languages, language choice, Babel catalogs read at start-up.

Catalogs are plain gettext `.po` files under `web/locale/<lang>/LC_MESSAGES/<domain>.po`, read with
Babel (no compile step, so a fresh clone works as it is). Four domains:

- `messages`: the public website's own words (templates, form errors, the public correction form);
- `portal`: the partner and curator portal (its templates, messages and form errors);
- `matcher`: reasons, cautions and notices of the matcher, shared by the JSON API and the pages;
- `taxonomy`: names and descriptions of the "passerelle" taxonomy terms (msgid = the English text
  in `directory/taxonomy.py`), for the pages, the API and the HSDS taxonomy.

Strings are written and reviewed by people, never machine-translated at run time. A language whose
catalog still awaits a native speaker's review is listed in `AWAITING_REVIEW` and says so in its
header comment.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "fr", "nl", "de", "ro", "bg", "es")
"""Every interface language, in the order of the language switch."""
AWAITING_REVIEW: frozenset[str] = frozenset({"ro", "bg", "es"})
"""Languages whose catalogs still await a native speaker's review."""
NATIVE_NAMES: Mapping[str, str] = {
    "en": "English",
    "fr": "Français",
    "nl": "Nederlands",
    "de": "Deutsch",
    "ro": "Română",
    "bg": "Български",
    "es": "Español",
}
DOMAINS: tuple[str, ...] = ("messages", "portal", "matcher", "taxonomy")


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def supported(lang: str | None) -> str | None:
    """The interface language for a tag such as `fr`, `fr-BE` or `FR_be`, or None."""
    if not lang:
        return None
    primary = lang.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def negotiate(explicit: str | None, accept_language: str | None) -> str:
    """The language to answer in: an explicit choice, else the best of Accept-Language, else en."""
    chosen = supported(explicit)
    if chosen:
        return chosen
    for tag in _accepted(accept_language or ""):
        chosen = supported(tag)
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def _accepted(header: str) -> list[str]:
    """Accept-Language tags, best first (stable for equal weights); malformed parts are skipped."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        weight = _weight(params)
        if tag and tag != "*" and weight is not None and weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def _weight(params: list[str]) -> float | None:
    """The `q` weight among a tag's parameters (1 when absent), or None when it is malformed."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return None
            return weight if 0 <= weight <= 1 else None
    return 1.0


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


@dataclass(frozen=True)
class Translator:
    """The strings of one language and domain; unknown strings fall back to the English source."""

    lang: str
    strings: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural_index: Callable[[int], int] = _english_plural

    def gettext(self, message: str, /, **params: object) -> str:
        text = self.strings.get(message) or message
        return text.format(**params) if params else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        forms = self.plurals.get(singular)
        if forms and all(forms):
            text = forms[min(self.plural_index(n), len(forms) - 1)]
        else:
            text = singular if n == 1 else plural
        return text.format(n=n, **params)


def translator(lang: str, domain: str = "messages") -> Translator:
    """The translator for `lang` (any tag; unsupported ones give English) and `domain`."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown translation domain {domain!r}")
    return _load(supported(lang) or DEFAULT_LANGUAGE, domain)


@cache
def _load(code: str, domain: str) -> Translator:
    """Read one catalog once; keyed by supported language only, so the cache stays small."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"
    if code == DEFAULT_LANGUAGE or not path.exists():
        return Translator(code, {})
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    strings: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            forms = message.string if isinstance(message.string, tuple | list) else ()
            plurals[str(message.id[0])] = tuple(str(form) for form in forms)
        elif message.string:
            strings[str(message.id)] = str(message.string)
    plural_index: Callable[[int], int] = _gettext.c2py(catalog.plural_expr)
    return Translator(code, strings, plurals, plural_index)
