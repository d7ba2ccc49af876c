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
    "hours": "Mo-Fr 9-17 (office)",
    "schedule": "0,1,2,3,4@540-1020",
    "languages": "nl,fr",
    "areas": "Vlaanderen,Bruxelles",
    "area": "Wallonie",
    "items": "listing,eligibility,phone",
    "region": "BE-BRU",
    "features": "step_free,sign_language",
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


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nl",
            "Tele-Onthaal (in het Nederlands; voor: Vlaanderen, Brussel; uren: ma–vr 09:00–17:00)",
        ),
        (
            "fr",
            "Tele-Onthaal (en néerlandais; pour : Flandre, Bruxelles; "
            "horaires : lun.–ven. 09:00–17:00)",
        ),
        ("en", "Tele-Onthaal (in Dutch; for Flanders, Brussels; hours: Mon–Fri 09:00–17:00)"),
    ],
)
def test_a_line_says_its_scope_and_hours_in_the_readers_language(lang: str, expected: str) -> None:
    line = {"name": "Tele-Onthaal", "hours": "", "languages": "nl", "areas": "Vlaanderen,Bruxelles"}
    text = render(message("crisis_line", schedule="0,1,2,3,4@540-1020", **line), lang)
    assert text.endswith(expected)


def test_a_line_open_day_and_night_says_so_and_its_own_words_are_shown_as_published() -> None:
    line = {"name": "L", "languages": "", "areas": ""}
    assert render(message("crisis_line", schedule="24/7", hours="", **line), "nl").endswith(
        "L (dag en nacht)"
    )
    published = render(message("crisis_line", schedule="", hours="weekdays 9-17", **line), "fr")
    assert published.endswith("L (horaires tels que publiés : weekdays 9-17)")
    bare = render(message("crisis_line", schedule="", hours="", **line), "en")
    assert bare == "Helpline: L"


def test_no_notice_promises_help_whatever_the_papers() -> None:
    for lang in LANGUAGES:
        for code in ("trafficking", "trafficking_centre", "trafficking_centres"):
            params = {name: SAMPLE[name] for name in ALL_CODES[code]}
            text = render(message(code, **params), lang).casefold()
            assert "papers" not in text.split("money or papers")[-1]
            assert "quels que soient" not in text and "ongeacht" not in text


@pytest.mark.parametrize(
    ("lang", "name"), [("nl", "Wallonië"), ("en", "Wallonia"), ("de", "Wallonien")]
)
def test_an_area_is_named_in_the_readers_language(lang: str, name: str) -> None:
    assert name in render(message("residence_in_area", area="Wallonie"), lang)


def test_an_area_is_recognised_in_any_language_and_an_unknown_one_kept_as_written() -> None:
    text = render(message("residence_in_area", area="Région flamande, België, Gent"), "nl")
    assert text.endswith("Vlaanderen, België, Gent")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Accessibility not stated: Step-free access, Sign language"),
        ("de", "Barrierefreiheit nicht angegeben: Stufenloser Zugang, Gebärdensprache"),
    ],
)
def test_accessibility_words_are_the_taxonomy_names(lang: str, text: str) -> None:
    features = "step_free,sign_language"
    assert render(message("accessibility_not_stated", features=features), lang) == text
