"""A curator's tools on the directory's records: search services and organisations by name,
place or code; a service's own page to edit it directly (published at once, audited as the
curator's) and to suspend it or make it public again."""

from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from api.deps import PortalWordsDep, SessionDep, undone_if_refused
from api.portal_security import SignedIn
from api.routes.portal import CsrfField, SignedInDep, check_csrf, curator_only, page, router
from api.routes.portal.curator import Failed, curator_action
from api.routes.portal.notices import see_other_saying
from directory.changes import decide
from directory.changes import repository as changes
from directory.changes.curator_edit import edit_published, published_version
from directory.errors import PasserelleError
from directory.hsds.curator_search import find_organizations, find_services
from directory.hsds.suspensions import suspension_reason
from web import portal as words_of

EDIT_FIELDS = ("name", "description", "url", "email", "languages", "status")


@router.get("/search")
def search(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    curator_only(user)
    connection = session.connection()
    return page(
        request,
        "search.html",
        signed_in=user,
        switch_path="/portal/search",
        q=q,
        services=find_services(connection, q),
        organizations=find_organizations(connection, q),
    )


def _record_page(
    request: Request,
    user: SignedIn,
    connection: Connection,
    service_id: str,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    record, version = published_version(connection, service_id=service_id)
    shown = {
        "name": record.get("name") or "",
        "description": record.get("description") or "",
        "url": record.get("url") or "",
        "email": record.get("email") or "",
        "languages": words_of.languages_text(record),
        "status": record.get("status") or "",
    }
    organization = record.get("organization") or {}
    return page(
        request,
        "record.html",
        status=status,
        signed_in=user,
        switch_path=f"/portal/records/{service_id}",
        errors=errors or [],
        record=record,
        organization=organization.get("name") or "",
        version=version,
        form={**shown, **(form or {})},
        statuses=words_of.STATUSES,
        suspended=suspension_reason(connection, service_id),
        waiting=changes.waiting_change(connection, service_id) is not None,
    )


@router.get("/records/{service_id}")
def record(
    request: Request, service_id: str, user: SignedInDep, session: SessionDep
) -> HTMLResponse:
    curator_only(user)
    return _record_page(request, user, session.connection(), service_id)


def _failed_on_record(
    request: Request, user: SignedIn, session: SessionDep, service_id: str, **shown: Any
) -> Failed:
    """The record's page saying what went wrong (a service that is not there: 404)."""

    def failed(status: int, errors: list[str]) -> HTMLResponse:
        return _record_page(
            request, user, session.connection(), service_id, status=status, errors=errors, **shown
        )

    return failed


@router.post("/records/{service_id}")
def edit_record(
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
    version: Annotated[str, Form(max_length=100)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    """The curator's own edit: published at once, audited as the curator's."""
    check_csrf(request, user, csrf_token)
    curator_only(user)
    fields = dict(zip(EDIT_FIELDS, (name, description, url, email, languages, status), strict=True))
    failed = _failed_on_record(request, user, session, service_id, form=fields)
    too_long = words_of.too_long(_, fields)
    if too_long:
        return failed(422, too_long)
    try:
        with undone_if_refused(session) as connection:
            record, _version = published_version(connection, service_id=service_id)
            patch = words_of.form_patch(record, fields)
            if patch:
                edit_published(connection, service_id=service_id, version=version, patch=patch)
    except PasserelleError as error:
        return failed(error.status_code, words_of.error_texts(_, error))
    notice = "curator_edited" if patch else "nothing_changed"
    return see_other_saying(request, f"/portal/records/{service_id}", notice)


@router.post("/records/{service_id}/suspend")
def suspend(
    request: Request,
    service_id: str,
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
        lambda connection: decide.suspend(connection, service_id=service_id, reason=reason),
        notice="suspended",
        then=f"/portal/records/{service_id}",
        failed=_failed_on_record(request, user, session, service_id),
    )


@router.post("/records/{service_id}/unsuspend")
def unsuspend(
    request: Request,
    service_id: str,
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
        lambda connection: decide.unsuspend(connection, service_id=service_id),
        notice="unsuspended",
        then=f"/portal/records/{service_id}",
        failed=_failed_on_record(request, user, session, service_id),
    )
