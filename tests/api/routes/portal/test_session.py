"""Signing in and out of the portal: cookies, throttling, login CSRF, the language chosen."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from directory.accounts.login_throttle import PER_ACCOUNT, PER_ADDRESS
from directory.accounts.models import LoginThrottle
from tests.api.routes.portal.accounts import (
    PARTNER,
    PASSWORD,
    hidden,
    post_login,
    sign_in,
    sign_in_in_language,
)
from tests.api.routes.words_shown import ENGLISH_ONLY, assert_no_english_left
from tests.browser import live_server
from tests.partner_fixtures import World
from web.i18n import translator


def test_session_cookie_flags(client: TestClient, world: World) -> None:
    answer = post_login(client, PARTNER, follow=False)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Path=/portal" in cookie and "Secure" not in cookie
    assert answer.headers["cache-control"] == "no-store"


def test_cookie_is_secure_over_https(app: object, world: World) -> None:
    with TestClient(app, base_url="https://testserver") as client:  # type: ignore[arg-type]
        answer = post_login(client, PARTNER, follow=False)
        assert "Secure" in answer.headers["set-cookie"]


def test_wrong_password_then_wait(client: TestClient, world: World, engine: Engine) -> None:
    form = hidden(client.get("/portal/login").text, "csrf_token")
    wrong = client.post(
        "/portal/login", data={"email": PARTNER, "password": "nope", "csrf_token": form}
    )
    assert wrong.status_code == 401 and "Wrong e-mail or password" in wrong.text
    again = client.post(
        "/portal/login", data={"email": PARTNER, "password": PASSWORD, "csrf_token": form}
    )
    assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
    with engine.begin() as connection:  # the wait is over
        connection.execute(
            update(LoginThrottle.__table__).values(  # type: ignore[attr-defined]
                blocked_until=datetime.now(UTC) - timedelta(seconds=1)
            )
        )
    wrong = client.post(
        "/portal/login", data={"email": PARTNER, "password": "nope again", "csrf_token": form}
    )
    assert wrong.status_code == 401
    longer = client.post(
        "/portal/login", data={"email": PARTNER, "password": PASSWORD, "csrf_token": form}
    )
    assert longer.status_code == 429 and int(longer.headers["retry-after"]) >= 2


def test_login_form_needs_its_token(client: TestClient, world: World) -> None:
    answer = client.post("/portal/login", data={"email": PARTNER, "password": PASSWORD})
    assert answer.status_code == 403
    forged = client.post(
        "/portal/login", data={"email": PARTNER, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403


def test_passwords_never_in_answers_or_logs(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    form = hidden(client.get("/portal/login").text, "csrf_token")
    answers = [
        client.post(
            "/portal/login", data={"email": PARTNER, "password": secret, "csrf_token": form}
        )
        for secret in ("a wrong secret password", PASSWORD)
    ]
    for answer in answers:
        assert "wrong secret password" not in answer.text and PASSWORD not in answer.text
    assert "wrong secret password" not in caplog.text and PASSWORD not in caplog.text


def test_logout_revokes_the_session(client: TestClient, world: World) -> None:
    csrf = sign_in(client, PARTNER)
    cookie = client.cookies.get("passerelle_portal")
    assert cookie
    assert (
        client.post("/portal/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.set("passerelle_portal", cookie, path="/portal")
    answer = client.get("/portal/services", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/login"


def test_the_portal_sees_the_client_behind_every_trusted_proxy() -> None:
    from types import SimpleNamespace

    from starlette.requests import Request

    from api import portal_security
    from api.settings import Settings

    app = SimpleNamespace(state=SimpleNamespace(settings=Settings(trusted_proxies=["10.0.0.0/8"])))
    request = Request(
        {
            "type": "http",
            "app": app,
            "client": ("10.0.0.2", 443),
            "headers": [(b"x-forwarded-for", b"198.51.100.7, 10.0.0.1")],
        }
    )
    assert portal_security.client_address(request) == "198.51.100.7"


# --- F13: throttling that holds under parallel tries and spread addresses; login CSRF ---------


def test_parallel_wrong_passwords_are_checked_one_at_a_time(
    database_url: str, world: World
) -> None:
    """8 wrong passwords for one e-mail at once, against a real server: one is checked, the
    others wait (the check and the count are one step)."""
    attempts = 8
    ready = threading.Barrier(attempts)
    with live_server(database_url) as base:
        clients = [httpx.Client(base_url=base, timeout=60) for _ in range(attempts)]
        forms = [hidden(client.get("/portal/login").text, "csrf_token") for client in clients]

        def attempt(number: int) -> int:
            ready.wait()
            data = {"email": PARTNER, "password": f"wrong {number}", "csrf_token": forms[number]}
            return clients[number].post("/portal/login", data=data).status_code

        with ThreadPoolExecutor(attempts) as pool:
            codes = sorted(pool.map(attempt, range(attempts)))
        for client in clients:
            client.close()
    assert codes == [401] + [429] * (attempts - 1), codes


def login_from(app: object, address: str, password: str) -> Response:
    with TestClient(app, client=(address, 50000)) as client:  # type: ignore[arg-type]
        return post_login(client, PARTNER, password, follow=False)


def test_guesses_spread_over_many_addresses_meet_a_per_account_bound(
    app: object, world: World, engine: Engine
) -> None:
    free = PER_ACCOUNT.free_failures
    for number in range(free):
        assert login_from(app, f"10.0.{number}.1", "wrong").status_code == 401
    assert login_from(app, "10.1.0.1", "wrong").status_code == 401  # the first that costs a wait
    with engine.begin() as connection:  # still waiting (a slow hash must not end the 1 s wait)
        stored = connection.execute(
            select(LoginThrottle.__table__.c.blocked_until)  # type: ignore[attr-defined]
        ).scalars()
        assert any(until is not None for until in stored), "the failure set a wait"
        connection.execute(
            update(LoginThrottle.__table__)  # type: ignore[attr-defined]
            .where(LoginThrottle.__table__.c.blocked_until.is_not(None))  # type: ignore[attr-defined]
            .values(blocked_until=datetime.now(UTC) + timedelta(seconds=30))
        )
    refused = login_from(app, "10.1.0.2", PASSWORD)
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    with engine.begin() as connection:  # the wait is over: the owner signs in
        connection.execute(
            update(LoginThrottle.__table__).values(  # type: ignore[attr-defined]
                blocked_until=datetime.now(UTC) - timedelta(seconds=1)
            )
        )
    assert login_from(app, "10.1.0.2", PASSWORD).status_code == 303
    assert login_from(app, "10.1.0.3", "wrong").status_code == 401  # the count started again


def test_the_account_bound_is_generous_and_never_a_lock_out() -> None:
    assert PER_ACCOUNT.free_failures >= 20
    assert [PER_ACCOUNT.delay(PER_ACCOUNT.free_failures + n) for n in range(9)] == [
        0, 1, 2, 4, 8, 16, 32, 60, 60,
    ]  # fmt: skip
    assert PER_ADDRESS.delay(1) == 1 and PER_ADDRESS.delay(40) == 15 * 60


def test_a_sign_in_token_from_another_browser_is_refused(app: object, world: World) -> None:
    """Login CSRF: a token fetched by one client must not sign another browser in."""
    with TestClient(app) as attacker, TestClient(app) as victim:  # type: ignore[arg-type]
        token = hidden(attacker.get("/portal/login").text, "csrf_token")
        victim.get("/portal/login")  # the victim's own form, own cookie
        data = {"email": PARTNER, "password": PASSWORD, "csrf_token": token}
        answer = victim.post("/portal/login", data=data, follow_redirects=False)
        assert answer.status_code == 403
        assert "passerelle_portal" not in answer.headers.get("set-cookie", "")
        victim.cookies.clear()
        answer = victim.post("/portal/login", data=data, follow_redirects=False)
        assert answer.status_code == 403  # no cookie at all: refused too


@pytest.mark.parametrize(
    ("origin", "status"),
    [("https://evil.example", 403), ("http://testserver.evil.example", 403),
     ("http://testserver", 303), ("null", 303), (None, 303)],
)  # fmt: skip
def test_a_sign_in_sent_from_another_site_is_refused(
    client: TestClient, world: World, origin: str | None, status: int
) -> None:
    token = hidden(client.get("/portal/login").text, "csrf_token")
    headers = {"Origin": origin} if origin else {}
    answer = client.post(
        "/portal/login",
        data={"email": PARTNER, "password": PASSWORD, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    assert answer.status_code == status
    signed_in = "passerelle_portal=" in answer.headers.get("set-cookie", "")
    assert signed_in is (status == 303)


def test_the_sign_in_cookie_is_only_for_the_sign_in_form(client: TestClient) -> None:
    cookie = client.get("/portal/login").headers["set-cookie"]
    assert cookie.startswith("passerelle_login=") and "Path=/portal/login" in cookie
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert "Max-Age=7200" in cookie
    for path in ("/", "/about", "/safety"):
        assert "set-cookie" not in client.get(path).headers


# --- in the partner's language ----------------------------------------------------------------


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


def test_a_language_chosen_in_the_portal_is_remembered(client: TestClient, world: World) -> None:
    sign_in_in_language(client, PARTNER, "nl")
    switched = client.get("/portal/services?lang=fr", headers=ENGLISH_ONLY)
    assert '<html lang="fr">' in switched.text
    assert 'href="/portal/services?lang=nl"' in switched.text
    cookie = switched.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/portal" in cookie
    later = client.get(f"/portal/services/{world.service_a}", headers=ENGLISH_ONLY)
    assert '<html lang="fr">' in later.text
