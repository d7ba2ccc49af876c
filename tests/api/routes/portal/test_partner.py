"""A partner's pages: edits that wait for review, free beds, "still accurate", in their language."""

import html as html_lib
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine

from directory.changes import review
from tests.api.routes.portal.accounts import CURATOR, PARTNER, hidden, sign_in, sign_in_in_language
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.builders import new_id
from tests.partner_fixtures import World
from web.i18n import translator


def test_partner_edit_then_curator_approves(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    form = client.get(f"/portal/services/{world.service_a}")
    assert form.status_code == 200 and "Alpha beds" in form.text
    answer = client.post(
        f"/portal/services/{world.service_a}",
        data={
            "name": "Alpha night beds",
            "description": "Beds for the night.",
            "languages": "fr, nl",
            "status": "active",
            "etag": hidden(form.text, "etag"),
            "csrf_token": csrf,
        },
    )
    assert answer.status_code == 200 and "waits for a curator" in answer.text
    stale = client.post(
        f"/portal/services/{world.service_a}",
        data={
            "name": "Lost update",
            "status": "active",
            "etag": hidden(form.text, "etag"),
            "csrf_token": csrf,
        },
    )
    assert stale.status_code == 412
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha beds"
    client.post("/portal/logout", data={"csrf_token": csrf})

    csrf = sign_in(client, CURATOR)
    queue = client.get("/portal/queue")
    assert "Alpha night beds" in queue.text and "Beds for the night." in queue.text
    change_id = re.search(r"/portal/changes/([0-9a-f-]+)/approve", queue.text).group(1)  # type: ignore[union-attr]
    done = client.post(f"/portal/changes/{change_id}/approve", data={"csrf_token": csrf})
    assert done.status_code == 200 and "Approved" in done.text
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["name"] == "Alpha night beds"
    assert sorted(language["code"] for language in public["languages"]) == ["fr", "nl"]
    audit = client.get("/portal/audit")
    assert "Alpha night beds" in audit.text and PARTNER not in audit.text


def test_partner_beds_and_confirm(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    beds = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": "2", "csrf_token": csrf},
    )
    assert beds.status_code == 200 and "2 free bed" in beds.text
    bad = client.post(
        f"/portal/services/{world.service_a}/capacity",
        data={"beds_available": "-2", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and "beds_available" in bad.text
    confirmed = client.post(
        f"/portal/services/{world.service_a}/confirm", data={"csrf_token": csrf}
    )
    assert confirmed.status_code == 200
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["assured_date"] == datetime.now(UTC).date().isoformat()


def test_a_new_service_waiting_for_review_is_editable_without_publish_at_once_forms(
    client: TestClient, world: World, engine: Engine
) -> None:
    service_id = new_id()
    with engine.begin() as connection:
        record = {"id": service_id, "name": "Alpha new", "status": "active"}
        review.propose_new(connection, organization_id=world.org_a, record=record)
    sign_in(client, PARTNER)
    page = client.get(f"/portal/services/{service_id}")
    assert page.status_code == 200 and "Alpha new" in page.text
    assert "/capacity" not in page.text and "/confirm" not in page.text


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_partner_pages_in_french_and_dutch(client: TestClient, world: World, lang: str) -> None:
    _ = translator(lang, "portal")
    csrf = sign_in_in_language(client, PARTNER, lang)
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
def test_edit_form_problems_in_words_of_the_portals_language(
    client: TestClient, world: World, lang: str
) -> None:
    _ = translator(lang, "portal")
    csrf = sign_in_in_language(client, PARTNER, lang)
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
