"""Taxonomy labels: what a person reads next to each "what do you need help with" checkbox."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from directory.taxonomy import BY_CODE, PREFIXES, TERMS, Need, codes_with_prefix
from web import i18n
from web.i18n import LANGUAGES
from web.labels import need_label, term_description, term_name

CODES = [term.code for term in TERMS]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_has_a_name_and_description_in_every_language(lang: str) -> None:
    for code in CODES:
        term = BY_CODE[code]
        name, description = term_name(code, lang), term_description(code, lang)
        assert name.strip() and description.strip(), (lang, code)
        if lang == "en":
            assert (name, description) == (term.name, term.description)
        else:
            strings = i18n.translator(lang, "taxonomy").strings
            assert (name, description) == (strings[term.name], strings[term.description])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("prefix", sorted(PREFIXES))
def test_names_within_a_group_are_distinct(lang: str, prefix: str) -> None:
    """Two checkboxes with the same label would leave a person unable to choose."""
    names = [term_name(code, lang).casefold() for code in codes_with_prefix(prefix)]
    assert len(set(names)) == len(names), (lang, prefix, names)


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("need.housing", "fr", "Logement"),
        ("need.housing", "nl", "Huisvesting"),
        ("need.housing", "de", "Wohnen"),
        ("need.legal_migration", "fr-BE", "Papiers et séjour"),
        ("welcome.undocumented", "nl-BE", "Open voor mensen zonder papieren"),
        ("welcome.undocumented", "es", "Abierto a personas sin papeles"),
        ("audience.sex_workers", "fr", "Travailleur·euses du sexe"),
        ("audience.sex_workers", "nl", "Sekswerkers"),
        ("audience.sex_workers", "de", "Sexarbeitende"),
        ("need.exit_programme", "ro", "Renunțarea la munca sexuală"),
        ("need.emergency_shelter", "bg", "Спешен подслон"),
        ("need.housing", "xx", "Housing"),
        ("need.housing", "", "Housing"),
    ],
)
def test_term_name(code: str, lang: str, expected: str) -> None:
    assert term_name(code, lang) == expected


def test_term_description_in_a_language() -> None:
    assert term_description("offers.anonymous", "nl") == "Je hoeft je naam niet te geven."
    assert term_description("offers.anonymous", "en") == "You do not have to give your name."


@pytest.mark.parametrize("code", ["need.unknown", "other.housing", "housing", "", "NEED.HOUSING"])
def test_unknown_code_gives_the_code_itself(code: str) -> None:
    assert term_name(code, "fr") == code
    assert term_description(code, "fr") == code


@pytest.mark.parametrize("lang", LANGUAGES)
def test_need_label_is_the_name_of_the_need_term(lang: str) -> None:
    for need in Need:
        assert need_label(need.value, lang) == term_name(f"need.{need.value}", lang)


def test_need_label() -> None:
    assert need_label("housing", "fr") == "Logement"
    assert need_label("housing", "en") == "Housing"
    assert need_label("crisis_line", "de") == "Hilfetelefon"


@pytest.mark.parametrize("word", ["unknown", "need.housing", "", "free"])
def test_need_label_of_an_unknown_need_is_the_word(word: str) -> None:
    assert need_label(word, "fr") == word


PARTIAL_FRENCH = """msgid ""
msgstr ""
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Housing"
msgstr "Logement"

msgid "Help to find or keep a place to live."
msgstr ""
"""


@pytest.fixture
def partial_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "taxonomy.po").write_text(PARTIAL_FRENCH, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._load.cache_clear()
    yield
    i18n._load.cache_clear()


@pytest.mark.usefixtures("partial_french")
def test_missing_translation_gives_english() -> None:
    assert term_name("need.housing", "fr") == "Logement"
    assert term_description("need.housing", "fr") == "Help to find or keep a place to live."
    assert term_name("need.training", "fr") == "Training"
