"""The portal's people for the route tests: a partner and a curator with one password, the
world they work in, and how they sign in (in English, or from the login page in a language)."""

import html as html_lib
import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from directory.accounts.service import Role, create_user
from tests.api.routes.words_shown import ENGLISH_ONLY
from tests.partner_fixtures import World, seed_world

PASSWORD = "correct horse battery staple"
PARTNER = "partner@alpha.example"
CURATOR = "curator@passerelle.example"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=\"/static/)")
"""A script that is not a self-hosted file (the public pages load /static/quick-exit.js)."""


@pytest.fixture
def world(engine: Engine) -> World:
    world = seed_world(engine)
    with engine.begin() as connection:
        create_user(
            connection,
            email=PARTNER,
            password=PASSWORD,
            role=Role.partner,
            organization_id=world.org_a,
        )
        create_user(
            connection, email=CURATOR, password=PASSWORD, role=Role.curator, organization_id=None
        )
    return world


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} field"
    return html_lib.unescape(found.group(1))


def post_login(
    client: TestClient, email: str, password: str = PASSWORD, *, follow: bool = True
) -> Response:
    """The login form, filled in and sent (with its form token)."""
    form = client.get("/portal/login")
    answer: Response = client.post(
        "/portal/login",
        data={"email": email, "password": password, "csrf_token": hidden(form.text, "csrf_token")},
        follow_redirects=follow,
    )
    return answer


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Signs in; returns the CSRF token of the new session."""
    answer = post_login(client, email, password)
    assert answer.status_code == 200, answer.text
    return hidden(answer.text, "csrf_token")


def sign_in_in_language(client: TestClient, email: str, lang: str) -> str:
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
