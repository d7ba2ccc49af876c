"""The public correction form in the person's language: a public page (its language from `lang`
in the query or the form, then Accept-Language), which never sets a cookie."""

import html as html_lib
import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.api.routes.portal.accounts import hidden
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.partner_fixtures import World
from web.i18n import LANGUAGES, translator


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
