"""Every word of the website and of the portal exists in every language: no page falls back to
English by accident."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from web.i18n import AWAITING_REVIEW, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts" / "extract_messages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DOMAINS = ("messages", "portal")
"""The domains `scripts/extract_messages.py` writes templates for."""


def _catalog(lang: str, domain: str) -> dict[str, str | tuple[str, ...]]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    found: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if message.id and not message.fuzzy:
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            string = message.string
            found[str(key)] = tuple(string) if isinstance(string, tuple | list) else str(string)
    return found


def _used(domain: str) -> dict[str, str | tuple[str, ...]]:
    """msgid -> msgid (or singular -> (singular, plural)) of every string `domain` uses."""
    used: dict[str, str | tuple[str, ...]] = {}
    catalog: Catalog = _extractor().catalog(domain)
    for message in catalog:
        if isinstance(message.id, tuple | list):
            used[str(message.id[0])] = tuple(str(part) for part in message.id)
        elif message.id:
            used[str(message.id)] = str(message.id)
    return used


def test_the_template_lists_every_string_the_pages_use() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert extractor_domains() == DOMAINS
    assert len(_used("messages")) > 100 and len(_used("portal")) > 100


def extractor_domains() -> tuple[str, ...]:
    domains: tuple[str, ...] = _extractor().DOMAINS
    return domains


def test_public_and_portal_words_stay_apart() -> None:
    """The portal's templates are not in the public catalog, and the public correction form's
    words are not in the portal's."""
    public = {location for m in _extractor().catalog("messages") for location, _ in m.locations}
    portal = {location for m in _extractor().catalog("portal") for location, _ in m.locations}
    assert not any("templates/portal/" in location for location in public)
    assert "web/templates/suggest.html" in public and "web/public.py" in public
    portal_code = (
        "api/routes/portal/",
        "web/portal.py",
        "web/portal_",
        "web/audit_view.py",
        "web/outcomes.py",
    )
    assert portal and all(
        "templates/portal/" in location or location.startswith(portal_code) for location in portal
    )


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated(lang: str, domain: str) -> None:
    catalog = _catalog(lang, domain)
    for msgid, source in _used(domain).items():
        translated = catalog.get(msgid)
        assert translated, f"{lang}: missing {msgid!r}"
        forms = translated if isinstance(translated, tuple) else (translated,)
        assert all(forms), f"{lang}: empty translation of {msgid!r}"
        wanted = set(PLACEHOLDER.findall(source if isinstance(source, str) else source[1]))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, f"{lang}: placeholders of {msgid!r}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", sorted(AWAITING_REVIEW))
def test_catalogs_awaiting_review_say_so(lang: str, domain: str) -> None:
    header = (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").read_text().split("msgid", 1)[0]
    assert "awaits review by a native speaker" in header


REGISTER: dict[str, re.Pattern[str]] = {
    "nl": re.compile(r"\b(u|uw|bent u)\b"),
    "ro": re.compile(r"\b(sunteți|sunați|puteți|aveți|dumneavoastră)\b", re.IGNORECASE),
    "de": re.compile(r"\b(du|dich|dir|dein|deine|ruf)\b"),
    "es": re.compile(r"\b(usted|llame|está en peligro)\b", re.IGNORECASE),
}
"""The form of address a language's public texts avoid: Dutch, Romanian and Spanish speak to
the person as "je" / "tu" / "tú", German as "Sie" (review B14: one notice mixed both)."""


@pytest.mark.parametrize("lang", sorted(REGISTER))
@pytest.mark.parametrize("domain", ["matcher", "messages", "taxonomy"])
def test_public_texts_speak_to_the_person_in_one_register(lang: str, domain: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    mixed = [m.string for m in catalog if m.id and isinstance(m.string, str)]
    mixed = [text for text in mixed if REGISTER[lang].search(text)]
    assert not mixed
