"""The public "suggest a correction" form, reached from a service page.

A public page like the others (`api/routes/pages.py`): in the person's language (`lang` from the
query or the form, then Accept-Language), with the quick exit and the language links, and no
cookie. The form carries a signed, expiring token instead. What is sent is kept for the curators
without anything about the sender.
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api import portal_security as security
from api.deps import LangDep, SessionDep, SettingsDep, WordsDep
from api.ratelimit import rate_limited
from api.routes.pages import page
from directory.changes import repository as changes
from directory.hsds.repository import service_records
from web import public
from web.i18n import translator

router = APIRouter(include_in_schema=False)


def _mark_page(request: Request) -> None:
    request.scope["passerelle.page"] = True


def _public_name(connection: Connection, service_id: str) -> str | None:
    found = service_records(connection, [service_id[:64]], include_confidential=False)
    return str(found[0]["name"]) if found else None


def _form_page(
    request: Request,
    settings: SettingsDep,
    *,
    lang: str,
    service_id: str,
    name: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    context.setdefault("errors", {})
    context.setdefault("message", "")
    return page(
        request, settings, "suggest.html", lang=lang, status_code=status_code,
        switch_path=f"/suggest/{service_id}", service_id=service_id, service_name=name,
        token=security.form_token(request, "suggest", service_id), max_length=public.MAX_MESSAGE,
        field_ids={}, **context,
    )  # fmt: skip


def _no_such_service(request: Request, settings: SettingsDep, lang: str) -> HTMLResponse:
    title, text = public.error_words(translator(lang), 404)
    return page(
        request, settings, "message.html", lang=lang, status_code=404, title=title, message=text
    )


@router.get("/suggest/{service_id}", response_class=HTMLResponse)
def suggest_form(
    request: Request,
    service_id: str,
    settings: SettingsDep,
    session: SessionDep,
    lang: LangDep,
) -> HTMLResponse:
    _mark_page(request)
    name = _public_name(session.connection(), service_id)
    if name is None:
        return _no_such_service(request, settings, lang)
    return _form_page(request, settings, lang=lang, service_id=service_id, name=name, done=False)


@router.post(
    "/suggest/{service_id}",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limited("forms", page=True))],
)
def suggest(
    request: Request,
    service_id: str,
    settings: SettingsDep,
    session: SessionDep,
    lang: LangDep,
    _: WordsDep,
    message: Annotated[str, Form()] = "",
    token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    _mark_page(request)
    connection = session.connection()
    name = _public_name(connection, service_id)
    if name is None:
        return _no_such_service(request, settings, lang)
    errors = public.message_errors(_, message)
    if not security.form_token_ok(request, "suggest", token[:500], service_id):
        errors = {"form": _(public.FORM_EXPIRED), **errors}
        status = 403
    else:
        status = 422
    if errors:
        return _form_page(
            request, settings, lang=lang, service_id=service_id, name=name,
            status_code=status, done=False, errors=errors, message=message[:public.MAX_MESSAGE],
        )  # fmt: skip
    changes.add_suggestion(
        connection,
        suggestion_id=str(uuid.uuid4()),
        service_id=service_id,
        message=message.strip(),
        now=datetime.now(UTC),
    )
    return _form_page(request, settings, lang=lang, service_id=service_id, name=name, done=True)
