"""The translation catalogs and language choice: every catalog is complete, valid and consistent."""

import re
import subprocess
import sys
from collections.abc import Iterator
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from directory.taxonomy import TERMS
from web import i18n
from web.i18n import (
    AWAITING_REVIEW,
    DEFAULT_LANGUAGE,
    DOMAINS,
    LANGUAGES,
    LOCALE_DIR,
    negotiate,
    translator,
)

ROOT = Path(__file__).parent.parent.parent
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
TERM_TEXTS = {text for term in TERMS for text in (term.name, term.description)}

IDENTICAL_ALLOWED: dict[str, set[str]] = {
    "de": {"Neutral"},
    "es": {"Neutral"},
}
"""Translations that are rightly spelt like the English msgid (cognates), per language."""
STIGMATISING = ("prostitu", "проститу", "illegal", "illégal", "illegaal", "ilegal", "нелегал")
"""Word stems the catalogs must not use (for sex work, for people without papers)."""


def catalog_id(path: Path) -> str:
    return str(path.relative_to(LOCALE_DIR))


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}", text))


def test_catalogs_exist_for_the_taxonomy_in_every_translated_language() -> None:
    found = {path.parent.parent.name for path in CATALOGS if path.stem == "taxonomy"}
    assert found == set(TRANSLATED)


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_catalog_parses_and_names_its_language(path: Path) -> None:
    lang, domain = path.parent.parent.name, path.stem
    assert lang in LANGUAGES and domain in DOMAINS
    text = path.read_text(encoding="utf-8")
    catalog = read(path)
    assert catalog.charset == "utf-8"
    assert f'"Language: {lang}\\n"' in text
    assert "Content-Type: text/plain; charset=utf-8" in text
    assert len(catalog) > 0


PLURAL_CATEGORIES: dict[str, dict[str, tuple[int, ...]]] = {
    "en": {"one": (1,), "other": (0, 2, 5, 21, 100, 1_000_000)},
    "de": {"one": (1,), "other": (0, 2, 5, 21, 100, 1_000_000)},
    "nl": {"one": (1,), "other": (0, 2, 5, 21, 100, 1_000_000)},
    "bg": {"one": (1,), "other": (0, 2, 5, 21, 100, 1_000_000)},
    "fr": {"one": (0, 1), "many": (1_000_000, 2_000_000), "other": (2, 5, 21, 100, 1_000_001)},
    "es": {"one": (1,), "many": (1_000_000, 2_000_000), "other": (0, 2, 5, 21, 100, 1_000_001)},
    "ro": {"one": (1,), "few": (0, 2, 19, 101, 119), "other": (20, 100, 120, 1_000_000)},
}
"""Numbers that need a grammatically different form, per language (the CLDR plural categories as
a reader hears them, written out here so that no library release decides what a page says)."""


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_plural_forms_header_gives_each_number_its_grammatical_form(path: Path) -> None:
    lang = path.parent.parent.name
    assert "Plural-Forms: nplurals=" in path.read_text(encoding="utf-8"), "header missing"
    catalog = read(path)
    choose = c2py(catalog.plural_expr)
    categories = PLURAL_CATEGORIES[lang]
    assert catalog.num_plurals == len(categories)
    forms = {category: {choose(n) for n in numbers} for category, numbers in categories.items()}
    for category, chosen in forms.items():
        assert len(chosen) == 1, f"{lang}: the numbers of '{category}' get different forms"
    assert len({next(iter(chosen)) for chosen in forms.values()}) == len(categories)
    for n in range(0, 2001):
        assert 0 <= choose(n) < catalog.num_plurals, n


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_plural_message_fills_every_form_of_its_language(path: Path) -> None:
    catalog = read(path)
    for message in catalog:
        if not message.id or not isinstance(message.id, tuple | list):
            continue
        forms = list(message.string or ())
        if path.parent.parent.name == DEFAULT_LANGUAGE and not any(forms):
            continue
        assert len(forms) == catalog.num_plurals, (message.id, forms)
        assert all(str(form).strip() for form in forms), (message.id, forms)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_french_and_spanish_say_de_after_a_million(lang: str) -> None:
    words = translator(lang)
    one, million, two = (
        words.ngettext("We found {n} service.", "We found {n} services.", n)
        for n in (1, 1_000_000, 2)
    )
    assert "1 " in one and " de " not in one
    assert "1000000 de " in million
    assert " de servic" not in two


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_placeholders_in_translations_match_the_source(path: Path) -> None:
    for message in read(path):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple | list):
            allowed = placeholders(str(message.id[0])) | placeholders(str(message.id[1]))
            for form in message.string:
                assert placeholders(str(form)) <= allowed, (message.id, form)
        else:
            assert placeholders(str(message.string)) == placeholders(str(message.id)), message.id


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_term_name_and_description_is_translated(lang: str) -> None:
    catalog = read(LOCALE_DIR / lang / "LC_MESSAGES" / "taxonomy.po")
    translations = {str(m.id): m for m in catalog if m.id}
    missing = TERM_TEXTS - set(translations)
    assert not missing, f"{lang}: untranslated {sorted(missing)}"
    stale = set(translations) - TERM_TEXTS
    assert not stale, f"{lang}: entries for no term {sorted(stale)} (run pybabel update)"
    for text in sorted(TERM_TEXTS):
        message = translations[text]
        translated = str(message.string)
        assert not message.fuzzy, f"{lang}: fuzzy {text!r}"
        assert translated.strip(), f"{lang}: empty {text!r}"
        assert translated == translated.strip(), f"{lang}: stray spaces in {translated!r}"
        if translated == text:
            assert text in IDENTICAL_ALLOWED.get(lang, set()), f"{lang}: left in English {text!r}"


@pytest.mark.parametrize("lang", sorted(IDENTICAL_ALLOWED))
def test_identical_translations_allowed_are_still_needed(lang: str) -> None:
    strings = translator(lang, "taxonomy").strings
    for text in IDENTICAL_ALLOWED[lang]:
        assert strings.get(text) == text


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_says_whether_it_awaits_a_native_speakers_review(lang: str) -> None:
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        comment = read(path).header_comment.lower()
        says_so = "awaits review by a native speaker" in comment
        assert says_so == (lang in AWAITING_REVIEW), path


@pytest.mark.parametrize("lang", TRANSLATED)
def test_taxonomy_wording_is_respectful(lang: str) -> None:
    """No stigmatising words for sex work or for people without papers."""
    strings = " ".join(translator(lang, "taxonomy").strings.values()).lower()
    for word in STIGMATISING:
        assert word not in strings, f"{lang}: {word!r}"


def test_taxonomy_template_is_up_to_date_and_deterministic() -> None:
    script = ROOT / "scripts" / "extract_taxonomy_pot.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_taxonomy_template_holds_every_term_with_its_code() -> None:
    pot = read(LOCALE_DIR / "taxonomy.pot")
    entries = {str(m.id): m for m in pot if m.id}
    assert set(entries) == TERM_TEXTS
    for term in TERMS:
        assert entries[term.name].auto_comments == [f"{term.code} (name)"]
        assert entries[term.description].auto_comments == [f"{term.code} (description)"]
        assert entries[term.name].string == ""


@pytest.mark.parametrize(
    ("explicit", "accept_language", "expected"),
    [
        ("nl", "fr-BE,fr;q=0.9", "nl"),
        ("FR_be", None, "fr"),
        ("ro-RO", "de", "ro"),
        ("xx", "de-DE,de;q=0.9,en;q=0.5", "de"),
        ("", "es", "es"),
        (None, "fr-BE", "fr"),
        (None, "en-GB,fr;q=0.8", "en"),
        (None, "es;q=0.2, nl;q=0.8", "nl"),
        (None, "es;q=0.5, bg;q=0.5", "es"),
        (None, "pt-BR, it;q=0.9, bg;q=0.1", "bg"),
        (None, "fr;q=0, nl;q=0.1", "nl"),
        (None, "fr;q=abc, nl;q=0.3", "nl"),
        (None, "fr;q=2, nl;q=0.3", "nl"),
        (None, "fr;q=nan, de", "de"),
        (None, "fr ; Q = 0.2 , de ; q=0.4", "de"),
        (None, "de;level=1;q=0.1, ro;q=0.2", "ro"),
        (None, "*", "en"),
        (None, "*;q=1, es;q=0.1", "es"),
        (None, "xx, tlh;q=0.9", "en"),
        (None, ";;;,,,q=,==", "en"),
        (None, "", "en"),
        (None, None, "en"),
    ],
)
def test_negotiate(explicit: str | None, accept_language: str | None, expected: str) -> None:
    assert negotiate(explicit, accept_language) == expected


@pytest.mark.parametrize("lang", ["xx", "", "tlh", "english", "*"])
def test_unknown_language_gives_the_english_source(lang: str) -> None:
    taxonomy = translator(lang, "taxonomy")
    assert taxonomy.lang == "en"
    assert taxonomy("Housing") == "Housing"
    assert taxonomy.ngettext("{n} bed", "{n} beds", 3) == "3 beds"


def test_region_tags_share_one_translator() -> None:
    assert translator("fr-BE", "taxonomy") is translator("fr", "taxonomy")
    assert translator("fr-BE", "taxonomy")("Housing") == "Logement"


def test_unknown_domain_is_an_error() -> None:
    with pytest.raises(ValueError, match="domain"):
        translator("fr", "menus")


def test_unknown_message_falls_back_to_the_source_with_its_parameters() -> None:
    assert translator("nl", "taxonomy")("{count} results", count=3) == "3 results"


def test_english_ngettext_picks_singular_or_plural() -> None:
    english = translator("en")
    assert english.ngettext("{n} bed", "{n} beds", 1) == "1 bed"
    assert english.ngettext("{n} bed", "{n} beds", 0) == "0 beds"
    assert english.ngettext("{n} bed in {city}", "{n} beds in {city}", 2, city="Gent") == (
        "2 beds in Gent"
    )


ROMANIAN_TEST_CATALOG = r"""# A test catalog.
msgid ""
msgstr ""
"Language: ro\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);\n"
"Content-Type: text/plain; charset=utf-8\n"

msgid "{n} free bed"
msgid_plural "{n} free beds"
msgstr[0] "{n} pat liber"
msgstr[1] "{n} paturi libere"
msgstr[2] "{n} de paturi libere"

msgid "{n} service"
msgid_plural "{n} services"
msgstr[0] "{n} serviciu"
msgstr[1] ""
msgstr[2] ""

#, fuzzy
msgid "Housing"
msgstr "Ceva greșit"
"""


@pytest.fixture
def tmp_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the catalogs at an empty folder; the real ones are read again afterwards."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._load.cache_clear()
    yield tmp_path
    i18n._load.cache_clear()


def test_romanian_plurals_use_three_forms(tmp_locale: Path) -> None:
    folder = tmp_locale / "ro" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(ROMANIAN_TEST_CATALOG, encoding="utf-8")
    romanian = translator("ro-RO")
    beds = {
        n: romanian.ngettext("{n} free bed", "{n} free beds", n)
        for n in (0, 1, 2, 19, 20, 101, 120)
    }
    assert beds == {
        0: "0 paturi libere",
        1: "1 pat liber",
        2: "2 paturi libere",
        19: "19 paturi libere",
        20: "20 de paturi libere",
        101: "101 paturi libere",
        120: "120 de paturi libere",
    }
    # an incompletely translated plural falls back to English rather than showing a blank
    assert romanian.ngettext("{n} service", "{n} services", 5) == "5 services"
    # a fuzzy entry is not trusted
    assert romanian("Housing") == "Housing"


def test_missing_catalog_gives_english(tmp_locale: Path) -> None:
    assert translator("fr", "taxonomy")("Housing") == "Housing"
