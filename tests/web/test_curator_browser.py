"""End to end in real Chromium against a real server: a partner's change, its free beds and
"still accurate" reach a curator working in Dutch, who approves one change, rejects another with
a reason, finds the service and suspends it from its page; the audit log shows each step in
Dutch, and reads on a 390 px wide phone without scrolling sideways."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import live_server
from tests.builders import service_record
from tests.web.test_portal_browser import PASSWORD, cli, sign_in

PHONE = {"width": 390, "height": 844}


def _partner_api(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})


def _propose(partner: httpx.Client, path: str, patch: dict[str, Any]) -> None:
    found = partner.get(path)
    assert found.status_code == 200, found.text
    answer = partner.patch(path, json=patch, headers={"If-Match": found.headers["etag"]})
    assert answer.status_code == 202, answer.text


def _no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert max(widths[:2]) <= widths[2] == PHONE["width"], widths


@pytest.mark.browser
def test_curator_in_dutch_approves_rejects_suspends_and_reads_the_audit(
    browser: Any, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'curator.db'}"
    record = service_record("Nachtopvang Test", languages=("nl", "fr"))
    record["description"] = "Bedden voor de nacht, zonder afspraak."
    (tmp_path / "seed.json").write_text(json.dumps([record]))
    cli(database_url, "import", str(tmp_path / "seed.json"))
    token = cli(database_url, "token", "create", "--org", record["organization_id"])
    token = token.strip().splitlines()[-1]
    cli(
        database_url,
        "user",
        "create",
        "--curator",
        "--email",
        "curator@passerelle.example",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    service = f"/portal/records/{record['id']}"
    listing = f"/v1/partner/services/{record['id']}"

    with live_server(database_url) as base_url, _partner_api(base_url, token) as api:
        languages = [*record["languages"], {"id": "f0e1d2c3-0000-4000-8000-000000000001",
                                            "service_id": record["id"], "code": "bg"}]  # fmt: skip
        changed = {"description": "Bedden voor de nacht, met afspraak.", "languages": languages}
        # "still accurate" is refused while a change waits: confirmed first, then the edit
        assert api.post(f"{listing}/confirm").status_code == 200
        _propose(api, listing, changed)
        assert api.put(f"{listing}/capacity", json={"beds_available": 3}).status_code == 200
        assert api.post(f"{listing}/confirm").status_code == 409

        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base_url}/portal/login")
        page.get_by_role("link", name="Nederlands").click()
        assert page.locator("html").get_attribute("lang") == "nl"
        sign_in(page, base_url, "curator@passerelle.example", "Wachtwoord", "Aanmelden")
        page.get_by_role("link", name="Na te kijken").click()
        card = page.locator("section.card", has_text="Nachtopvang Test")
        description = card.locator("dt:text-is('Beschrijving') + dd")
        assert description.locator("del").inner_text() == "zonder"
        assert description.locator("ins").inner_text() == "met"
        assert "Bulgaars" in card.inner_text() and '"code"' not in card.inner_text()
        card.get_by_role("button", name="Goedkeuren en publiceren").click()
        assert page.url == f"{base_url}/portal/queue"  # post/redirect/get
        assert page.get_by_role("status").inner_text() == "Goedgekeurd en gepubliceerd."
        public = httpx.get(f"{base_url}/hsds/services/{record['id']}").json()
        assert public["description"] == "Bedden voor de nacht, met afspraak."
        page.reload()
        assert page.get_by_role("status").count() == 0  # said once

        _propose(api, listing, {"name": "Nachtopvang Test (oud)"})
        page.reload()
        page.get_by_label("Reden van weigering").fill("De naam op het bord is zonder (oud).")
        page.get_by_role("button", name="Weigeren").click()
        assert page.get_by_role("status").inner_text() == "Geweigerd."

        page.get_by_role("link", name="Zoeken").first.click()
        page.get_by_label("Naam, plaats of code").fill("nachtopvang")
        page.get_by_role("button", name="Zoeken").click()
        page.get_by_role("link", name="Nachtopvang Test").click()
        assert page.url == f"{base_url}{service}"
        page.get_by_label("Reden", exact=True).fill("Veiligheidsnotities nakijken")
        page.get_by_role("button", name="Schorsen").click()
        assert page.url == f"{base_url}{service}"
        suspended = "Geschorst: de dienst is niet langer openbaar."
        assert page.get_by_role("status").inner_text() == suspended
        assert httpx.get(f"{base_url}/hsds/services/{record['id']}").status_code == 404

        page.get_by_role("link", name="Deze dienst in het wijzigingslogboek").click()
        entries = page.locator("ol.events > li")
        kinds = [entry.locator("strong").inner_text() for entry in entries.all()]
        assert kinds == [
            "Schorsing",
            "Weigering",
            "Voorstel",
            "Goedkeuring",
            "Vrije bedden",
            "Voorstel",
            "Bevestigd als juist",
            "Import (nieuwe dienst)",
        ]
        text = page.locator("main").inner_text()
        assert "De naam op het bord is zonder (oud)." in text
        assert "Veiligheidsnotities nakijken" in text and record["id"] not in text
        context.close()

        phone = browser.new_context(java_script_enabled=False, viewport=PHONE)
        small = phone.new_page()
        small.goto(f"{base_url}/portal/login?lang=nl")
        sign_in(small, base_url, "curator@passerelle.example", "Wachtwoord", "Aanmelden")
        for path in ("/portal/audit", f"/portal/audit?service={record['id']}", "/portal/queue"):
            small.goto(f"{base_url}{path}")
            assert small.locator("html").get_attribute("lang") == "nl"
            _no_sideways_scroll(small)
        small.goto(f"{base_url}{service}")
        _no_sideways_scroll(small)
        phone.close()
