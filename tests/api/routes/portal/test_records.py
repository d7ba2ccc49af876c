"""A curator's tools: search, a service's own page, a direct edit (published at once, audited as
the curator's), suspending from that page; every form answers 303 to a page saying what was
done once, and a refused form says which field, with nothing written."""

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.api.routes.portal.accounts import (
    CURATOR,
    PARTNER,
    sign_in,
    sign_in_in_language,
)
from tests.api.routes.portal.service_form import filled
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left, text_of
from tests.partner_fixtures import World
from web.i18n import translator


def _record(client: TestClient, service_id: str) -> str:
    page = client.get(f"/portal/records/{service_id}")
    assert page.status_code == 200
    return str(page.text)


def test_search_by_name_organisation_place_and_code(client: TestClient, world: World) -> None:
    sign_in(client, CURATOR)

    def found(q: str) -> set[str]:
        page = client.get("/portal/search", params={"q": q})
        assert page.status_code == 200
        return set(re.findall(r'href="/portal/records/([^"]+)"', page.text))

    both = {world.service_a, world.service_b}
    assert found("ALPHA") == {world.service_a}
    assert found("beta legal") == {world.service_b}  # the organisation's name
    assert found("Beta advice office") == {world.service_b}  # a site's name
    assert found("1000") == both  # a postcode
    assert found("bruxelles") == both  # a town
    assert found("need.legal_general") == {world.service_b}
    assert found(world.service_a) == {world.service_a}
    assert found("100%") == set() and found("") == set()
    organisations = client.get("/portal/search", params={"q": "alpha"}).text
    assert "Alpha shelter" in organisations and "1 service" in organisations
    assert client.get("/portal/search", params={"q": "x" * 201}).status_code == 422


def test_a_partner_cannot_use_the_curators_tools(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    assert client.get("/portal/search?q=alpha").status_code == 403
    assert client.get(f"/portal/records/{world.service_a}").status_code == 403
    refused = client.post(
        f"/portal/records/{world.service_b}/suspend", data={"reason": "x", "csrf_token": csrf}
    )
    assert refused.status_code == 403
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 200


def test_the_curators_edit_is_published_at_once_and_audited(
    client: TestClient, world: World
) -> None:
    sign_in(client, CURATOR)
    page = _record(client, world.service_a)
    action = f"/portal/records/{world.service_a}"
    changes: dict[str, str | list[str] | None] = {
        "name": "Alpha night beds",
        "description": "Alpha beds: a fictional shelter for tests.",
        "languages": ["fr", "bg"],
    }
    sent = client.post(action, data=filled(page, action, changes), follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/portal/records/{world.service_a}"
    shown = client.get(sent.headers["location"])
    assert "Saved and published." in shown.text
    assert "Saved and published." not in client.get(sent.headers["location"]).text  # once
    public = client.get(f"/hsds/services/{world.service_a}").json()
    assert public["name"] == "Alpha night beds"
    assert sorted(item["code"] for item in public["languages"]) == ["bg", "fr"]
    audit = client.get("/portal/audit", params={"kind": "curator_edit"}).text
    words = text_of(audit)
    assert "Curator's edit" in words and "By: curator" in words
    assert "<del>service</del><ins>shelter</ins>" in audit
    assert "Added: Bulgarian" in words
    assert '"code"' not in audit and world.service_a not in words


def test_a_stale_or_bad_edit_says_which_field_and_writes_nothing(
    client: TestClient, world: World
) -> None:
    sign_in(client, CURATOR)
    page = _record(client, world.service_a)
    form = filled(page, f"/portal/records/{world.service_a}", {"email": "not an address"})
    bad = client.post(f"/portal/records/{world.service_a}", data=form)
    assert bad.status_code == 422
    assert "E-mail: please write an e-mail address" in text_of(bad.text)
    assert 'value="not an address"' in bad.text  # what was typed stays in the form
    stale = client.post(
        f"/portal/records/{world.service_a}",
        data={**form, "email": "", "name": "Alpha 2", "version": "old"},
    )
    assert stale.status_code == 412
    assert "The service changed since you opened this page" in text_of(stale.text)
    too_long = client.post(
        f"/portal/records/{world.service_a}", data={**form, "email": "", "name": "A" * 5000}
    )
    assert too_long.status_code == 422 and "Name: please write at most" in text_of(too_long.text)
    assert client.get(f"/hsds/services/{world.service_a}").json()["name"] == "Alpha beds"
    assert "0 entries" in text_of(client.get("/portal/audit?kind=curator_edit").text)
    same = client.post(
        f"/portal/records/{world.service_a}", data={**form, "email": ""}, follow_redirects=True
    )
    assert same.status_code == 200 and "Nothing was changed." in same.text
    missing = client.post("/portal/records/no-such-service", data={**form, "email": ""})
    assert missing.status_code == 404
    assert client.get("/portal/records/no-such-service").status_code == 404


def test_suspending_needs_a_reason_and_a_service(client: TestClient, world: World) -> None:
    csrf = sign_in(client, CURATOR)
    empty = client.post(
        f"/portal/records/{world.service_a}/suspend", data={"reason": " ", "csrf_token": csrf}
    )
    assert empty.status_code == 422 and "Reason: please give a reason." in text_of(empty.text)
    assert client.get(f"/hsds/services/{world.service_a}").status_code == 200
    missing = client.post(
        "/portal/records/no-such-service/suspend", data={"reason": "x", "csrf_token": csrf}
    )
    assert missing.status_code == 404
    not_suspended = client.post(
        f"/portal/records/{world.service_a}/unsuspend", data={"csrf_token": csrf}
    )
    assert not_suspended.status_code == 404
    assert "This was not found" in text_of(not_suspended.text)
    no_token = client.post(f"/portal/records/{world.service_a}/suspend", data={"reason": "x"})
    assert no_token.status_code == 403


@pytest.mark.parametrize("lang", ["nl", "de", "bg"])
def test_the_curators_tools_in_their_language(client: TestClient, world: World, lang: str) -> None:
    csrf = sign_in_in_language(client, CURATOR, lang)
    client.post(
        f"/portal/records/{world.service_b}/suspend",
        data={"reason": "caveats under review", "csrf_token": csrf},
    )
    pages = [
        client.get("/portal/search", params={"q": "a"}, headers=ENGLISH_ONLY),
        client.get(f"/portal/records/{world.service_b}", headers=ENGLISH_ONLY),
        client.get(f"/portal/records/{world.service_a}", headers=ENGLISH_ONLY),
        client.get("/portal/audit", headers=ENGLISH_ONLY),
        client.get("/portal/audit", params={"from": "never"}, headers=ENGLISH_ONLY),
    ]
    for page in pages:
        assert f'<html lang="{lang}">' in page.text
        assert_no_english_left(page.text, "portal", lang)
    _ = translator(lang, "portal")
    assert escape(_("Suspension")) in pages[3].text
    assert escape(_("From (date)")) in pages[4].text and pages[4].status_code == 422
