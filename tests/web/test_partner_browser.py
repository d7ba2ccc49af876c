"""The partner's side in real Chromium against a real server, without JavaScript: a partner edits
a phone, an address, hours and who is welcome in French; the page after sending is a GET (a
reload sends nothing again); a curator's rejection and its reason reach the partner; an edit made
from an outdated page is refused (412) with everything typed still in the form."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import live_server
from tests.builders import service_record
from tests.web.test_portal_browser import PASSWORD, cli, sign_in

PARTNER = "partner@org.example"
CURATOR = "curator@passerelle.example"


def _seed(tmp_path: Path) -> tuple[str, dict[str, Any]]:
    database_url = f"sqlite:///{tmp_path / 'browser.db'}"
    record = service_record("Abri de nuit fictif")
    (tmp_path / "seed.json").write_text(json.dumps([record]))
    cli(database_url, "import", str(tmp_path / "seed.json"))
    for role in (
        ["--org", record["organization_id"], "--email", PARTNER],
        ["--curator", "--email", CURATOR],
    ):
        cli(database_url, "user", "create", *role, "--password-stdin", stdin=PASSWORD + "\n")
    return database_url, record


def _sign_in_in_french(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/portal/login?lang=fr")
    sign_in(page, base_url, email, "Mot de passe", "Se connecter")


@pytest.mark.browser
def test_a_partner_edits_phone_address_hours_and_who_is_welcome_in_french(
    browser: Any, tmp_path: Path
) -> None:
    database_url, record = _seed(tmp_path)
    with live_server(database_url) as base_url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        _sign_in_in_french(page, base_url, PARTNER)
        page.get_by_role("link", name="Abri de nuit fictif").first.click()
        assert page.locator("html").get_attribute("lang") == "fr"
        place = page.get_by_role("group", name="Lieu 1")
        place.get_by_label("Téléphones de ce lieu (un par ligne)").fill("+32 4 555 12 34")
        place.get_by_label("Rue et numéro").fill("Rue Fictive 7")
        place.get_by_label("Code postal").fill("4000")
        place.get_by_label("Localité").fill("Liège")
        page.get_by_label("Lundi : ouverture").fill("09:00")
        page.get_by_label("Lundi : fermeture").fill("17:00")
        page.get_by_label("Ouvert aux personnes sans papiers").check()
        page.get_by_label("Âge minimum").fill("18")
        page.get_by_role("button", name="Proposer cette modification").click()

        assert page.url == f"{base_url}/portal/services/{record['id']}"
        assert page.get_by_role("status").first.inner_text() == (
            "Votre modification attend la relecture de l'équipe."
        )
        place = page.get_by_role("group", name="Lieu 1")
        assert place.get_by_label("Téléphones de ce lieu (un par ligne)").input_value() == (
            "+32 4 555 12 34"
        )
        assert place.get_by_label("Localité").input_value() == "Liège"
        assert page.get_by_label("Lundi : ouverture").input_value() == "09:00"
        assert page.get_by_label("Ouvert aux personnes sans papiers").is_checked()
        page.reload()  # a GET: nothing is sent again
        assert "Tout ce qui précède est toujours exact" not in page.content()
        public = httpx.get(f"{base_url}/hsds/services/{record['id']}").json()
        assert public.get("schedules", []) == []  # waits for review

        token = cli(database_url, "token", "create", "--org", record["organization_id"])
        working = httpx.get(
            f"{base_url}/v1/partner/services/{record['id']}",
            headers={"Authorization": f"Bearer {token.strip().splitlines()[-1]}"},
        ).json()
        location = working["service_at_locations"][0]["location"]
        assert [phone["number"] for phone in location["phones"]] == ["+32 4 555 12 34"]
        assert location["addresses"][0]["postal_code"] == "4000"
        assert [(s["byday"], s["opens_at"]) for s in working["schedules"]] == [("MO", "09:00")]
        assert working["minimum_age"] == 18
        context.close()


@pytest.mark.browser
def test_the_partner_sees_the_curators_rejection_and_its_reason(
    browser: Any, tmp_path: Path
) -> None:
    database_url, _record = _seed(tmp_path)
    with live_server(database_url) as base_url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        _sign_in_in_french(page, base_url, PARTNER)
        page.get_by_role("link", name="Abri de nuit fictif").first.click()
        page.get_by_label("Nom", exact=True).fill("Nom qui ne va pas")
        page.get_by_role("button", name="Proposer cette modification").click()
        page.get_by_role("button", name="Se déconnecter").click()

        sign_in(page, base_url, CURATOR, "Mot de passe", "Se connecter")
        page.get_by_label("Motif du refus").fill("Utilisez le nom de votre enseigne.")
        page.get_by_role("button", name="Refuser").click()
        page.get_by_role("button", name="Se déconnecter").click()

        sign_in(page, base_url, PARTNER, "Mot de passe", "Se connecter")
        page.goto(f"{base_url}/portal/services")
        row = page.locator("table.changes tbody tr").first
        assert "refusée" in row.inner_text()
        assert "Utilisez le nom de votre enseigne." in row.inner_text()
        context.close()


@pytest.mark.browser
def test_an_edit_from_an_outdated_page_is_refused_and_nothing_typed_is_lost(
    browser: Any, tmp_path: Path
) -> None:
    database_url, record = _seed(tmp_path)
    with live_server(database_url) as base_url:
        context = browser.new_context(java_script_enabled=False)
        first, second = context.new_page(), context.new_page()
        sign_in(first, base_url, PARTNER)
        url = f"{base_url}/portal/services/{record['id']}"
        first.goto(url)
        second.goto(url)
        first.get_by_label("Name", exact=True).fill("Edited in the first tab")
        first.get_by_role("button", name="Propose this change").click()
        assert first.url == url
        assert first.get_by_role("status").first.inner_text() == (
            "Your change waits for a curator's review."
        )

        second.get_by_label("Name", exact=True).fill("Typed in the second tab")
        place = second.get_by_role("group", name="Place 1")
        place.get_by_label("Phones of this place (one per line)").fill("+32 2 555 98 76")
        second.get_by_label("Monday: opens").fill("08:30")
        second.get_by_label("Monday: closes").fill("12:00")
        with second.expect_response(lambda r: r.request.method == "POST") as sent:
            second.get_by_role("button", name="Propose this change").click()
        assert sent.value.status == 412
        assert "The service changed since you opened this page" in second.content()
        assert second.get_by_label("Name", exact=True).input_value() == "Typed in the second tab"
        place = second.get_by_role("group", name="Place 1")
        assert place.get_by_label("Phones of this place (one per line)").input_value() == (
            "+32 2 555 98 76"
        )
        assert second.get_by_label("Monday: opens").input_value() == "08:30"
        assert "Edited in the first tab" in second.content()  # the change now waiting, shown
        context.close()
