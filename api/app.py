"""The application factory: `create_app(settings)` wires settings, database, routes and errors."""

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import Response

from api import errors
from api.body_limit import LimitRequestBody
from api.head_requests import AnswerHead
from api.matching import MatchService, places_for_matching
from api.nul_guard import RejectNulCharacters
from api.page_records import warm_up
from api.privacy import PrivacyHeaders
from api.ratelimit import RateLimits
from api.reconnect import SpreadConnections
from api.routes import curator, docs, health, hsds, match, pages, partner, portal, suggest
from api.settings import Settings, get_settings
from directory.database import make_engine
from directory.places.locate import geocode_online

log = logging.getLogger("passerelle")


GIL_SWITCH_SECONDS = 0.0005
"""How long a thread of a worker may hold the interpreter before another that waits gets it.
Python's default, 5 ms, is long for a worker whose event loop computes (matching, pages) while
its threads read the database: each statement a thread sends then waits up to 5 ms for the loop
to let it go on, so a record read of twenty statements could wait 100 ms with cores idle (seen
under `benchmarks/load.py`: the workers used under one core of two)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    matching = MatchService(
        engine,
        refresh_seconds=settings.refresh_seconds,
        geocoder=geocode_online if settings.online_geocoder else None,
        **places_for_matching(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        switch = sys.getswitchinterval()
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        await asyncio.to_thread(matching.refresh)
        await asyncio.to_thread(warm_up, app.state, engine, settings.warm_records)
        refresher = asyncio.create_task(matching.keep_fresh())
        yield
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        engine.dispose()
        sys.setswitchinterval(switch)

    app = FastAPI(
        title="Passerelle",
        summary="Directory and referral matcher for sex workers and victims of trafficking.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.rate_limits = RateLimits(settings)
    app.state.matching = matching
    errors.install(app)
    # innermost first: every answer, errors included, passes through the privacy headers
    app.add_middleware(errors.AnswerUnexpectedErrors)
    app.add_middleware(RejectNulCharacters)
    app.add_middleware(LimitRequestBody)
    app.add_middleware(PrivacyHeaders)
    app.add_middleware(AnswerHead)
    app.add_middleware(SpreadConnections, every=settings.reconnect_every)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(hsds.router)
    app.include_router(match.router)
    pages.install(app)
    app.include_router(partner.router)
    app.include_router(curator.router)
    app.include_router(portal.router)
    app.include_router(suggest.router)
    app.state.error_page = _error_pages(getattr(app.state, "error_page", None))
    return app


PORTAL_PATHS = ("/portal",)
"""Routes whose error pages are the portal's (partners, curators); the public correction form
under /suggest/ is a public page and has the public site's error pages."""


def _error_pages(public: errors.PageRenderer | None) -> errors.PageRenderer:
    """The portal's error pages on portal routes, the public site's everywhere else."""

    def error_page(request: Request, error: errors.PageError) -> Response | None:
        if public is None or request.url.path.startswith(PORTAL_PATHS):
            return portal.error_page(request, error)
        page: Response | None = public(request, error)
        return page

    return error_page
