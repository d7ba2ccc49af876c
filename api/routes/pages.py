"""The public website: search form, results, service pages, referral sheet, safety and about pages.

Every page works without JavaScript, sets no cookie, and is answered with the privacy headers of
`api.privacy`. Searches and referral sheets are made by POST, so no URL, history entry or server
log holds what a person asked. Nothing from a form is logged or stored.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import LangDep, LangQuery, SettingsDep, request_language
from api.errors import PageError
from api.match_models import MatchRequest, MatchResponse
from api.matching import MatchService
from api.page_records import public_records
from api.ratelimit import rate_limited
from api.settings import Settings
from directory.errors import InvalidInput, NotFound
from directory.faults import UNAVAILABLE, code
from directory.hsds.tree import Record
from directory.taxonomy import Need
from web import public, search_form
from web.i18n import supported, translator
from web.rendering import STATIC, embedded_stylesheet, render, service_facts
from web.search_form import SearchForm
from web.service_view import ServiceView, service_view

log = logging.getLogger("passerelle")
router = APIRouter(include_in_schema=False)

MAX_SHEET = 30
FORM_FIELDS = frozenset(
    {"place", "postcode", "needs", "languages", "documentation_status", "goal", "gender", "age",
     "in_danger_now", "controlled_by_someone", "anonymous_only", "free_only", "accessibility",
     "text"}
)  # fmt: skip


def _mark_page(request: Request) -> None:
    request.scope["passerelle.page"] = True


def page(
    request: Request,
    settings: Settings,
    name: str,
    *,
    lang: str,
    status_code: int = 200,
    switch_path: str = "/",
    **context: Any,
) -> HTMLResponse:
    html = render(
        name,
        lang=lang,
        quick_exit_url=settings.quick_exit_url,
        switch_path=switch_path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, settings: SettingsDep, lang: LangDep) -> HTMLResponse:
    _mark_page(request)
    return page(
        request, settings, "search.html", lang=lang, **public.form_context(SearchForm(), lang)
    )


def _field_of(location: Sequence[Any]) -> str:
    """The form field a validation error's `loc` points at (`form` when none does)."""
    for part in reversed(location):
        if isinstance(part, str) and part in FORM_FIELDS:
            return part
    return "form"


def _add_errors(form: SearchForm, locations: Iterable[Sequence[Any]]) -> None:
    for location in locations:
        public.add_field_error(form, _field_of(location))


async def _match(request: Request, form: SearchForm, lang: str) -> MatchResponse | None:
    """The matcher's answer, or None with the form's errors filled in."""
    try:
        match_request = MatchRequest.model_validate(search_form.match_body(form, lang=lang))
    except ValidationError as error:
        _add_errors(form, (item["loc"] for item in error.errors()))
        return None
    try:
        matching: MatchService = request.app.state.matching
        answer = await matching.match_async(match_request, lang)
    except InvalidInput as error:
        _add_errors(
            form, ((*item.where.split("."), *item.field.split(".")) for item in error.errors)
        )
        if not error.errors:
            public.add_field_error(form, "form")
        if "place" in form.errors and form.place:
            form.suggestions = _suggestions(request, form.place)
        return None
    return answer


def _suggestions(request: Request, name: str) -> list[str]:
    """Known places whose names are close to an unknown one."""
    matching: MatchService = request.app.state.matching
    return matching.places.suggest(name) if matching.places else []


@router.get("/search")
@router.get("/referral")
def back_to_the_form(lang: LangQuery = None) -> RedirectResponse:
    """Results and sheets opened again from the address bar or a bookmark: nothing about the
    search was kept, so the answer is the search form (in the same language)."""
    chosen = supported(lang)
    return RedirectResponse(f"/?lang={chosen}" if chosen else "/", status_code=303)


@router.post(
    "/search", response_class=HTMLResponse, dependencies=[Depends(rate_limited("match", page=True))]
)
async def search(request: Request, settings: SettingsDep, lang: LangDep) -> HTMLResponse:
    _mark_page(request)
    sent = await request.form()
    items = [(name, value) for name, value in sent.multi_items() if isinstance(value, str)]
    form = search_form.read_form(items)
    answer = None if form.errors else await _match(request, form, lang)
    if answer is None:
        return page(
            request, settings, "search.html", lang=lang, status_code=422,
            **public.form_context(form, lang),
        )  # fmt: skip
    ids = [result.service.id for result in answer.results]
    shown = {item.view.id: item for item in await run_in_threadpool(_shown, request, ids, lang)}
    results = [
        {
            **_as_shown(shown.get(result.service.id), result.service, lang),
            "reasons": result.reasons,
            "cautions": result.cautions,
            "phones": result.phones,
            "place": result.location.address if result.location else None,
        }
        for result in answer.results
    ]
    return page(
        request, settings, "results.html", lang=lang,
        results=results, notices=answer.notices, unmet=answer.unmet_needs,
        total=max(answer.total, len(results)), more=form.more(answer.total), place=answer.place,
        **public.form_context(form, lang),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shown:
    """A service as the pages show it: its view, and its facts as HTML (`_service_facts.html`)."""

    view: ServiceView
    facts: Markup


def _shown_as(view: ServiceView, lang: str) -> Shown:
    return Shown(view, service_facts(view, lang))


def _shown_of(record: Record, lang: str) -> Shown | None:
    if record.get("status") != "active":
        return None
    return _shown_as(service_view(record, lang), lang)


def _as_shown(item: Shown | None, summary: Any, lang: str) -> dict[str, Any]:
    """What a result shows of its service: as stored, else what the matcher holds of it."""
    if item is None:
        item = _shown_as(public.summary_view(summary, lang), lang)
    return {"view": item.view, "facts": item.facts}


def _stored(request: Request, ids: Sequence[str], lang: str) -> list[Shown]:
    """Public, active services of `ids`, in that order, as the directory holds them: those that
    changed since this worker last read them, read again in one batch, and what is shown of
    them made once per version and language (`api.page_records`)."""
    state = request.app.state
    with state.engine.connect() as connection:
        made = public_records(state).made_of(
            connection, ids, ("shown", lang), lambda record: _shown_of(record, lang)
        )
    return [item for item in made if item is not None]


def _shown(request: Request, ids: Sequence[str], lang: str) -> list[Shown]:
    """Public, active services of `ids`, in that order (it reads the database: async routes call
    it in a worker thread, so that waiting for a connection never stops the event loop). While
    the database cannot be reached, what the match index holds of them (fewer details); the
    fault itself when it holds none."""
    if not ids:
        return []
    try:
        return _stored(request, ids, lang)
    except UNAVAILABLE as error:
        matching: MatchService = request.app.state.matching
        summaries = matching.summaries(ids)
        if not summaries:
            raise
        log.warning("pages from the match index: %s", code(error))
        return [_shown_as(public.summary_view(summary, lang), lang) for summary in summaries]


def _views(request: Request, ids: Sequence[str], lang: str) -> list[ServiceView]:
    """The views of `_shown`."""
    return [item.view for item in _shown(request, ids, lang)]


@router.get("/services/{service_id}", response_class=HTMLResponse)
def service_page(
    request: Request,
    service_id: str,
    settings: SettingsDep,
    lang: LangDep,
) -> HTMLResponse:
    _mark_page(request)
    shown = _shown(request, [service_id[:64]], lang)
    if not shown:
        raise NotFound(f"No service {service_id!r}")
    view = shown[0].view
    return page(
        request, settings, "service.html", lang=lang, view=view, facts=shown[0].facts,
        switch_path=f"/services/{view.id}", outcome_links=settings.referral_outcomes,
    )  # fmt: skip


def _qr_url(view: ServiceView, settings: Settings) -> str | None:
    if view.url:
        return view.url
    if settings.public_base_url:
        return f"{settings.public_base_url.rstrip('/')}/services/{view.id}"
    return None


@router.post(
    "/referral",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limited("forms", page=True))],
)
async def referral(request: Request, settings: SettingsDep, lang: LangDep) -> HTMLResponse:
    _mark_page(request)
    sent = await request.form()
    ids = [str(value)[:64] for value in sent.getlist("service") if isinstance(value, str)]
    shown = await run_in_threadpool(_shown, request, ids[:MAX_SHEET], lang)
    views = [item.view for item in shown]
    context: dict[str, Any] = {
        "views": views,
        "facts": {item.view.id: item.facts for item in shown},
        "qr_urls": {view.id: _qr_url(view, settings) for view in views},
        "today": date.today().isoformat(),
        "base_url": settings.public_base_url,
    }
    if views and sent.get("format") == "file":
        html = render(
            "referral_file.html", lang=lang, stylesheet=embedded_stylesheet(),
            **context,
        )  # fmt: skip
        return HTMLResponse(
            html, headers={"Content-Disposition": 'attachment; filename="services.html"'}
        )
    status = 200 if views else 422
    return page(
        request, settings, "referral.html", lang=lang, status_code=status,
        outcome_links=settings.referral_outcomes, **context,
    )  # fmt: skip


@router.get("/safety", response_class=HTMLResponse)
def safety_page(request: Request, settings: SettingsDep, lang: LangDep) -> HTMLResponse:
    _mark_page(request)
    return page(request, settings, "safety.html", lang=lang, switch_path="/safety")


@router.get("/about", response_class=HTMLResponse)
def about_page(request: Request, settings: SettingsDep, lang: LangDep) -> HTMLResponse:
    _mark_page(request)
    answer: MatchResponse = request.app.state.matching.match(
        MatchRequest(needs=[Need.crisis_line], limit=20), lang
    )
    ids = [result.service.id for result in answer.results if "crisis_line" in result.matched_needs]
    lines = [view for view in _views(request, ids, lang) if view.phones]
    return page(request, settings, "about.html", lang=lang, switch_path="/about", helplines=lines)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")


def error_page(request: Request, error: PageError) -> Response:
    """People's pages show errors as a page in their language, never as JSON (the words are
    chosen by the status alone: a person's page says nothing more precise)."""
    settings: Settings = request.app.state.settings
    lang = request_language(request)
    title, text = public.error_words(translator(lang), error.status)
    return page(
        request, settings, "message.html", lang=lang, status_code=error.status, title=title,
        message=text, emergency=error.status == 503,
    )  # fmt: skip


def install(app: FastAPI) -> None:
    """Register the pages, the static files and the error page on `app`."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.error_page = error_page
