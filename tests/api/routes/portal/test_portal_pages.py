"""What every portal page shares: CSRF on every form, roles kept apart, no inline script, the
privacy headers, and error pages in the partner's language."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.engine import Engine

from tests.api.routes.portal.accounts import (
    CURATOR,
    INLINE_SCRIPT,
    PARTNER,
    sign_in,
    sign_in_in_language,
)
from tests.api.routes.words_shown import assert_no_english_left, english_sentences
from tests.partner_fixtures import World, all_row_counts
from web.i18n import LOCALE_DIR, translator


@pytest.mark.parametrize("token", [None, "wrong"])
def test_forms_need_the_session_csrf_token(
    client: TestClient, world: World, engine: Engine, token: str | None
) -> None:
    sign_in(client, PARTNER)
    before = all_row_counts(engine)
    data = {"name": "Hijacked", "status": "active"}
    if token is not None:
        data["csrf_token"] = token
    for path in (
        f"/portal/services/{world.service_a}",
        f"/portal/services/{world.service_a}/capacity",
        f"/portal/services/{world.service_a}/confirm",
        "/portal/logout",
    ):
        answer = client.post(path, data={**data, "beds_available": "4"})
        assert answer.status_code == 403 and "<h1>Not allowed</h1>" in answer.text
    assert all_row_counts(engine) == before


def test_roles_and_organisations_are_kept_apart(client: TestClient, world: World) -> None:
    assert client.get("/portal/services", follow_redirects=False).status_code == 303
    sign_in(client, PARTNER)
    assert client.get(f"/portal/services/{world.service_b}").status_code == 404
    for path in ("/portal/queue", "/portal/audit", "/portal/stale"):
        assert client.get(path).status_code == 403


def test_pages_have_no_inline_script_and_keep_privacy_headers(
    client: TestClient, world: World
) -> None:
    pages = [client.get("/portal/login"), client.get(f"/suggest/{world.service_a}")]
    sign_in(client, PARTNER)
    pages += [client.get("/portal/services"), client.get(f"/portal/services/{world.service_a}")]
    client.cookies.clear()
    sign_in(client, CURATOR)
    pages += [client.get(p) for p in ("/portal/queue", "/portal/audit", "/portal/stale")]
    for answer in pages:
        assert answer.status_code == 200
        assert not INLINE_SCRIPT.search(answer.text) and " style=" not in answer.text
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["referrer-policy"] == "no-referrer"
    css = client.get("/static/portal.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_portal_error_pages_are_translated(client: TestClient, world: World) -> None:
    sign_in_in_language(client, PARTNER, "nl")
    refused = client.get("/portal/queue")
    assert refused.status_code == 403 and '<html lang="nl">' in refused.text
    _ = translator("nl", "portal")
    assert escape(_("This page is for curators.")) in refused.text
    assert_no_english_left(refused.text, "portal", "nl")


def test_english_msgid_list_is_not_empty() -> None:
    assert len(english_sentences("portal", "fr")) > 50
    assert len(english_sentences("messages", "fr")) > 50
    assert Path(LOCALE_DIR / "portal.pot").exists()
