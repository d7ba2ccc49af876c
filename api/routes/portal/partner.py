"""A partner's own services: the list with what is due, the edit form, a new service, free beds
now and "still accurate".

Post/redirect/get: a form that did its work answers 303 to its page, which says once what was
done (`api.routes.portal.notices`, as on every portal form); a refused form comes back with its
status (422, 409, 412), every problem beside its field and everything typed kept.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection, select
from starlette.datastructures import FormData

from api.deps import PortalWordsDep, SessionDep, undone_if_refused
from api.portal_security import SignedIn
from api.routes.portal import (
    CsrfField,
    SignedInDep,
    check_csrf,
    message_page,
    notices,
    page,
    partner_only,
    router,
)
from api.routes.portal.notices import see_other_saying
from api.routes.portal.service_form import (
    PostedDep,
    csrf_of,
    form_context,
    read_form,
    refused_fields,
)
from directory.changes import at_once, propose, working
from directory.changes import repository as changes
from directory.changes.working import canonical
from directory.errors import BedsInvalid, PasserelleError
from directory.hsds import merge_patch
from directory.hsds.audit import field_changes
from directory.hsds.stale import PARTNER_REMINDER_DAYS, confirmation_due, cutoff
from directory.hsds.tree import TABLES, Record
from directory.limits import BEDS_PROBLEM, beds_from_text
from web import portal as words_of
from web import portal_feedback as feedback
from web import portal_forms as forms
from web import portal_notices as notice_words
from web.i18n import Translator


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
    before = _reminder_cutoff()
    return [
        {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "assured_date": feedback.iso(row.assured_date),
            "waiting": row.id in waiting,
            "due": confirmation_due(row.assured_date, before=before),
        }
        for row in rows
    ]


def _reminder_cutoff() -> date:
    return cutoff(datetime.now(UTC).date(), days=PARTNER_REMINDER_DAYS)


@router.get("/services")
def my_services(
    request: Request, user: SignedInDep, session: SessionDep, _: PortalWordsDep
) -> HTMLResponse:
    organization_id = partner_only(user)
    connection = session.connection()
    services = _organization_services(connection, organization_id)
    names = {item["id"]: item["name"] for item in services}
    history = changes.organization_changes(connection, organization_id=organization_id)
    suggestions = changes.open_suggestions(connection, organization_id=organization_id)
    return page(
        request,
        "services.html",
        signed_in=user,
        services=services,
        due=[item for item in services if item["due"]],
        reminder_days=PARTNER_REMINDER_DAYS,
        changes=feedback.change_rows(_, list(history), names),
        suggestions=[
            words_of.suggestion_row(
                s.id, s.service_id, s.message, s.created_at, names.get(s.service_id, "")
            )
            for s in suggestions
        ],
    )


def _service_form(
    request: Request,
    user: SignedIn,
    _: Translator,
    state: working.Working | None,
    values: forms.Values,
    *,
    status: int = 200,
    message: str | None = None,
    beside: dict[str, list[str]] | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    """The service form (a new service when `state` is None) showing `values`."""
    record = state.record if state else {}
    service_id = state.service_id if state else ""
    return page(
        request,
        "service_edit.html",
        status=status,
        signed_in=user,
        switch_path=f"/portal/services/{service_id or 'new'}",
        service_id=service_id,
        title=record.get("name") or _(words_of.NEW_SERVICE),
        beside=beside or {},
        message=message,
        errors=errors or [],
        reminder_days=PARTNER_REMINDER_DAYS,
        **form_context(request, record, values),
        **_state_context(state),
    )


def _state_context(state: working.Working | None) -> dict[str, Any]:
    """What the form shows of the service's state: its waiting change, version, beds, freshness."""
    if state is None:
        return {
            "waiting": [],
            "etag": "",
            "beds": "",
            "is_new": True,
            "assured_date": "",
            "due": False,
        }
    assured = state.published.get("assured_date")
    return {
        "waiting": field_changes(state.service_id, state.published, state.change.record)
        if state.change
        else [],
        "etag": state.etag,
        "beds": words_of.beds(state.published),
        "is_new": state.is_new,
        "assured_date": assured or "",
        "due": not state.is_new and confirmation_due(assured, before=_reminder_cutoff()),
    }


def _working(connection: Connection, service_id: str, organization_id: str) -> working.Working:
    return working.working(connection, service_id=service_id, organization_id=organization_id)


def _refused(
    request: Request,
    user: SignedIn,
    _: Translator,
    state: working.Working | None,
    posted: FormData,
    *,
    status: int,
    problems: forms.Problems | None = None,
    error: PasserelleError | None = None,
    proposed: Record | None = None,
) -> HTMLResponse:
    """The form again, as it was typed, with every problem beside its field and at the top."""
    values, beside, top = refused_fields(
        request, _, posted, problems=problems, error=error, proposed=proposed
    )
    return _service_form(request, user, _, state, values, status=status, beside=beside, errors=top)


@router.get("/services/new")
def new_service_form(request: Request, user: SignedInDep, _: PortalWordsDep) -> HTMLResponse:
    partner_only(user)
    return _service_form(request, user, _, None, forms.form_values(_blank("")))


def _blank(organization_id: str) -> Record:
    return {"id": "", "organization_id": organization_id, "status": "active"}


@router.post("/services/new")
def propose_new_service(
    request: Request, user: SignedInDep, session: SessionDep, _: PortalWordsDep, posted: PostedDep
) -> Response:
    check_csrf(request, user, csrf_of(posted))
    organization_id = partner_only(user)
    record = _blank(organization_id)
    record["id"] = working_id = str(uuid.uuid4())
    proposed, problems, refusal = read_form(record, posted)
    if problems or refusal:
        return _refused(
            request, user, _, None, posted, status=422, problems=problems, error=refusal
        )
    try:
        with undone_if_refused(session) as connection:
            propose.propose_new(connection, organization_id=organization_id, record=proposed)
    except PasserelleError as error:
        return _refused(
            request, user, _, None, posted, status=error.status_code, error=error, proposed=proposed
        )
    return see_other_saying(request, f"/portal/services/{working_id}", "proposed")


@router.get("/services/{service_id}")
def edit_form(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
) -> HTMLResponse:
    organization_id = partner_only(user)
    try:
        state = _working(session.connection(), service_id, organization_id)
    except PasserelleError as error:
        return _not_found(request, user, _, error)
    message = None
    if notices.waiting_notice(request) == "beds":
        message = notice_words.beds_published(_, int(words_of.beds(state.published) or 0))
    return _service_form(request, user, _, state, forms.form_values(state.record), message=message)


def _not_found(
    request: Request, user: SignedIn, _: Translator, error: PasserelleError
) -> HTMLResponse:
    return message_page(
        request,
        error.status_code,
        _(words_of.HEADINGS[404]),
        words_of.error_texts(_, error)[0],
        signed_in=user,
        back="/portal/services",
        switch_path="/portal/services",
    )


@router.post("/services/{service_id}")
def edit(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    posted: PostedDep,
) -> Response:
    check_csrf(request, user, csrf_of(posted))
    organization_id = partner_only(user)
    etag = str(posted.get("etag") or "")[:100]
    try:
        state = _working(session.connection(), service_id, organization_id)
    except PasserelleError as error:
        return _not_found(request, user, _, error)
    proposed, problems, refusal = read_form(state.record, posted)
    if problems or refusal:
        return _refused(
            request, user, _, state, posted, status=422, problems=problems, error=refusal
        )
    patch = merge_patch.derive(canonical(state.record), canonical(proposed))
    if not patch and etag == state.etag:
        return see_other_saying(request, f"/portal/services/{service_id}", "nothing_changed")
    try:
        with undone_if_refused(session) as connection:
            outcome = propose.propose(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                if_match=etag or '""',
                patch=patch,
            )
    except PasserelleError as error:
        return _edit_refused(request, user, _, session.connection(), state, posted, error, proposed)
    notice = notice_words.edit_notice(outcome.change_id, outcome.published)
    return see_other_saying(request, f"/portal/services/{service_id}", notice)


def _edit_refused(
    request: Request,
    user: SignedIn,
    _: Translator,
    connection: Connection,
    state: working.Working,
    posted: FormData,
    error: PasserelleError,
    proposed: Record,
) -> HTMLResponse:
    """A refused edit: the form as typed, with the version now current (whose ETag it carries,
    so that the partner can check it and send again)."""
    try:
        state = _working(connection, state.service_id, state.organization_id)
    except PasserelleError as missing:
        return _not_found(request, user, _, missing)
    return _refused(
        request, user, _, state, posted, status=error.status_code, error=error, proposed=proposed
    )


@router.post("/services/{service_id}/capacity")
def capacity(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    beds_available: Annotated[str, Form()] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    beds = beds_from_text(beds_available)
    try:
        if beds is None:
            raise BedsInvalid(BEDS_PROBLEM)
        with undone_if_refused(session) as connection:
            at_once.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=at_once.with_beds(beds),
            )
    except PasserelleError as error:
        return _failed(request, user, _, session.connection(), service_id, organization_id, error)
    return see_other_saying(request, f"/portal/services/{service_id}", "beds")


def _failed(
    request: Request,
    user: SignedIn,
    _: Translator,
    connection: Connection,
    service_id: str,
    organization_id: str,
    error: PasserelleError,
) -> HTMLResponse:
    """A refused capacity or confirmation: the service's page, saying why."""
    try:
        state = _working(connection, service_id, organization_id)
    except PasserelleError as missing:
        return _not_found(request, user, _, missing)
    errors = words_of.error_texts(_, error)
    values = forms.form_values(state.record)
    return _service_form(request, user, _, state, values, status=error.status_code, errors=errors)


@router.post("/services/{service_id}/confirm")
def confirm(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    try:
        with undone_if_refused(session) as connection:
            at_once.confirm(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                today=datetime.now(UTC).date(),
            )
    except PasserelleError as error:
        return _failed(request, user, _, session.connection(), service_id, organization_id, error)
    return see_other_saying(request, f"/portal/services/{service_id}", "confirmed")
