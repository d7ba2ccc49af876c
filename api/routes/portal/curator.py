"""The curators' pages: the queue, decisions, the audit log, stale services and research notes.
Every action goes through `curator_action`: check, act, then 303 to a page that says what was
done (post/redirect/get), or show what went wrong with nothing written."""

import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection, select

from api.deps import PortalWordsDep, SessionDep, request_language, undone_if_refused
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
from api.routes.portal.notices import see_other_saying
from directory.changes import decide
from directory.changes import repository as changes
from directory.changes.working import published_record
from directory.errors import PasserelleError, SuggestionNotFound
from directory.hsds.audit_events import Event, events_page
from directory.hsds.curator_search import organization_names
from directory.hsds.research_notes import notes_by_service
from directory.hsds.stale import stale_services
from directory.hsds.suspensions import SUSPENSION
from directory.hsds.tree import TABLES
from web import audit_view
from web import portal as words_of
from web import portal_audit_filter as audit_form
from web.i18n import Translator, translator

AUDIT_PAGE = 50


def _names(connection: Connection, table: str, ids: set[str]) -> dict[str, str]:
    target = TABLES[table]
    rows = connection.execute(
        select(target.c.id, target.c.name).where(target.c.id.in_(sorted(ids)))
    )
    return {row.id: row.name for row in rows}


def _queue(connection: Connection, _: Translator) -> dict[str, Any]:
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
                diff=audit_view.readable_diff(
                    published_record(connection, change.service_id), change.record, _
                ),
                touches=decide.touches(connection, change),
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
    context = _queue(session.connection(), translator(request_language(request), "portal"))
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
Failed = Callable[[int, list[str]], HTMLResponse]


def curator_action(
    request: Request,
    user: SignedIn,
    session: SessionDep,
    _: Translator,
    csrf_token: str | None,
    action: Action,
    *,
    notice: str,
    then: str,
    failed: Failed | None = None,
) -> Response:
    """Do `action`, then 303 to `then` whose page says `notice` once; what went wrong is shown
    on `failed`'s page (by default the queue), nothing written."""
    check_csrf(request, user, csrf_token)
    curator_only(user)
    try:
        with undone_if_refused(session) as connection:
            action(connection)
    except PasserelleError as error:
        errors = words_of.error_texts(_, error)
        if failed is not None:
            return failed(error.status_code, errors)
        return _queue_page(request, user, session, status=error.status_code, errors=errors)
    return see_other_saying(request, then, notice)


@router.post("/changes/{change_id}/approve")
def approve(
    request: Request,
    change_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> Response:
    return curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: decide.approve(connection, change_id=change_id),
        notice="approved",
        then="/portal/queue",
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
) -> Response:
    return curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        lambda connection: decide.reject(connection, change_id=change_id, reason=reason),
        notice="rejected",
        then="/portal/queue",
    )


@router.post("/suggestions/{suggestion_id}/close")
def close_suggestion(
    request: Request,
    suggestion_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> Response:
    def close(connection: Connection) -> None:
        if not changes.close_suggestion(
            connection, suggestion_id=suggestion_id, now=datetime.now(UTC)
        ):
            raise SuggestionNotFound(suggestion_id)

    return curator_action(
        request,
        user,
        session,
        _,
        csrf_token,
        close,
        notice="suggestion_closed",
        then="/portal/queue",
    )


# --- the audit log -------------------------------------------------------------------------------


def _page_url(chosen: Mapping[str, str], page_number: int) -> str:
    kept = {key: value for key, value in chosen.items() if value}
    return "/portal/audit?" + urlencode({**kept, "page": page_number})


TextQuery = Annotated[str, Query(max_length=200)]


@router.get("/audit")
def audit(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    service: TextQuery = "",
    organisation: Annotated[str, Query(max_length=64)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    since: Annotated[str, Query(alias="from", max_length=40)] = "",
    until: Annotated[str, Query(alias="to", max_length=40)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    curator_only(user)
    connection = session.connection()
    chosen = {
        "service": service,
        "organisation": organisation,
        "kind": kind,
        "from": since,
        "to": until,
    }
    picked, errors = audit_form.audit_filter(_, chosen)
    total, events = 0, list[Event]()
    if not errors:
        total, events = events_page(connection, picked, page=page_number, per_page=AUDIT_PAGE)
    organizations = organization_names(connection)
    names = dict(organizations)
    pages = max(1, math.ceil(total / AUDIT_PAGE))
    return page(
        request,
        "audit.html",
        status=422 if errors else 200,
        signed_in=user,
        switch_path="/portal/audit",
        errors=errors,
        chosen=chosen,
        organizations=organizations,
        kinds=audit_form.kinds(_),
        entries=[audit_view.entry(event, _, names) for event in events],
        total=total,
        page=page_number,
        pages=pages,
        newer_url=_page_url(chosen, page_number - 1) if page_number > 1 else "",
        older_url=_page_url(chosen, page_number + 1) if page_number < pages else "",
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
        heading, missing = _(words_of.HEADINGS[404]), _(words_of.NO_SUCH_SERVICE)
        return message_page(request, 404, heading, missing, signed_in=user, back="/portal/")
    context: dict[str, Any] = {"service_id": service_id, "name": name, "notes": notes}
    return page(request, "research_notes.html", signed_in=user, **context)
