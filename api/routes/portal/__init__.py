"""The partner and curator portal under /portal: the router and the page helpers its routes share.

Server-rendered forms, no JavaScript, in the partner's language: `lang` in the query (a choice
also remembered in the signed session cookie), else the remembered choice, else Accept-Language;
the sign-in form carries its language into the session. Every form that changes something
carries a CSRF token bound to the session (missing or wrong: 403); the sign-in form's token is
bound to the browser that opened it (`api.portal_security`); sign-in is throttled with growing
waits per address and per account (429 with Retry-After during the wait, never a lock-out:
`directory.login_throttle`); a password is never logged nor sent back.

The routes, by role: `session` (signing in and out), `partner` (a partner's own services),
`curator` (the queue, decisions, suspensions, the audit log, stale services, research notes).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api import portal_security as security
from api.deps import SessionDep, negotiated_language, request_language
from api.errors import PageError, Refused
from api.portal_security import SignedIn
from api.routes.portal import notices
from directory.accounts import service as accounts
from directory.accounts.models import Principal
from web import portal as words_of
from web import portal_notices as notice_words
from web.i18n import supported, translator
from web.rendering import render_portal


def _pages(request: Request) -> None:
    """Errors on these routes are answered with a page, not JSON (see `api.errors`)."""
    request.scope["passerelle.page"] = True


router = APIRouter(
    prefix="/portal",
    include_in_schema=False,
    dependencies=[Depends(_pages), Depends(negotiated_language)],
)
"""Every portal route negotiates its language once, before it runs (`api.deps.LangDep`)."""


def remember_language(request: Request, response: Response, session_id: str) -> None:
    """Keep a language chosen with `?lang=` in the session cookie, for the next pages."""
    chosen = supported(request.query_params.get("lang"))
    if chosen and chosen != security.session_language(request):
        security.set_session_cookie(request, response, session_id, chosen)


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    signed_in: SignedIn | None = None,
    headers: dict[str, str] | None = None,
    switch_path: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A portal page in the request's language (`api.deps.request_language`); `switch_path`:
    where the language links lead (this page, when it is a GET)."""
    chosen = request_language(request)
    _ = translator(chosen, "portal")
    notice = notices.waiting_notice(request)
    if notice and not context.get("message"):
        context["message"] = notice_words.notice_text(_, notice)
    context.setdefault("message", None)
    context.setdefault("errors", [])
    if switch_path is None:
        switch_path = request.url.path if request.method == "GET" else "/portal/"
    html = render_portal(
        template,
        lang=chosen,
        principal=signed_in.principal if signed_in else None,
        csrf_token=signed_in.csrf_token if signed_in else "",
        switch_path=switch_path,
        outcomes_enabled=request.app.state.settings.referral_outcomes,
        **words_of.labels(_),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    if notice:
        notices.clear_notice(request, response)
    if signed_in:
        remember_language(request, response, signed_in.session_id)
    return response


def message_page(
    request: Request,
    status: int,
    heading: str,
    text: str,
    *,
    signed_in: SignedIn | None = None,
    back: str | None = None,
    headers: dict[str, str] | None = None,
    switch_path: str | None = None,
) -> HTMLResponse:
    """A page that says one thing; `heading` and `text` are already in the page's language."""
    return page(
        request,
        "message.html",
        status=status,
        signed_in=signed_in,
        headers=headers,
        heading=heading,
        text=text,
        back=back,
        switch_path=switch_path,
    )


def error_page(request: Request, error: PageError) -> Response | None:
    """The page for an error on a portal route, in words chosen by its codes and fields
    (`web.portal.page_error`); redirects keep their plain answer."""
    if error.status < 400:
        return None
    _ = translator(request_language(request), "portal")
    heading, text = words_of.page_error(_, error.status, error.codes, error.fields)
    return message_page(request, error.status, heading, text, back="/portal/")


# --- who is signed in ----------------------------------------------------------------------------


def signed_in(request: Request, session: SessionDep) -> SignedIn:
    """Who this request comes from; nobody signed in: to the sign-in page (303)."""
    session_id = security.session_id_of(request)
    principal = None
    if session_id:
        principal = accounts.session_principal(session.connection(), session_id)
    if principal is None or session_id is None:
        raise HTTPException(303, "sign in first", headers={"Location": "/portal/login"})
    return SignedIn(principal, session_id, security.csrf_token(request, session_id))


SignedInDep = Annotated[SignedIn, Depends(signed_in)]
CsrfField = Annotated[str | None, Form()]


def check_csrf(request: Request, user: SignedIn, sent: str | None) -> None:
    if not security.csrf_ok(request, user.session_id, sent):
        raise Refused(403, "form_expired")


def partner_only(user: SignedIn) -> str:
    if user.principal.is_curator or not user.principal.organization_id:
        raise Refused(403, "partners_only")
    return user.principal.organization_id


def curator_only(user: SignedIn) -> Principal:
    if not user.principal.is_curator:
        raise Refused(403, "curators_only")
    return user.principal


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


from api.routes.portal import (  # noqa: E402  (routes join `router`)
    curator,
    outcomes,
    partner,
    records,
    reports,
    session,
)

__all__ = [
    "curator",
    "error_page",
    "message_page",
    "outcomes",
    "page",
    "partner",
    "records",
    "reports",
    "router",
    "session",
]
