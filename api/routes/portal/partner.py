"""A partner's own services: the list, the edit form, free beds now and "still accurate"."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection, select

from api.deps import PortalWordsDep, SessionDep, undone_if_refused
from api.portal_security import SignedIn
from api.routes.portal import (
    CsrfField,
    SignedInDep,
    check_csrf,
    message_page,
    page,
    partner_only,
    router,
)
from directory.changes import repository as changes
from directory.changes import review
from directory.errors import FieldError, InvalidInput, PasserelleError
from directory.hsds.tree import TABLES
from directory.limits import BEDS_PROBLEM, beds_from_text
from web import portal as words_of
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
def my_services(request: Request, user: SignedInDep, session: SessionDep) -> HTMLResponse:
    organization_id = partner_only(user)
    services = _organization_services(session.connection(), organization_id)
    return page(request, "services.html", signed_in=user, services=services)


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
        switch_path=f"/portal/services/{state.service_id}",
        record=record,
        etag=state.etag,
        languages=words_of.languages_text(record),
        statuses=words_of.STATUSES,
        beds=words_of.beds(state.published),
        is_new=state.is_new,
        waiting=waiting,
        message=message,
        errors=errors or [],
    )


def _working(connection: Connection, service_id: str, organization_id: str) -> review.Working:
    return review.working(connection, service_id=service_id, organization_id=organization_id)


@router.get("/services/{service_id}")
def edit_form(
    request: Request, service_id: str, user: SignedInDep, session: SessionDep, _: PortalWordsDep
) -> HTMLResponse:
    organization_id = partner_only(user)
    try:
        state = _working(session.connection(), service_id, organization_id)
    except PasserelleError as error:
        return _not_found(request, user, _, error)
    return _edit_page(request, user, state)


def _not_found(
    request: Request, user: SignedIn, _: Translator, error: PasserelleError
) -> HTMLResponse:
    return message_page(
        request,
        error.status_code,
        _("Not found"),
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
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    languages: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
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
    too_long = words_of.too_long(_, fields)
    try:
        with undone_if_refused(session) as connection:
            state = _working(connection, service_id, organization_id)
            if too_long:
                return _edit_page(request, user, state, status=422, errors=too_long)
            patch = words_of.form_patch(state.record, fields)
            if not patch:
                return _edit_page(request, user, state, message=_("Nothing was changed."))
            outcome = review.propose(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                if_match=etag or '""',
                patch=patch,
            )
    except PasserelleError as error:
        return _failed(request, user, _, session.connection(), service_id, organization_id, error)
    state = _working(session.connection(), service_id, organization_id)
    text = words_of.published_text(_, outcome.published, waits=outcome.change_id is not None)
    return _edit_page(request, user, state, message=text)


@router.post("/services/{service_id}/capacity")
def capacity(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    beds_available: Annotated[str, Form()] = "",
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    beds = beds_from_text(beds_available)
    try:
        if beds is None:
            raise InvalidInput(
                f"free beds {BEDS_PROBLEM}", [FieldError("form", "beds_available", BEDS_PROBLEM)]
            )
        with undone_if_refused(session) as connection:
            review.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=review.with_beds(beds),
            )
    except PasserelleError as error:
        return _failed(request, user, _, session.connection(), service_id, organization_id, error)
    state = _working(session.connection(), service_id, organization_id)
    published = _.ngettext("Published: {n} free bed.", "Published: {n} free beds.", beds)
    return _edit_page(request, user, state, message=published)


def _failed(
    request: Request,
    user: SignedIn,
    _: Translator,
    connection: Connection,
    service_id: str,
    organization_id: str,
    error: PasserelleError,
) -> HTMLResponse:
    try:
        state = _working(connection, service_id, organization_id)
    except PasserelleError as missing:
        return _not_found(request, user, _, missing)
    errors = words_of.error_texts(_, error)
    return _edit_page(request, user, state, status=error.status_code, errors=errors)


@router.post("/services/{service_id}/confirm")
def confirm(
    request: Request,
    service_id: str,
    user: SignedInDep,
    session: SessionDep,
    _: PortalWordsDep,
    csrf_token: CsrfField = None,
) -> HTMLResponse:
    check_csrf(request, user, csrf_token)
    organization_id = partner_only(user)
    try:
        with undone_if_refused(session) as connection:
            review.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=review.confirmed(datetime.now(UTC).date()),
            )
    except PasserelleError as error:
        return _failed(request, user, _, session.connection(), service_id, organization_id, error)
    state = _working(session.connection(), service_id, organization_id)
    return _edit_page(request, user, state, message=_("Thank you: confirmed as accurate today."))
