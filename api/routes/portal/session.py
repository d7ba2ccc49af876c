"""Signing in to the portal and out of it, and the home page that leads each role to its pages."""

from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api import portal_security as security
from api.deps import LangDep, PortalWordsDep, SessionDep
from api.ratelimit import rate_limited
from api.routes.portal import (
    CsrfField,
    SignedInDep,
    check_csrf,
    message_page,
    page,
    remember_language,
    router,
    see_other,
)
from directory.accounts import login_throttle
from directory.accounts import service as accounts
from directory.accounts.models import Role
from web import portal as words_of
from web.i18n import Translator


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


def _login_page(request: Request, **context: Any) -> HTMLResponse:
    """The sign-in form, its token bound to this browser by a pre-session cookie."""
    nonce = security.login_nonce(request)
    context.setdefault("email", "")
    response = page(
        request,
        "login.html",
        switch_path="/portal/login",
        login_token=security.login_form_token(request, nonce),
        **context,
    )
    security.set_login_cookie(request, response, nonce)
    return response


@router.post("/login", dependencies=[Depends(rate_limited("login", page=True))])
def login(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    _: PortalWordsDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: CsrfField = None,
) -> Response:
    if not security.login_form_ok(request, csrf_token):
        return message_page(
            request,
            403,
            _(words_of.HEADINGS[403]),
            _(words_of.SIGN_IN_EXPIRED),
            back=f"/portal/login?lang={lang}",
            switch_path="/portal/login",
        )
    keys = login_throttle.throttle_keys(
        security.secret_key(request), email=email, client=security.client_address(request)
    )
    try:
        login_throttle.claim_attempt(session.connection(), keys=keys)
    except login_throttle.TooSoon as wait:
        session.rollback()
        return _too_soon(request, _, wait.seconds, lang)
    session.commit()  # the attempt counts before the password is checked: parallel tries wait
    principal = accounts.check_password(session.connection(), email=email, password=password)
    if principal is None:
        return _login_page(request, status=401, email=email, errors=[_(words_of.WRONG_PASSWORD)])
    login_throttle.forget_failures(session.connection(), keys=keys)
    session_id = accounts.open_session(session.connection(), user_id=principal.subject_id)
    response = see_other("/portal/")
    security.set_session_cookie(request, response, session_id, lang)
    security.clear_login_cookie(request, response)
    return response


def _too_soon(request: Request, _: Translator, wait: int, lang: str) -> HTMLResponse:
    return page(
        request,
        "message.html",
        status=429,
        switch_path="/portal/login",
        headers={"Retry-After": str(wait)},
        heading=_(words_of.HEADINGS[429]),
        text=words_of.too_soon(_, wait),
        back=f"/portal/login?lang={lang}",
    )


@router.post("/logout")
def logout(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    lang: LangDep,
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(request, user, csrf_token)
    accounts.close_session(session.connection(), session_id=user.session_id)
    response = see_other(f"/portal/login?lang={lang}")
    security.clear_session_cookie(request, response)
    return response


HOMES = {Role.curator: "/portal/queue", Role.referrer: "/portal/outcomes"}
"""Where each role lands after signing in (a partner: its services)."""


@router.get("/")
def home(request: Request, user: SignedInDep) -> Response:
    response = see_other(HOMES.get(user.principal.role, "/portal/services"))
    remember_language(request, response, user.session_id)
    return response
