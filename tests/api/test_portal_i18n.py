"""The public correction form and the portal in the people's languages.

The correction form is a public page: its language comes from `lang` (query or form), then
Accept-Language, and it never sets a cookie. The portal takes `lang` from the query, remembers it
in its signed session cookie, and falls back to Accept-Language.
"""

import html as html_lib
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.api.test_portal import CURATOR, PARTNER, PASSWORD, hidden, world
from tests.partner_fixtures import World
from web.i18n import LANGUAGES, LOCALE_DIR, translator

__all__ = ["world"]

TAGS = re.compile(r"<[^>]+>")
ENGLISH_ONLY = {"Accept-Language": "en"}


def text_of(page: str) -> str:
    """What a person reads: the page without its tags, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(TAGS.sub(" ", page)).split())


@cache
def english_sentences(domain: str, lang: str) -> frozenset[str]:
    """English msgids of `domain` of two words or more whose `lang` translation differs."""
    with (LOCALE_DIR.parent / "locale" / f"{domain}.pot").open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    words = translator(lang, domain)
    found = set()
    for msgid in ids:
        source = str(msgid[0] if isinstance(msgid, tuple | list) else msgid)
        fixed = source.split("{", 1)[0].strip()  # the English words before any placeholder
        if len(fixed.split()) >= 2 and words(source) != source:
            found.add(fixed)
    return frozenset(found)


def assert_no_english_left(page: str, domain: str, lang: str = "fr") -> None:
    shown = text_of(page)
    left = sorted(sentence for sentence in english_sentences(domain, lang) if sentence in shown)
    assert not left, f"English left on a {lang} page: {left}"


# --- the public correction form ----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_correction_form_speaks_the_persons_language(
    client: TestClient, world: World, lang: str
) -> None:
    _ = translator(lang)
    label = _("What should be corrected?")
    chosen = client.get(f"/suggest/{world.service_a}?lang={lang}", headers=ENGLISH_ONLY)
    negotiated = client.get(
        f"/suggest/{world.service_a}", headers={"Accept-Language": f"{lang}-BE,{lang};q=0.9"}
    )
    for form in (chosen, negotiated):
        assert form.status_code == 200
        assert f'<html lang="{lang}">' in form.text
        assert escape(label) in form.text and "Alpha beds" in form.text
        assert 'id="quick-exit"' in form.text and 'rel="noreferrer"' in form.text
        assert f'href="/suggest/{world.service_a}?lang=nl"' in form.text  # language links
        assert hidden(form.text, "lang") == lang
        assert "set-cookie" not in form.headers
    token = hidden(chosen.text, "token")

    empty = client.post(
        f"/suggest/{world.service_a}",
        data={"message": "  ", "token": token, "lang": lang},
        headers=ENGLISH_ONLY,
    )
    assert empty.status_code == 422 and f'<html lang="{lang}">' in empty.text
    error = _("{field}: please write what is wrong or out of date.", field=label)
    assert escape(error) in empty.text
    assert hidden(empty.text, "lang") == lang  # the next try keeps the language too

    sent = client.post(
        f"/suggest/{world.service_a}",
        data={"message": "The phone number changed.", "token": token, "lang": lang},
        headers=ENGLISH_ONLY,
    )
    assert sent.status_code == 200 and f'<html lang="{lang}">' in sent.text
    thanks = _("Thank you. A curator will check it. Nothing about you was kept.")
    assert escape(thanks) in sent.text
    assert f'href="/services/{world.service_a}?lang={lang}"' in sent.text
    assert all("set-cookie" not in answer.headers for answer in (empty, sent))


@pytest.mark.parametrize("lang", ["fr", "nl", "bg"])
def test_correction_form_errors_are_pages_in_the_persons_language(
    client: TestClient, world: World, lang: str
) -> None:
    _ = translator(lang)
    label = _("What should be corrected?")
    form = client.get(f"/suggest/{world.service_a}?lang={lang}")
    token = hidden(form.text, "token")
    long = client.post(
        f"/suggest/{world.service_a}", data={"message": "x" * 2001, "token": token, "lang": lang}
    )
    assert long.status_code == 422 and long.headers["content-type"].startswith("text/html")
    too_long = _("{field}: please write at most {limit} characters.", field=label, limit=2000)
    assert escape(too_long) in long.text

    forged = client.post(
        f"/suggest/{world.service_a}",
        data={"message": "Closed on Mondays now.", "token": "forged", "lang": lang},
    )
    assert forged.status_code == 403 and f'<html lang="{lang}">' in forged.text
    assert "Closed on Mondays now." in forged.text  # the person's text is not lost
    assert hidden(forged.text, "token") != "forged"

    missing = client.get(f"/suggest/no-such-service?lang={lang}")
    assert missing.status_code == 404 and f'<html lang="{lang}">' in missing.text
    assert escape(_("This page does not exist")) in missing.text
    assert 'id="quick-exit"' in missing.text
    for answer in (long, forged, missing):
        assert "set-cookie" not in answer.headers
        assert_no_english_left(answer.text, "messages", lang)


def test_french_correction_form_has_no_english_left(client: TestClient, world: World) -> None:
    service = client.get(f"/services/{world.service_a}?lang=fr")
    link = re.search(r'href="(/suggest/[^"]+)"', service.text)
    assert link and link.group(1).endswith("?lang=fr")
    form = client.get(html_lib.unescape(link.group(1)), headers=ENGLISH_ONLY)
    assert '<html lang="fr">' in form.text
    assert_no_english_left(form.text, "messages")


# --- the portal --------------------------------------------------------------------------------


def sign_in(client: TestClient, email: str, lang: str) -> str:
    """Signs in from the login page in `lang`; returns the session's CSRF token."""
    form = client.get(f"/portal/login?lang={lang}", headers=ENGLISH_ONLY)
    assert hidden(form.text, "lang") == lang
    answer = client.post(
        "/portal/login",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": hidden(form.text, "csrf_token"),
            "lang": lang,
        },
        headers=ENGLISH_ONLY,
    )
    assert answer.status_code == 200, answer.text
    return hidden(answer.text, "csrf_token")


@pytest.mark.parametrize(("lang", "password_label"), [("fr", "Mot de passe"), ("nl", "Wachtwoord")])
def test_login_page_in_french_and_dutch(
    client: TestClient, world: World, lang: str, password_label: str
) -> None:
    chosen = client.get(f"/portal/login?lang={lang}", headers=ENGLISH_ONLY)
    negotiated = client.get("/portal/login", headers={"Accept-Language": f"{lang}-BE"})
    for page in (chosen, negotiated):
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
        assert f'<label for="password">{password_label}</label>' in page.text
        assert 'href="/portal/login?lang=de"' in page.text  # the language choice
        # nobody is signed in: no session cookie, only the sign-in form's own (login CSRF, F13)
        assert page.headers["set-cookie"].startswith("passerelle_login=")
        assert "passerelle_portal" not in page.headers["set-cookie"]
        assert_no_english_left(page.text, "portal", lang)
    wrong = client.post(
        "/portal/login",
        data={
            "email": PARTNER,
            "password": "not it",
            "csrf_token": hidden(chosen.text, "csrf_token"),
            "lang": lang,
        },
        headers=ENGLISH_ONLY,
    )
    assert wrong.status_code == 401 and f'<html lang="{lang}">' in wrong.text
    assert escape(translator(lang, "portal")("Wrong e-mail or password.")) in wrong.text


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_partner_pages_in_french_and_dutch(client: TestClient, world: World, lang: str) -> None:
    _ = translator(lang, "portal")
    csrf = sign_in(client, PARTNER, lang)
    services = client.get("/portal/services", headers=ENGLISH_ONLY)  # remembered, not negotiated
    edit = client.get(f"/portal/services/{world.service_a}", headers=ENGLISH_ONLY)
    beds = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": "-2", "csrf_token": csrf},
        headers=ENGLISH_ONLY,
    )
    published = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": "3", "csrf_token": csrf},
        headers=ENGLISH_ONLY,
    )
    long_name = client.post(
        f"/portal/services/{world.service_a}",
        data={"name": "x" * 501, "etag": hidden(edit.text, "etag"), "csrf_token": csrf},
        headers=ENGLISH_ONLY,
    )
    assert services.status_code == 200 and "Alpha beds" in services.text
    assert edit.status_code == 200 and published.status_code == 200
    assert beds.status_code == 422 and long_name.status_code == 422
    for page in (services, edit, beds, published, long_name):
        assert f'<html lang="{lang}">' in page.text
        assert_no_english_left(page.text, "portal", lang)
    assert escape(_("My services")) in services.text
    whole_number = _(
        "{field}: {problem}",
        field=_("Free beds"),
        problem=_("please write a whole number from 0 to 100000."),
    )
    assert escape(whole_number) in beds.text
    assert escape(_.ngettext("Published: {n} free bed.", "", 3)) in published.text
    too_long = _("{field}: please write at most {limit} characters.", field=_("Name"), limit=500)
    assert escape(too_long) in long_name.text


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_curator_pages_in_french_and_dutch(client: TestClient, world: World, lang: str) -> None:
    _ = translator(lang, "portal")
    client.post(
        f"/suggest/{world.service_a}",
        data={
            "message": "New phone.",
            "token": hidden(client.get(f"/suggest/{world.service_a}").text, "token"),
        },
    )
    csrf = sign_in(client, CURATOR, lang)
    pages = [client.get(path, headers=ENGLISH_ONLY) for path in ("/portal/queue", "/portal/audit")]
    pages.append(client.get("/portal/stale?months=0", headers=ENGLISH_ONLY))
    change = client.post(
        "/portal/changes/no-such-change/reject",
        data={"reason": "", "csrf_token": csrf},
        headers=ENGLISH_ONLY,
    )
    pages.append(change)
    for page in pages:
        assert f'<html lang="{lang}">' in page.text
        assert_no_english_left(page.text, "portal", lang)
    queue, audit, stale, _rejected = pages
    assert escape(_("Corrections suggested by the public")) in queue.text
    assert "New phone." in queue.text
    assert escape(_("Audit log")) in audit.text
    assert escape(_("Services to check")) in stale.text
    assert change.status_code == 422  # an empty reason is refused before the change is looked up


def test_a_language_chosen_in_the_portal_is_remembered(client: TestClient, world: World) -> None:
    sign_in(client, PARTNER, "nl")
    switched = client.get("/portal/services?lang=fr", headers=ENGLISH_ONLY)
    assert '<html lang="fr">' in switched.text
    assert 'href="/portal/services?lang=nl"' in switched.text
    cookie = switched.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/portal" in cookie
    later = client.get(f"/portal/services/{world.service_a}", headers=ENGLISH_ONLY)
    assert '<html lang="fr">' in later.text


def test_portal_error_pages_are_translated(client: TestClient, world: World) -> None:
    sign_in(client, PARTNER, "nl")
    refused = client.get("/portal/queue")
    assert refused.status_code == 403 and '<html lang="nl">' in refused.text
    _ = translator("nl", "portal")
    assert escape(_("This page is for curators.")) in refused.text
    assert_no_english_left(refused.text, "portal", "nl")


def test_english_msgid_list_is_not_empty() -> None:
    assert len(english_sentences("portal", "fr")) > 50
    assert len(english_sentences("messages", "fr")) > 50
    assert Path(LOCALE_DIR / "portal.pot").exists()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_edit_form_problems_in_words_of_the_portals_language(
    client: TestClient, world: World, lang: str
) -> None:
    _ = translator(lang, "portal")
    csrf = sign_in(client, PARTNER, lang)
    edit = client.get(f"/portal/services/{world.service_a}")
    sent = client.post(
        f"/portal/services/{world.service_a}",
        data={
            "url": "not a web address",
            "email": "nobody",
            "languages": "fr, xx",
            "etag": hidden(edit.text, "etag"),
            "csrf_token": csrf,
        },
    )
    assert sent.status_code == 422
    for label, problem in (
        ("Web address", "please write a full web address, such as https://example.org."),
        ("E-mail", "please write an e-mail address, such as name@example.org."),
        (
            "Languages spoken",
            "please write two-letter language codes, such as fr, nl, en, separated by commas.",
        ),
    ):
        expected = _("{field}: {problem}", field=_(label), problem=_(problem))
        assert escape(expected) in sent.text, expected
    for validator_words in ('is not a "uri"', 'is not a "email"', "is not an ISO 639 language"):
        assert validator_words not in html_lib.unescape(sent.text)
    assert_no_english_left(sent.text, "portal", lang)
