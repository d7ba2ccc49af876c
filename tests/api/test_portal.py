"""The portal: sign-in, sessions, CSRF, throttling, partner edits, the curator's queue."""

import html as html_lib
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlalchemy.engine import Engine

from directory.accounts.login_throttle import PER_ACCOUNT, PER_ADDRESS
from directory.accounts.models import LoginThrottle, Role
from directory.accounts.service import create_user
from directory.changes import propose
from directory.hsds.research_notes import Note, add_notes
from tests.browser import live_server
from tests.builders import new_id
from tests.partner_fixtures import World, all_row_counts, seed_world

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


def test_roles_and_organisations_are_kept_apart(client: TestClient, world: World) -> None:
    assert client.get("/portal/services", follow_redirects=False).status_code == 303
    sign_in(client, PARTNER)
    assert client.get(f"/portal/services/{world.service_b}").status_code == 404
    for path in ("/portal/queue", "/portal/audit", "/portal/stale"):
        assert client.get(path).status_code == 403


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


def test_curator_suspends_and_sees_stale(client: TestClient, world: World) -> None:
    csrf = sign_in(client, CURATOR)
    stale = client.get("/portal/stale")
    assert "Alpha beds" in stale.text and "Beta advice" in stale.text
    done = client.post(
        "/portal/suspend",
        data={"service_id": world.service_b, "reason": "caveats to check", "csrf_token": csrf},
    )
    assert done.status_code == 200 and "caveats to check" in done.text
    assert client.get(f"/hsds/services/{world.service_b}").status_code == 404
    client.post(f"/portal/services/{world.service_b}/unsuspend", data={"csrf_token": csrf})
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


def test_a_new_service_waiting_for_review_is_editable_without_publish_at_once_forms(
    client: TestClient, world: World, engine: Engine
) -> None:
    service_id = new_id()
    with engine.begin() as connection:
        record = {"id": service_id, "name": "Alpha new", "status": "active"}
        propose.propose_new(connection, organization_id=world.org_a, record=record)
    sign_in(client, PARTNER)
    page = client.get(f"/portal/services/{service_id}")
    assert page.status_code == 200 and "Alpha new" in page.text
    assert "/capacity" not in page.text and "/confirm" not in page.text


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
