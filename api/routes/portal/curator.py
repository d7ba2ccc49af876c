"""The curators' pages: the queue, decisions, suspensions, the audit log, stale services and
research notes. Every action goes through `_curator_action`: check, act, show the queue."""

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select

from api.deps import PortalWordsDep, SessionDep, undone_if_refused
from api.portal_security import SignedIn
from api.routes.portal import (
    CsrfField,
    SignedInDep,
    check_csrf,
    curator_only,
    message_page,
    page,
    router,
)
from directory.changes import repository as changes
from directory.changes import review
from directory.errors import PasserelleError
from directory.hsds.audit import audit_page
from directory.hsds.research_notes import notes_by_service
from directory.hsds.stale import stale_services
from directory.hsds.suspensions import SUSPENSION
from directory.hsds.tree import TABLES
from web import portal as words_of
from web.i18n import N_, Translator

AUDIT_PAGE = 50


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
    noted = notes_by_service(connection, service_ids=sorted({c.service_id for c in waiting}))
    return {
        "changes": [
            words_of.change_row(
                change,
                kind=change.kind.value,
                services=services,
                organizations=organizations,
                diff=review.diff(connection, change),
                touches=review.touches(connection, change),
                notes=noted.get(change.service_id, []),
            )
            for change in waiting
        ],
        "suggestions": [
            words_of.suggestion_row(
                s.id, s.service_id, s.message, s.created_at, services.get(s.service_id, "")
            )
            for s in suggestions
        ],
        "suspended": [
            words_of.suspended_row(
                row.service_id, row.reason, row.suspended_at, services.get(row.service_id, "")
            )
            for row in suspended
        ],
    }


def _queue_page(
    request: Request,
    user: SignedIn,
    session: SessionDep,
    *,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    context = _queue(session.connection())
    return page(
        request,
        "queue.html",
        status=status,
        signed_in=user,
        switch_path="/portal/queue",
        message=message,
        errors=errors or [],
        **context,
    )


@router.get("/queue")
def queue(request: Request, user: SignedInDep, session: SessionDep) -> HTMLResponse:
    curator_only(user)
    return _queue_page(request, user, session)


Action = Callable[[Connection], object]


def _curator_action(
    request: Request,
    user: SignedIn,
    session: SessionDep,
    _: Translator,
    csrf_token: str | None,
    action: Action,
    done: str,
) -> HTMLResponse:
    """Do `action`, then show the queue saying `done` (a msgid) or what went wrong."""
    check_csrf(request, user, csrf_token)
    curator_only(user)
    try:
        with undone_if_refused(session) as connection:
            action(connection)
    except PasserelleError as error:
        return _queue_page(
            request, user, session, status=error.status_code, errors=words_of.error_texts(_, error)
        )
    return _queue_page(request, user, session, message=_(done))


@router.post("/changes/{change_id}/approve")
def approve(
    request: Request,
    change_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: review.approve(connection, change_id=change_id),
        N_("Approved and published."),
    )


@router.post("/changes/{change_id}/reject")
def reject(
    request: Request,
    change_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: review.reject(connection, change_id=change_id, reason=reason),
        N_("Rejected."),
    )


@router.post("/suggestions/{suggestion_id}/close")
def close_suggestion(
    request: Request,
    suggestion_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: changes.close_suggestion(
            connection, suggestion_id=suggestion_id, now=datetime.now(UTC)
        ),
        N_("Marked as dealt with."),
    )


@router.post("/suspend")
def suspend(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    service_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: review.suspend(connection, service_id=service_id.strip(), reason=reason),
        N_("Suspended: the service is no longer public."),
    )


@router.post("/services/{service_id}/unsuspend")
def unsuspend(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    return _curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: review.unsuspend(connection, service_id=service_id),
        N_("The service is public again."),
    )


@router.get("/audit")
def audit(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    curator_only(user)
    total, entries = audit_page(session.connection(), page=page_number, per_page=AUDIT_PAGE)
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
    session: SessionDep,
    months: Annotated[int, Query(ge=0, le=600)] = 12,
) -> HTMLResponse:
    curator_only(user)
    today = datetime.now(UTC).date()
    found = stale_services(session.connection(), months=months, today=today)
    return page(request, "stale.html", signed_in=user, services=found, months=months)


@router.get("/notes/{service_id}")
def research_notes(
    request: Request, service_id: str, user: SignedInDep, session: SessionDep, _: PortalWordsDep
) -> HTMLResponse:
    """A service's research notes with their sources: for curators, never public."""
    curator_only(user)
    connection = session.connection()
    name = _names(connection, "service", {service_id}).get(service_id)
    notes = notes_by_service(connection, service_ids=[service_id]).get(service_id, [])
    if name is None:
        missing = _("No such service.")
        return message_page(request, 404, _("Not found"), missing, signed_in=user, back="/portal/")
    context: dict[str, Any] = {"service_id": service_id, "name": name, "notes": notes}
    return page(request, "research_notes.html", signed_in=user, **context)
