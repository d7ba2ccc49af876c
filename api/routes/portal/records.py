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
from api.routes.portal.service_form import (
    PostedDep,
    csrf_of,
    form_context,
    read_form,
    refused_fields,
)
from directory.changes import decide
from directory.changes import repository as changes
from directory.changes.curator_edit import edit_published, published_version
from directory.changes.working import canonical
from directory.errors import PasserelleError
from directory.hsds import merge_patch
from directory.hsds.curator_search import find_organizations, find_services
from directory.hsds.suspensions import suspension_reason
from web import portal as words_of
from web import portal_forms as forms


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
    values: forms.Values | None = None,
    beside: dict[str, list[str]] | None = None,
) -> HTMLResponse:
    record, version = published_version(connection, service_id=service_id)
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
        beside=beside or {},
        **form_context(request, record, forms.form_values(record) if values is None else values),
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
    posted: PostedDep,
) -> Response:
    """The curator's own edit, with the partner's form: published at once, audited as the
    curator's; refused with every problem beside its field, nothing lost of what was typed."""
    check_csrf(request, user, csrf_of(posted))
    curator_only(user)
    version = str(posted.get("version") or "")[:100]

    def refused(
        status: int, problems: forms.Problems | None, error: PasserelleError | None, proposed: Any
    ) -> HTMLResponse:
        values, beside, top = refused_fields(
            request, _, posted, problems=problems, error=error, proposed=proposed
        )
        connection = session.connection()
        return _record_page(
            request, user, connection, service_id, status=status, errors=top, values=values,
            beside=beside,
        )  # fmt: skip

    try:
        record, _version = published_version(session.connection(), service_id=service_id)
    except PasserelleError as error:
        return _failed_on_record(request, user, session, service_id)(
            error.status_code, words_of.error_texts(_, error)
        )
    proposed, problems, refusal = read_form(record, posted)
    if problems or refusal:
        return refused(422, problems, refusal, proposed)
    patch = merge_patch.derive(canonical(record), canonical(proposed))
    try:
        with undone_if_refused(session) as connection:
            if patch:
                edit_published(connection, service_id=service_id, version=version, patch=patch)
    except PasserelleError as error:
        return refused(error.status_code, None, error, proposed)
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
