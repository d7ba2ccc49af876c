"""The partner and curator portal under /portal.

Server-rendered forms, no JavaScript, in the partner's language: `lang` in the query (a choice
also remembered in the signed session cookie), else the remembered choice, else Accept-Language;
the sign-in form carries its language into the session. Every form that changes something
carries a CSRF token bound to the session (missing or wrong: 403); the sign-in form's token is
bound to the browser that opened it (`api.portal_security`); sign-in is throttled with growing
waits per address and per account (429 with Retry-After during the wait, never a lock-out:
`directory.accounts.login_throttle`); a password is never logged nor sent back.
"""

import math
import re
import uuid
from collections.abc import Callable, Mapping
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
from directory.accounts import login_throttle
from directory.accounts import service as accounts
from directory.accounts.models import Principal
from directory.changes import decide, propose, working
from directory.changes import repository as changes
from directory.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PasserelleError,
    PreconditionFailed,
    Unavailable,
)
from directory.hsds.audit import audit_page, field_changes
from directory.hsds.research_notes import notes_by_service
from directory.hsds.stale import stale_services
from directory.hsds.suspensions import SUSPENSION
from directory.hsds.tree import TABLES, Record
from directory.limits import BEDS_PROBLEM, WEB_PROBLEM, beds_from_text, text_limit
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE
from web.i18n import N_, Translator, negotiate, supported, translator
from web.portal_pages import render


def _pages(request: Request) -> None:
    """Errors on these routes are answered with a page, not JSON (see `api.errors`)."""
    request.scope["passerelle.page"] = True


router = APIRouter(prefix="/portal", include_in_schema=False, dependencies=[Depends(_pages)])

STATUSES = ("active", "temporarily closed", "inactive", "defunct")
AUDIT_PAGE = 50
EDIT_LIMITS = {
    "name": text_limit("name"),
    "description": text_limit("description"),
    "url": text_limit("url"),
    "email": text_limit("email"),
    "languages": 500,
    "status": 40,
}
"""The longest text each field of the service form takes, in characters (the record's fields:
the limits every path applies, `directory.limits`)."""

STATUS_LABELS = {
    "active": N_("active"),
    "temporarily closed": N_("temporarily closed"),
    "inactive": N_("inactive"),
    "defunct": N_("defunct"),
}
"""HSDS service statuses (the form sends the code, the page shows the word)."""
KIND_LABELS = {"update": N_("change"), "create": N_("new service")}
WHO_LABELS = {"partner": N_("partner"), "curator": N_("curator"), "import": N_("import")}
ACTION_LABELS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("removed"),
    "suspend": N_("suspended"),
    "unsuspend": N_("made public again"),
}
FIELD_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "url": N_("Web address"),
    "email": N_("E-mail"),
    "languages": N_("Languages spoken"),
    "status": N_("Status"),
    "beds_available": N_("Free beds"),
    "reason": N_("Reason"),
    "service_id": N_("Service id"),
}
"""The portal forms' fields, as their labels call them (errors name the field this way)."""
PROBLEMS = {
    "a reason is required": N_("please give a reason."),
    "must be a whole number of 0 or more": N_("please write a whole number of 0 or more."),
    BEDS_PROBLEM: N_("please write a whole number from 0 to 100000."),
    WEB_PROBLEM: N_("please write a web address starting with http:// or https://."),
}
"""Problems the domain reports on a field of a portal form, in words for people."""
PROBLEM_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r'is not a "uri"$'),
        N_("please write a full web address, such as https://example.org."),
    ),
    (
        re.compile(r'is not a "email"$'),
        N_("please write an e-mail address, such as name@example.org."),
    ),
    (
        re.compile(r"ISO 639"),
        N_("please write two-letter language codes, such as fr, nl, en, separated by commas."),
    ),
    (re.compile(r" is not one of "), N_("please choose one of the values offered.")),
    (re.compile(r"^is required$"), N_("please fill this in.")),
)
"""The shapes of the schema validator's messages (which quote the value sent), in words for
people."""
ERROR_TEXTS: tuple[tuple[type[PasserelleError], str], ...] = (
    (NotFound, N_("This was not found: it may have been dealt with or removed meanwhile.")),
    (Conflict, N_("This no longer applies: it changed meanwhile. Please check the page again.")),
    (
        PreconditionFailed,
        N_("The service changed since you opened this page: check it and send your change again."),
    ),
    (Forbidden, N_("You are not allowed to do this.")),
    (Unavailable, N_("The directory cannot be reached right now. Please try again in a moment.")),
)
SOMETHING_WENT_WRONG = N_("Something went wrong on our side. Please try again.")
PAGE_ERRORS = {
    403: N_("You are not allowed to see this page."),
    404: N_("This page does not exist."),
    429: N_("Too many attempts: please wait a moment and try again."),
    503: N_("The directory cannot be reached right now. Please try again in a moment."),
}
SOMETHING_WRONG_HEADING = N_("Something went wrong")
HEADINGS = {
    401: N_("Sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Please check"),
    412: N_("Please check"),
    422: N_("Please check"),
    429: N_("Please wait"),
}


def portal_language(request: Request, chosen: str | None = None) -> str:
    """`chosen` (a form's `lang`), else `lang` in the query, else the language remembered in the
    session cookie, else Accept-Language."""
    remembered = security.session_language(request)
    explicit = next(
        (tag for tag in (chosen, request.query_params.get("lang"), remembered) if supported(tag)),
        None,
    )
    return negotiate(explicit, request.headers.get("accept-language"))


def words(request: Request, chosen: str | None = None) -> Translator:
    """The portal's words in the language of this request."""
    return translator(portal_language(request, chosen), "portal")


def _remember_language(request: Request, response: Response, session_id: str) -> None:
    """Keep a language chosen with `?lang=` in the session cookie, for the next pages."""
    chosen = supported(request.query_params.get("lang"))
    if chosen and chosen != security.session_language(request):
        security.set_session_cookie(request, response, session_id, chosen)


def _labels(_: Translator) -> dict[str, Callable[[str], str]]:
    """Functions that name a stored code in the page's language (unknown codes stay as they are)."""

    def labeller(known: Mapping[str, str]) -> Callable[[str], str]:
        return lambda code: _(known[code]) if code in known else code

    return {
        "status_label": labeller(STATUS_LABELS),
        "kind_label": labeller(KIND_LABELS),
        "who_label": labeller(WHO_LABELS),
        "action_label": labeller(ACTION_LABELS),
    }


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    signed_in: SignedIn | None = None,
    headers: dict[str, str] | None = None,
    lang: str | None = None,
    switch_path: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A portal page; `switch_path`: where the language links lead (this page, when it is a GET)."""
    chosen = portal_language(request, lang)
    context.setdefault("message", None)
    context.setdefault("errors", [])
    if switch_path is None:
        switch_path = request.url.path if request.method == "GET" else "/portal/"
    html = render(
        template,
        lang=chosen,
        principal=signed_in.principal if signed_in else None,
        csrf_token=signed_in.csrf_token if signed_in else "",
        switch_path=switch_path,
        **_labels(translator(chosen, "portal")),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    if signed_in:
        _remember_language(request, response, signed_in.session_id)
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


def error_page(request: Request, status: int, message: str) -> Response | None:
    """The page for an error on a portal route (redirects keep their plain answer).

    `message` is shown translated when it is one of the portal's own sentences; a technical
    message from elsewhere is replaced by a plain sentence for its status."""
    if status < 400:
        return None
    _ = words(request)
    if _.lang == "en" or message in _.strings:
        text = _(message)
    else:
        text = _(PAGE_ERRORS.get(status, SOMETHING_WENT_WRONG))
    heading = _(HEADINGS.get(status, SOMETHING_WRONG_HEADING))
    return message_page(request, status, heading, text, back="/portal/")


def _error_texts(_: Translator, error: PasserelleError) -> list[str]:
    """What went wrong, in words for the portal's people, naming each field by its label."""
    if isinstance(error, InvalidInput) and error.errors:
        return [_field_problem(_, item) for item in error.errors]
    if isinstance(error, InvalidInput):
        return [_("Something in the form could not be used. Please check it.")]
    for kind, text in ERROR_TEXTS:
        if isinstance(error, kind):
            return [_(text)]
    return [_(SOMETHING_WENT_WRONG)]


def _field_problem(_: Translator, item: FieldError) -> str:
    name = item.field.split(".", 1)[0].split("[", 1)[0]
    field = _(FIELD_LABELS[name]) if name in FIELD_LABELS else item.field
    if item.message in PROBLEMS:
        return _("{field}: {problem}", field=field, problem=_(PROBLEMS[item.message]))
    for shape, problem in PROBLEM_SHAPES:
        if shape.search(item.message):
            return _("{field}: {problem}", field=field, problem=_(problem))
    return _("{field}: this value cannot be used ({problem}).", field=field, problem=item.message)


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
        raise HTTPException(403, N_("This form has expired or was not sent from the portal."))


def partner_only(user: SignedIn) -> str:
    if user.principal.is_curator or not user.principal.organization_id:
        raise HTTPException(403, N_("This page is for partner organisations."))
    return user.principal.organization_id


def curator_only(user: SignedIn) -> Principal:
    if not user.principal.is_curator:
        raise HTTPException(403, N_("This page is for curators."))
    return user.principal


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


# --- signing in and out --------------------------------------------------------------------------


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
    engine: EngineDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: CsrfField = None,
    lang: Annotated[str, Form(max_length=35)] = "",
) -> Response:
    chosen = portal_language(request, lang)
    _ = words(request, chosen)
    if not security.login_form_ok(request, csrf_token):
        return message_page(
            request,
            403,
            _("Not allowed"),
            _("This form has expired: open the sign-in page again."),
            back=f"/portal/login?lang={chosen}",
            switch_path="/portal/login",
        )
    keys = login_throttle.throttle_keys(
        security.secret_key(request), email=email, client=security.client_address(request)
    )
    try:
        with engine.begin() as connection:
            login_throttle.claim_attempt(connection, keys=keys)
    except login_throttle.TooSoon as wait:
        return _too_soon(request, wait.seconds, chosen)
    with engine.connect() as connection:
        principal = accounts.check_password(connection, email=email, password=password)
    if principal is None:
        return _login_page(
            request, status=401, lang=chosen, email=email, errors=[_("Wrong e-mail or password.")]
        )
    with engine.begin() as connection:
        login_throttle.forget_failures(connection, keys=keys)
        session_id = accounts.open_session(connection, user_id=principal.subject_id)
    response = see_other("/portal/")
    security.set_session_cookie(request, response, session_id, chosen)
    security.clear_login_cookie(request, response)
    return response


def _too_soon(request: Request, wait: int, lang: str) -> HTMLResponse:
    _ = words(request, lang)
    return page(
        request,
        "message.html",
        status=429,
        lang=lang,
        switch_path="/portal/login",
        headers={"Retry-After": str(wait)},
        heading=_("Please wait"),
        text=_.ngettext(
            "Too many attempts: try again in {n} second.",
            "Too many attempts: try again in {n} seconds.",
            wait,
        ),
        back=f"/portal/login?lang={lang}",
    )


@router.post("/logout")
def logout(
    request: Request, user: SignedInDep, engine: EngineDep, csrf_token: CsrfField = None
) -> Response:
    check_csrf(request, user, csrf_token)
    lang = portal_language(request)
    with engine.begin() as connection:
        accounts.close_session(connection, session_id=user.session_id)
    response = see_other(f"/portal/login?lang={lang}")
    security.clear_session_cookie(request, response)
    return response


@router.get("/")
def home(request: Request, user: SignedInDep) -> Response:
    response = see_other("/portal/queue" if user.principal.is_curator else "/portal/services")
    _remember_language(request, response, user.session_id)
    return response


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
        if (attribute.get("taxonomy_term") or {}).get("code") == CAPACITY_BEDS_AVAILABLE:
            return str(attribute.get("value", ""))
    return ""


def _edit_page(
    request: Request,
    user: SignedIn,
    state: working.Working,
    *,
    status: int = 200,
    message: str | None = None,
    errors: list[str] | None = None,
) -> HTMLResponse:
    record = state.record
    waiting = (
        field_changes(state.service_id, state.published, state.change.record)
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
        languages=", ".join(str(item.get("code", "")) for item in record.get("languages", [])),
        statuses=STATUSES,
        beds=_beds(state.published),
        is_new=state.is_new,
        waiting=waiting,
        message=message,
        errors=errors or [],
    )


def _working(engine: EngineDep, service_id: str, organization_id: str) -> working.Working:
    with engine.connect() as connection:
        return working.working(connection, service_id=service_id, organization_id=organization_id)


@router.get("/services/{service_id}")
def edit_form(
    request: Request, service_id: str, user: SignedInDep, engine: EngineDep
) -> HTMLResponse:
    organization_id = partner_only(user)
    try:
        state = _working(engine, service_id, organization_id)
    except PasserelleError as error:
        return _not_found(request, user, error)
    return _edit_page(request, user, state)


def _not_found(request: Request, user: SignedIn, error: PasserelleError) -> HTMLResponse:
    _ = words(request)
    return message_page(
        request,
        error.status_code,
        _("Not found"),
        _error_texts(_, error)[0],
        signed_in=user,
        back="/portal/services",
        switch_path="/portal/services",
    )


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
    _ = words(request)
    fields = {
        "name": name,
        "description": description,
        "url": url,
        "email": email,
        "languages": languages,
        "status": status,
    }
    too_long = [
        _(
            "{field}: please write at most {limit} characters.",
            field=_(FIELD_LABELS[field]),
            limit=EDIT_LIMITS[field],
        )
        for field, value in fields.items()
        if len(value) > EDIT_LIMITS[field]
    ]
    try:
        state = _working(engine, service_id, organization_id)
        if too_long:
            return _edit_page(request, user, state, status=422, errors=too_long)
        patch = form_patch(state.record, fields)
        if not patch:
            return _edit_page(request, user, state, message=_("Nothing was changed."))
        with engine.begin() as connection:
            outcome = propose.propose(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                if_match=etag or '""',
                patch=patch,
            )
    except PasserelleError as error:
        return _failed(request, user, engine, service_id, organization_id, error)
    state = _working(engine, service_id, organization_id)
    published = ", ".join(
        _(FIELD_LABELS[field]) if field in FIELD_LABELS else field for field in outcome.published
    )
    text = _("Your change waits for a curator's review.")
    if outcome.published:
        text = _("Published at once: {fields}.", fields=published) + " " + text
    if outcome.change_id is None:
        text = _("Published at once: {fields}.", fields=published)
    return _edit_page(request, user, state, message=text)


@router.post("/services/{service_id}/capacity")
def capacity(
    request: Request,
    service_id: str,
    user: SignedInDep,
    engine: EngineDep,
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
        with engine.begin() as connection:
            propose.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=propose.with_beds(beds),
            )
    except PasserelleError as error:
        return _failed(request, user, engine, service_id, organization_id, error)
    state = _working(engine, service_id, organization_id)
    _ = words(request)
    published = _.ngettext("Published: {n} free bed.", "Published: {n} free beds.", beds)
    return _edit_page(request, user, state, message=published)


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
    except PasserelleError as missing:
        return _not_found(request, user, missing)
    errors = _error_texts(words(request), error)
    return _edit_page(request, user, state, status=error.status_code, errors=errors)


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
            propose.publish_at_once(
                connection,
                organization_id=organization_id,
                service_id=service_id,
                edit=propose.confirmed(datetime.now(UTC).date()),
            )
    except PasserelleError as error:
        return _failed(request, user, engine, service_id, organization_id, error)
    state = _working(engine, service_id, organization_id)
    _ = words(request)
    return _edit_page(request, user, state, message=_("Thank you: confirmed as accurate today."))


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
    noted = notes_by_service(connection, service_ids=sorted({c.service_id for c in waiting}))
    return {
        "changes": [
            {
                "id": change.id,
                "name": change.record.get("name") or services.get(change.service_id, ""),
                "kind": change.kind.value,
                "created_at": change.created_at.strftime("%Y-%m-%d %H:%M"),
                "service_id": change.service_id,
                "organization_id": change.organization_id,
                "organization": organizations.get(change.organization_id, change.organization_id),
                "diff": decide.diff(connection, change),
                "touches": decide.touches(connection, change),
                "notes": noted.get(change.service_id, []),
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
        switch_path="/portal/queue",
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
    """Do `action`, then show the queue saying `done` (a msgid) or what went wrong."""
    check_csrf(request, user, csrf_token)
    curator_only(user)
    _ = words(request)
    try:
        with engine.begin() as connection:
            action(connection)
    except PasserelleError as error:
        return _queue_page(
            request, user, engine, status=error.status_code, errors=_error_texts(_, error)
        )
    return _queue_page(request, user, engine, message=_(done))


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
        lambda connection: decide.approve(connection, change_id=change_id),
        N_("Approved and published."),
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
        lambda connection: decide.reject(connection, change_id=change_id, reason=reason),
        N_("Rejected."),
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
        N_("Marked as dealt with."),
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
        lambda connection: decide.suspend(connection, service_id=service_id.strip(), reason=reason),
        N_("Suspended: the service is no longer public."),
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
        lambda connection: decide.unsuspend(connection, service_id=service_id),
        N_("The service is public again."),
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


@router.get("/notes/{service_id}")
def research_notes(
    request: Request, service_id: str, user: SignedInDep, engine: EngineDep
) -> HTMLResponse:
    """A service's research notes with their sources: for curators, never public."""
    curator_only(user)
    with engine.connect() as connection:
        name = _names(connection, "service", {service_id}).get(service_id)
        notes = notes_by_service(connection, service_ids=[service_id]).get(service_id, [])
    if name is None:
        _ = words(request)
        missing = _("No such service.")
        return message_page(request, 404, _("Not found"), missing, signed_in=user, back="/portal/")
    context: dict[str, Any] = {"service_id": service_id, "name": name, "notes": notes}
    return page(request, "research_notes.html", signed_in=user, **context)
