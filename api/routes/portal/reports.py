"""The curators' reports: where the directory is thin (needs x provinces x languages), as a table
and a server-drawn heat map."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from api.deps import LangDep, PortalWordsDep, SessionDep
from api.routes.portal import SignedInDep, curator_only, page, router
from directory.hsds.coverage_gaps import FRESH_MONTHS, PROVINCES, coverage, grid
from directory.hsds.repository import service_records
from directory.places.gazetteer import gazetteer
from web import portal as words_of
from web.coverage_map import coverage_svg
from web.i18n import LANGUAGES
from web.labels import need_label
from web.service_view import language_name


@router.get("/coverage")
def coverage_page(
    request: Request,
    user: SignedInDep,
    session: SessionDep,
    lang: LangDep,
    _: PortalWordsDep,
    language: Annotated[str, Query(max_length=3, pattern="^[a-z]{0,3}$")] = "",
) -> HTMLResponse:
    """Reachable services per need and province, in one language or any; the gaps first."""
    curator_only(user)
    records = service_records(session.connection(), include_confidential=False)
    cells = coverage(
        records,
        today=datetime.now(UTC).date(),
        places=gazetteer(),
        languages=(language,) if language else (),
    )
    rows = grid(cells, language)
    needs = {need: need_label(need, lang) for need in rows}
    provinces = {code: _(words_of.PROVINCE_NAMES[code]) for code in PROVINCES}
    short = {code: code.removeprefix("BE-") for code in PROVINCES}
    chosen = [c for c in cells if c.language == language]
    title = _(words_of.COVERAGE_TITLE)
    return page(
        request,
        "coverage.html",
        signed_in=user,
        rows=rows,
        needs=needs,
        provinces=provinces,
        short=short,
        language=language,
        languages=[(code, language_name(code, lang)) for code in LANGUAGES],
        picture=coverage_svg(rows, need_names=needs, province_labels=short, title=title),
        gaps=[c for c in chosen if c.level != "covered"],
        empty=sum(c.level == "empty" for c in chosen),
        thin=sum(c.level == "thin" for c in chosen),
        fresh_months=FRESH_MONTHS,
    )
