"""End to end in real Chromium against a real server: a partner edits, a curator approves, the
public HSDS record shows the new name."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser import live_server
from tests.builders import service_record

PASSWORD = "correct horse battery staple"


def cli(database_url: str, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PASSERELLE_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def sign_in(
    page: Any, base_url: str, email: str, password: str = "Password", button: str = "Sign in"
) -> None:
    """Fills the login page that is open (or opens it) and signs in; labels in its language."""
    if "/portal/login" not in page.url:
        page.goto(f"{base_url}/portal/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label(password).fill(PASSWORD)
    page.get_by_role("button", name=button).click()


@pytest.mark.browser
def test_partner_edit_curator_approve(browser: Any, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'browser.db'}"
    record = service_record("Browser shelter")
    (tmp_path / "seed.json").write_text(json.dumps([record]))
    cli(database_url, "import", str(tmp_path / "seed.json"))
    org = record["organization_id"]
    cli(
        database_url,
        "user",
        "create",
        "--org",
        org,
        "--email",
        "partner@org.example",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
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

    with live_server(database_url) as base_url:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        sign_in(page, base_url, "partner@org.example")
        page.get_by_role("link", name="Browser shelter").click()
        page.get_by_label("Name", exact=True).fill("Browser night shelter")
        page.get_by_role("button", name="Propose this change").click()
        assert "waits for a curator" in page.content()
        page.get_by_role("button", name="Sign out").click()
        assert page.url.endswith("/portal/login?lang=en")
        assert httpx.get(f"{base_url}/hsds/services/{record['id']}").json()["name"] == (
            "Browser shelter"
        )

        page.get_by_role("link", name="Français").click()  # the curator works in French
        assert page.locator("html").get_attribute("lang") == "fr"
        sign_in(page, base_url, "curator@passerelle.example", "Mot de passe", "Se connecter")
        assert "Browser night shelter" in page.content()
        assert page.get_by_role("heading", name="File de relecture").is_visible()
        page.get_by_role("button", name="Approuver et publier").click()
        assert "Approuvé et publié." in page.content()
        public = httpx.get(f"{base_url}/hsds/services/{record['id']}").json()
        assert public["name"] == "Browser night shelter"
        cookies = context.cookies()
        assert all(c["httpOnly"] and c["sameSite"] == "Strict" for c in cookies)
        context.close()
