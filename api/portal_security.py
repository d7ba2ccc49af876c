"""The portal's cookies and form tokens: signed session cookies, session-bound CSRF tokens, signed
expiring tokens for forms without a session (sign-in, the public "suggest a correction").

The sign-in form is bound to the browser that opened it (against login CSRF: someone else's
token must not sign this browser in to their account): opening it sets a short-lived random
`passerelle_login` cookie (HttpOnly, SameSite=Strict, path /portal/login only, two hours) and
its token names that cookie. A sign-in sent without that cookie, or whose `Origin` is another
site, is refused (403). No public page sets a cookie.

The session cookie holds only a random session id, signed (with the portal language the person
chose, when they chose one); the server keeps sha256 of the id. The cookie is HttpOnly,
SameSite=Strict, limited to /portal, and Secure when the request came over https (directly, or
through a trusted proxy that says so).
"""

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from api import ratelimit
from api.settings import Settings
from directory.accounts.service import SESSION_HOURS, Principal

COOKIE = "passerelle_portal"
COOKIE_PATH = "/portal"
FORM_TOKEN_SECONDS = 2 * 3600
LOGIN_COOKIE = "passerelle_login"
LOGIN_PATH = "/portal/login"


def secret_key(request: Request) -> str:
    """The configured secret, or one made at start and kept in memory (sessions end on restart)."""
    settings: Settings = request.app.state.settings
    if settings.secret_key:
        return settings.secret_key
    state = request.app.state
    if not getattr(state, "generated_secret_key", None):
        state.generated_secret_key = secrets.token_urlsafe(48)
    generated: str = state.generated_secret_key
    return generated


def _peer_trusted(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else ""
    if not peer or not settings.trusted_proxies:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for entry in settings.trusted_proxies:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request: Request) -> str:
    """The client as the rate limits count it (X-Forwarded-For only through trusted proxies,
    skipping every trusted hop; an IPv6 client by its /64). Used only inside a keyed hash;
    never stored or logged."""
    settings: Settings = request.app.state.settings
    return ratelimit.counted_as(ratelimit.client_address(request, settings.trusted_proxies))


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    return (
        _peer_trusted(request) and request.headers.get("x-forwarded-proto", "").lower() == "https"
    )


def _cookie_signer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(request), salt="portal-session")


def set_session_cookie(
    request: Request, response: Response, session_id: str, lang: str | None = None
) -> None:
    """Sign in (or keep signed in) with `session_id`, remembering the portal language `lang`."""
    value: str | list[str] = [session_id, lang] if lang else session_id
    response.set_cookie(
        COOKIE,
        _cookie_signer(request).dumps(value),
        max_age=SESSION_HOURS * 3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=is_https(request)
    )


def _cookie_value(request: Request) -> tuple[str | None, str | None]:
    """The session id and the chosen language the signed cookie holds (None where it holds none)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None, None
    try:
        value = _cookie_signer(request).loads(raw)
    except BadSignature:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    return None, None


def session_id_of(request: Request) -> str | None:
    return _cookie_value(request)[0]


def session_language(request: Request) -> str | None:
    """The portal language remembered in the session cookie, if one was chosen."""
    return _cookie_value(request)[1]


def csrf_token(request: Request, session_id: str) -> str:
    """The CSRF token of a session: a keyed hash of its id (nothing to store)."""
    key = secret_key(request).encode()
    return hmac.new(key, f"csrf|{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(request: Request, session_id: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(request, session_id), str(sent))


def form_token(request: Request, purpose: str, subject: str = "") -> str:
    """A signed, expiring token for a form without a session (no cookie involved)."""
    signer = URLSafeTimedSerializer(secret_key(request), salt=f"form-{purpose}")
    return signer.dumps(subject)


def form_token_ok(request: Request, purpose: str, token: str | None, subject: str = "") -> bool:
    if not token:
        return False
    signer = URLSafeTimedSerializer(secret_key(request), salt=f"form-{purpose}")
    try:
        value = signer.loads(token, max_age=FORM_TOKEN_SECONDS)
    except BadSignature:
        return False
    return bool(value == subject)


def _browser_mark(nonce: str) -> str:
    return hashlib.sha256(f"login|{nonce}".encode()).hexdigest()


def login_nonce(request: Request) -> str:
    """This browser's sign-in binding: the one its cookie holds, or a new random one."""
    return _login_nonce(request) or secrets.token_urlsafe(24)


def login_form_token(request: Request, nonce: str) -> str:
    """The sign-in form's token, valid only with the cookie `set_login_cookie` sets."""
    return form_token(request, "login", _browser_mark(nonce))


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        URLSafeTimedSerializer(secret_key(request), salt="login-cookie").dumps(nonce),
        max_age=FORM_TOKEN_SECONDS,
        path=LOGIN_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def _login_nonce(request: Request) -> str | None:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw:
        return None
    signer = URLSafeTimedSerializer(secret_key(request), salt="login-cookie")
    try:
        nonce = signer.loads(raw, max_age=FORM_TOKEN_SECONDS)
    except BadSignature:
        return None
    return nonce if isinstance(nonce, str) else None


def login_form_ok(request: Request, token: str | None) -> bool:
    """The sign-in was sent from our own form, opened in this browser."""
    nonce = _login_nonce(request)
    if nonce is None or not same_origin(request):
        return False
    return form_token_ok(request, "login", token, _browser_mark(nonce))


def clear_login_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        LOGIN_COOKIE, path=LOGIN_PATH, httponly=True, samesite="strict", secure=is_https(request)
    )


def same_origin(request: Request) -> bool:
    """False when the browser says the form was sent from another site. `Origin: null` (sent
    under `Referrer-Policy: no-referrer`) and no Origin say nothing: the cookie decides then."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return True
    settings: Settings = request.app.state.settings
    ours = {request.headers.get("host", "")}
    if settings.public_base_url:
        ours.add(urlsplit(settings.public_base_url).netloc)
    return urlsplit(origin).netloc in ours


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The person signed in to the portal: their role, and the session's id and CSRF token."""

    principal: Principal
    session_id: str
    csrf_token: str
