"""Every reason, caution and notice code has words in every catalog and renders its params."""

import pytest
from babel.messages.pofile import read_po

from matcher.messages import ALL_CODES, message
from matcher.person import STATUSES
from web.i18n import LANGUAGES, LOCALE_DIR
from web.messages import NEED_NAMES, TEXTS, every_msgid, render

SAMPLE: dict[str, str | int | float] = {
    "km": 1.5,
    "place": "Liège",
    "language": "ro",
    "need": "housing",
    "status": "undocumented",
    "beds": 3,
    "months": 14,
    "groups": "women,trans",
    "phone": "112",
    "name": "Test line",
    "hours": "24/7",
    "area": "Wallonie",
    "items": "listing,eligibility,phone",
    "region": "BE-BRU",
}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_msgid_is_translated(lang: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "matcher.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = [msgid for msgid in every_msgid() if msgid not in translated]
    assert not missing


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_every_code_renders_with_its_params(lang: str, code: str) -> None:
    params = {name: SAMPLE[name] for name in ALL_CODES[code]}
    text = render(message(code, **params), lang)
    assert text and "{" not in text
    if "phone" in params:
        assert "112" in text


def test_every_status_and_need_has_words() -> None:
    for status in STATUSES:
        assert render(message("welcomes_status", status=status), "fr")
    assert set(NEED_NAMES) >= {"housing", "legal_migration", "exit_programme"}
    assert set(TEXTS) == set(ALL_CODES) - {"welcomes_status", "in_region"}


def test_unknown_language_falls_back_to_english() -> None:
    assert render(message("speaks", language="ro"), "xx") == "Speaks Romanian"
    assert render(message("distance", km=1.2), "fr") == "À 1,2 km"
