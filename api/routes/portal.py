"""The partner and curator portal under /portal, and the public "suggest a correction" form.

Server-rendered forms, no JavaScript. Every form that changes something carries a CSRF token
bound to the session (missing or wrong: 403); sign-in is throttled with growing waits (429 with
Retry-After during the wait, never a lock-out); a password is never logged nor sent back.
"""

import math
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, select
from starlette.exceptions import HTTPException

from api import portal_security as security
from api.deps import EngineDep
from api.portal_security import SignedIn
from api.ratelimit import rate_limited
from directory import accounts, changes, review
from directory.accounts import Principal
from directory.audit import audit_page
from directory.errors import FieldError, InvalidInput, PasserelleError
from directory.hsds_tree import TABLES, Record
from directory.repository import service_records
from directory.stale import stale_services
from directory.suspensions import SUSPENSION
from web.portal_pages import render


def _pages(request: Request) -> None:
    """Errors on these routes are answered with a page, not JSON (see `api.errors`)."""
    request.scope["passerelle.page"] = True


router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=[Depends(_pages)])
public_router = APIRouter(include_in_schema=False, dependencies=[Depends(_pages)])

STATUSES = ("active", "temporarily closed", "inactive", "defunct")
AUDIT_PAGE = 50


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    signed_in: SignedIn | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("message", None)
    context.setdefault("errors", [])
    html = render(
        template,
        principal=signed_in.principal if signed_in else None,
        csrf_token=signed_in.csrf_token if signed_in else "",
        quick_exit=context.pop("quick_exit", None),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def message_page(
    request: Request,
    status: int,
    heading: str,
    text: str,
    *,
    signed_in: SignedIn | None = None,
    back: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "message.html",
        status=status,
        signed_in=signed_in,
        headers=headers,
        heading=heading,
        text=text,
        back=back,
    )


def error_page(request: Request, status: int, message: str) -> Response | None:
    """The page for an error on a portal route (redirects keep their plain answer)."""
    if status < 400:
        return None
    headings = {401: "Sign in", 403: "Not allowed", 404: "Not found", 422: "Please check"}
    return message_page(request, status, headings.get(status, "Something went wrong"), message)


def _error_texts(error: PasserelleError) -> list[str]:
    if isinstance(error, InvalidInput) and error.errors:
        return [f"{item.field}: {item.message}" for item in error.errors]
    return [error.message]


# --- who is signed in ----------------------------------------------------------------------------


def signed_in(request: Request, engine: EngineDep) -> SignedIn:
    session_id = security.session_id_of(request)
    principal = None
    if session_id:
        with engine.connect() as connection:
            principal = accounts.session_principal(connection, session_id)
    if principal is None or session_id is None:
        raise HTTPException(303, "sign in first", headers={"Location": "/portal/login"})
    return SignedIn(principal, session_id, security.csrf_token(request, session_id))


SignedInDep = Annotated[SignedIn, Depends(signed_in)]
CsrfField = Annotated[str | None, Form()]


def check_csrf(request: Request, user: SignedIn, sent: str | None) -> None:
    if not security.csrf_ok(request, user.session_id, sent):
        raise HTTPException(403, "this form has expired or was not sent from the portal")


def partner_only(user: SignedIn) -> str:
    if user.principal.is_curator or not user.principal.organization_id:
        raise HTTPException(403, "this page is for partner organisations")
    return user.principal.organization_id


def curator_only(user: SignedIn) -> Principal:
    if not user.principal.is_curator:
        raise HTTPException(403, "this page is for curators")
    return user.principal


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


# --- signing in and out --------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    token = security.form_token(request, "login")
    return page(request, "login.html", login_token=token, email="")


@router.post("/login", dependencies=[Depends(rate_limited("login", page=True))])
def login(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: CsrfField = None,
) -> Response:
    if not security.form_token_ok(request, "login", csrf_token):
        raise HTTPException(403, "this form has expired: open the sign-in page again")
    key = accounts.throttle_key(
        security.secret_key(request), email=email, client=security.client_address(request)
    )
    with engine.begin() as connection:
        wait = accounts.wait_seconds(connection, key=key)
        if wait:
            return _too_soon(request, wait)
        principal = accounts.check_password(connection, email=email, password=password)
        if principal is None:
            accounts.record_failure(connection, key=key)
        else:
            accounts.record_success(connection, key=key)
            session_id = accounts.open_session(connection, user_id=principal.subject_id)
    if principal is None:
        return page(
            request,
            "login.html",
            status=401,
            login_token=security.form_token(request, "login"),
            email=email,
            errors=["Wrong e-mail or password."],
        )
    response = see_other("/portal/")
    security.set_session_cookie(request, response, session_id)
    return response


def _too_soon(request: Request, wait: int) -> HTMLResponse:
    return message_page(
        request,
        429,
        "Please wait",
        f"Too many attempts: try again in {wait} second(s).",
        back="/portal/login",
        headers={"Retry-After": str(wait)},
    )


@router.post("/logout")
def logout(
    request: Request, user: SignedInDep, engine: EngineDep, csrf_token: CsrfField = None
) -> Response:
    check_csrf(request, user, csrf_token)
    with engine.begin() as connection:
        accounts.close_session(connection, session_id=user.session_id)
    response = see_other("/portal/login")
    security.clear_session_cookie(request, response)
    return response


@router.get("/")
def home(user: SignedInDep) -> Response:
    return see_other("/portal/queue" if user.principal.is_curator else "/portal/services")


# --- partners ------------------------------------------------------------------------------------


def _organization_services(connection: Connection, organization_id: str) -> list[dict[str, Any]]:
    service = TABLES["service"]
    rows = connection.execute(
        select(service.c.id, service.c.name, service.c.status, service.c.assured_date)
        .where(service.c.organization_id == organization_id)
        .order_by(service.c.name, service.c.id)
    )
    waiting = {
        c.service_id for c in changes.waiting_changes(connection, organization_id=organization_id)
    }
    return [
        {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "assured_date": row.assured_date,
            "waiting": row.id in waiting,
        }
        for row in rows
    ]


@router.get("/services")
def my_services(request: Request, user: SignedInDep, engine: EngineDep) -> HTMLResponse:
    organization_id = partner_only(user)
    with engine.connect() as connection:
        services = _organization_services(connection, organization_id)
    return page(request, "services.html", signed_in=user, services=services)


def _beds(record: Record) -> str:
    for attribute in record.get("attributes", []):
        if (attribute.get("taxonomy_term") or {}).get("code") == review.BEDS:
            return str(attribute.get("value", ""))
    return ""


def _edit_page(
    request: Request,
    user: SignedIn,
    state: review.Working,
    *,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    record = state.record
    waiting = (
        review.field_changes(state.service_id, state.published, state.change.record)
        if state.change
        else []
    )
    return page(
        request,
        "service_edit.html",
        status=status,
        signed_in=user,
        record=record,
        etag=state.etag,
        languages=", ".join(str(item.get("code", "")) for item in record.get("languages", [])),
        statuses=STATUSES,
        beds=_beds(state.published),
        waiting=waiting,
        message=message,
        errors=errors or [],
    )


def _working(engine: EngineDep, service_id: str, organization_id: str) -> review.Working:
    with engine.connect() as connection:
        return review.working(connection, service_id=service_id, organization_id=organization_id)


@router.get("/services/{service_id}")
def edit_form(
    request: Request, service_id: str, user: SignedInDep, engine: EngineDep
) -> HTMLResponse:
    organization_id = partner_only(user)
    try:
        state = _working(engine, service_id, organization_id)
    except PasserelleError as error:
        return message_page(request, error.status_code, "Not found", error.message, signed_in=user)
    return _edit_page(request, user, state)


def form_patch(record: Record, form: dict[str, str]) -> dict[str, Any]:
    """The merge patch the edit form asks for: only the fields that changed."""
    patch: dict[str, Any] = {}
    for name in ("name", "description", "url", "email", "status"):
        value = form.get(name, "").strip()
        current = record.get(name)
        if value != (current or ""):
            patch[name] = value or None
    wanted = [code.strip().lower() for code in form.get("languages", "").split(",") if code.strip()]
    current_languages = record.get("languages", [])
    if wanted != [item.get("code") for item in current_languages]:
        by_code = {item.get("code"): item for item in current_languages}
        patch["languages"] = [
            by_code.get(code) or {"id": str(uuid.uuid4()), "service_id": record["id"], "code": code}
            for code in dict.fromkeys(wanted)
        ]
    return patch


@router.post("/services/{service_id}")
def edit(
    request: Request,
    service_id: str,
    user: SignedInDep,
    engine: EngineDep,
    name: Annotated[str, Form(max_length=500)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    languages: Annotated[str, Form(max_length=500)] = "",
    status: Annotated[str, Form(max_length=40)] = "",
    etag: Annotated[str, Form(max_length=100)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    fields = {
        "name": name,
        "description": description,
        "url": url,
        "email": email,
        "languages": languages,
        "status": status,
    }
    try:
        state = _working(engine, service_id, organization_id)
        patch = form_patch(state.record, fields)
        if not patch:
            return _edit_page(request, user, state, message="Nothing was changed.")
        with engine.begin() as connection:
            outcome = review.propose(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                if_match=etag or '""',
                patch=patch,
            )
    except PasserelleError as error:
        try:
            state = _working(engine, service_id, organization_id)
        except PasserelleError:
            return message_page(request, 404, "Not found", error.message, signed_in=user)
        return _edit_page(
            request, user, state, status=error.status_code, errors=_error_texts(error)
        )
    state = _working(engine, service_id, organization_id)
    text = "Your change waits for a curator's review."
    if outcome.published:
        text = "Published at once: " + ", ".join(outcome.published) + ". " + text
    if outcome.change_id is None:
        text = "Published at once: " + ", ".join(outcome.published) + "."
    return _edit_page(request, user, state, message=text)


@router.post("/services/{service_id}/capacity")
def capacity(
    request: Request,
    service_id: str,
    user: SignedInDep,
    engine: EngineDep,
    beds_available: Annotated[str, Form(max_length=10)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    text = beds_available.strip()
    try:
        if not text.isdigit():
            raise InvalidInput(
                "free beds must be a whole number of 0 or more",
                [FieldError("form", "beds_available", "must be a whole number of 0 or more")],
            )
        with engine.begin() as connection:
            review.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=review.with_beds(int(text)),
            )
    except PasserelleError as error:
        return _failed(request, user, engine, service_id, organization_id, error)
    state = _working(engine, service_id, organization_id)
    return _edit_page(request, user, state, message=f"Published: {int(text)} free bed(s).")


def _failed(
    request: Request,
    user: SignedIn,
    engine: EngineDep,
    service_id: str,
    organization_id: str,
    error: PasserelleError,
) -> HTMLResponse:
    try:
        state = _working(engine, service_id, organization_id)
    except PasserelleError:
        return message_page(request, 404, "Not found", error.message, signed_in=user)
    return _edit_page(request, user, state, status=error.status_code, errors=_error_texts(error))


@router.post("/services/{service_id}/confirm")
def confirm(
    request: Request,
    service_id: str,
    user: SignedInDep,
    engine: EngineDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    try:
        with engine.begin() as connection:
            review.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=review.confirmed(datetime.now(UTC).date()),
            )
    except PasserelleError as error:
        return _failed(request, user, engine, service_id, organization_id, error)
    state = _working(engine, service_id, organization_id)
    return _edit_page(request, user, state, message="Thank you: confirmed as accurate today.")


# --- curators ------------------------------------------------------------------------------------


def _names(connection: Connection, table: str, ids: set[str]) -> dict[str, str]:
    target = TABLES[table]
    rows = connection.execute(
        select(target.c.id, target.c.name).where(target.c.id.in_(sorted(ids)))
    )
    return {row.id: row.name for row in rows}


def _queue(connection: Connection) -> dict[str, Any]:
    waiting = changes.waiting_changes(connection)
    suggestions = changes.open_suggestions(connection)
    suspended = list(connection.execute(select(SUSPENSION).order_by(SUSPENSION.c.suspended_at)))
    services = _names(
        connection,
        "service",
        {c.service_id for c in waiting}
        | {s.service_id for s in suggestions}
        | {row.service_id for row in suspended},
    )
    organizations = _names(connection, "organization", {c.organization_id for c in waiting})
    return {
        "changes": [
            {
                "id": change.id,
                "name": change.record.get("name") or services.get(change.service_id, ""),
                "kind": change.kind.value,
                "created_at": change.created_at.strftime("%Y-%m-%d %H:%M"),
                "service_id": change.service_id,
                "organization": organizations.get(change.organization_id, change.organization_id),
                "diff": review.diff(connection, change),
            }
            for change in waiting
        ],
        "suggestions": [
            {
                "id": s.id,
                "service_id": s.service_id,
                "name": services.get(s.service_id, ""),
                "message": s.message,
                "created_at": s.created_at.strftime("%Y-%m-%d %H:%M"),
            }
            for s in suggestions
        ],
        "suspended": [
            {
                "service_id": row.service_id,
                "name": services.get(row.service_id, ""),
                "reason": row.reason,
                "since": row.suspended_at.strftime("%Y-%m-%d"),
            }
            for row in suspended
        ],
    }


def _queue_page(
    request: Request,
    user: SignedIn,
    engine: EngineDep,
    *,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    with engine.connect() as connection:
        context = _queue(connection)
    return page(
        request,
        "queue.html",
        status=status,
        signed_in=user,
        message=message,
        errors=errors or [],
        **context,
    )


@router.get("/queue")
def queue(request: Request, user: SignedInDep, engine: EngineDep) -> HTMLResponse:
    curator_only(user)
    return _queue_page(request, user, engine)


def _curator_action(
    request: Request,
    user: SignedIn,
    engine: EngineDep,
    csrf_token: str | None,
    action: Any,
    done: str,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    curator_only(user)
    try:
        with engine.begin() as connection:
            action(connection)
    except PasserelleError as error:
        return _queue_page(
            request, user, engine, status=error.status_code, errors=_error_texts(error)
        )
    return _queue_page(request, user, engine, message=done)


@router.post("/changes/{change_id}/approve")
def approve(
    request: Request,
    change_id: str,
    user: SignedInDep,
    engine: EngineDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        engine,
        csrf_token,
        lambda connection: review.approve(connection, change_id=change_id),
        "Approved and published.",
    )


@router.post("/changes/{change_id}/reject")
def reject(
    request: Request,
    change_id: str,
    user: SignedInDep,
    engine: EngineDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        engine,
        csrf_token,
        lambda connection: review.reject(connection, change_id=change_id, reason=reason),
        "Rejected.",
    )


@router.post("/suggestions/{suggestion_id}/close")
def close_suggestion(
    request: Request,
    suggestion_id: str,
    user: SignedInDep,
    engine: EngineDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        engine,
        csrf_token,
        lambda connection: changes.close_suggestion(
            connection, suggestion_id=suggestion_id, now=datetime.now(UTC)
        ),
        "Marked as dealt with.",
    )


@router.post("/suspend")
def suspend(
    request: Request,
    user: SignedInDep,
    engine: EngineDep,
    service_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        engine,
        csrf_token,
        lambda connection: review.suspend(connection, service_id=service_id.strip(), reason=reason),
        "Suspended: the service is no longer public.",
    )


@router.post("/services/{service_id}/unsuspend")
def unsuspend(
    request: Request,
    service_id: str,
    user: SignedInDep,
    engine: EngineDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        engine,
        csrf_token,
        lambda connection: review.unsuspend(connection, service_id=service_id),
        "The service is public again.",
    )


@router.get("/audit")
def audit(
    request: Request,
    user: SignedInDep,
    engine: EngineDep,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    curator_only(user)
    with engine.connect() as connection:
        total, entries = audit_page(connection, page=page_number, per_page=AUDIT_PAGE)
    return page(
        request,
        "audit.html",
        signed_in=user,
        entries=entries,
        total=total,
        page=page_number,
        pages=max(1, math.ceil(total / AUDIT_PAGE)),
    )


@router.get("/stale")
def stale(
    request: Request,
    user: SignedInDep,
    engine: EngineDep,
    months: Annotated[int, Query(ge=0, le=600)] = 12,
) -> HTMLResponse:
    curator_only(user)
    with engine.connect() as connection:
        found = stale_services(connection, months=months, today=datetime.now(UTC).date())
    return page(request, "stale.html", signed_in=user, services=found, months=months)


# --- the public "suggest a correction" form ------------------------------------------------------


def _public_name(connection: Connection, service_id: str) -> str | None:
    found = service_records(connection, [service_id], include_confidential=False)
    return str(found[0]["name"]) if found else None


def _suggest_page(request: Request, service_id: str, name: str, **context: Any) -> HTMLResponse:
    return page(
        request,
        "suggest.html",
        service_id=service_id,
        name=name,
        token=security.form_token(request, "suggest", service_id),
        quick_exit=request.app.state.settings.quick_exit_url,
        **context,
    )


@public_router.get("/suggest/{service_id}")
def suggest_form(request: Request, service_id: str, engine: EngineDep) -> HTMLResponse:
    with engine.connect() as connection:
        name = _public_name(connection, service_id)
    if name is None:
        return message_page(request, 404, "Not found", "There is no such service.")
    return _suggest_page(request, service_id, name, done=False)


@public_router.post(
    "/suggest/{service_id}", dependencies=[Depends(rate_limited("forms", page=True))]
)
def suggest(
    request: Request,
    service_id: str,
    engine: EngineDep,
    message: Annotated[str, Form(max_length=2000)] = "",
    token: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse:
    if not security.form_token_ok(request, "suggest", token, service_id):
        raise HTTPException(403, "this form has expired: open it again")
    with engine.begin() as connection:
        name = _public_name(connection, service_id)
        if name is None:
            return message_page(request, 404, "Not found", "There is no such service.")
        if not message.strip():
            return _suggest_page(
                request,
                service_id,
                name,
                done=False,
                status=422,
                errors=["message: say what should be corrected"],
            )
        changes.add_suggestion(
            connection,
            suggestion_id=str(uuid.uuid4()),
            service_id=service_id,
            message=message.strip(),
            now=datetime.now(UTC),
        )
    return _suggest_page(request, service_id, name, done=True)
