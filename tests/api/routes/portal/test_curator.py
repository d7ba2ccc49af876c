"""The curators' pages: the queue, suspensions, stale services, research notes, in words of
their language."""

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine

from directory.hsds.research_notes import Note, add_notes
from tests.api.routes.portal.accounts import CURATOR, PARTNER, hidden, sign_in, sign_in_in_language
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.partner_fixtures import World
from web.i18n import translator


def test_curator_suspends_from_the_record_page_and_sees_stale(
    client: TestClient, world: World
) -> None:
    csrf = sign_in(client, CURATOR)
    stale = client.get("/portal/stale")
    assert "Alpha beds" in stale.text and "Beta advice" in stale.text
    found = client.get("/portal/search", params={"q": "beta"})
    assert f'href="/portal/records/{world.service_b}"' in found.text
    done = client.post(
        f"/portal/records/{world.service_b}/suspend",
        data={"reason": "caveats to check", "csrf_token": csrf},
    )
    assert done.status_code == 200 and "caveats to check" in done.text
    assert done.url.path == f"/portal/records/{world.service_b}"
    assert "Suspended: the service is no longer public." in done.text
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 404
    client.post(f"/portal/records/{world.service_b}/unsuspend", data={"csrf_token": csrf})
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 200


def test_public_suggestion_reaches_the_queue(client: TestClient, world: World) -> None:
    form = client.get(f"/suggest/{world.service_a}")
    assert form.status_code == 200 and 'id="quick-exit"' in form.text
    assert "set-cookie" not in form.headers
    token = hidden(form.text, "token")
    other = client.post(f"/suggest/{world.service_b}", data={"message": "x", "token": token})
    assert other.status_code == 403
    sent = client.post(
        f"/suggest/{world.service_a}", data={"message": "The phone number changed.", "token": token}
    )
    assert sent.status_code == 200 and "Thank you" in sent.text
    assert "set-cookie" not in sent.headers
    sign_in(client, CURATOR)
    assert "The phone number changed." in client.get("/portal/queue").text
    assert client.get("/suggest/no-such-service").status_code == 404


# --- research notes: curators only ------------------------------------------------------------

NOTE = "Press article reported allegations against a former director; unverified."
SOURCE = "https://press.example/article"


def _noted(engine: Engine, service_id: str) -> None:
    with engine.begin() as connection:
        add_notes(connection, [Note(service_id, NOTE, (SOURCE,))])


def test_a_curator_sees_a_services_notes_with_their_sources(
    client: TestClient, world: World, engine: Engine
) -> None:
    _noted(engine, world.service_a)
    sign_in(client, CURATOR)
    page = client.get(f"/portal/notes/{world.service_a}")
    assert page.status_code == 200
    assert NOTE in page.text and f'href="{SOURCE}"' in page.text
    assert "Alpha beds" in page.text
    assert client.get("/portal/notes/no-such-service").status_code == 404


def test_the_notes_appear_on_the_review_of_a_change(
    client: TestClient, world: World, engine: Engine
) -> None:
    _noted(engine, world.service_a)
    csrf = sign_in(client, PARTNER)
    form = client.get(f"/portal/services/{world.service_a}")
    client.post(
        f"/portal/services/{world.service_a}",
        data={
            "name": "Alpha night beds",
            "status": "active",
            "etag": hidden(form.text, "etag"),
            "csrf_token": csrf,
        },
    )
    assert NOTE not in client.get(f"/portal/services/{world.service_a}").text
    client.cookies.clear()
    sign_in(client, CURATOR)
    queue = client.get("/portal/queue").text
    assert "Alpha night beds" in queue and NOTE in queue and SOURCE in queue


def test_a_partner_never_sees_notes_and_no_public_answer_carries_them(
    client: TestClient, world: World, engine: Engine
) -> None:
    _noted(engine, world.service_a)
    sign_in(client, PARTNER)
    assert NOTE not in client.get(f"/portal/notes/{world.service_a}").text
    client.cookies.clear()
    public = [
        client.get(f"/hsds/services/{world.service_a}").text,
        client.get("/hsds/services").text,
        client.get(f"/services/{world.service_a}").text,
        client.post("/v1/match", json={"needs": ["emergency_shelter"]}).text,
        client.post("/search", data={"needs": "emergency_shelter"}).text,
    ]
    assert not any(NOTE in text for text in public)


# --- in the curator's language ----------------------------------------------------------------


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
    csrf = sign_in_in_language(client, CURATOR, lang)
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
