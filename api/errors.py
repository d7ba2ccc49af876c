"""One place that turns every error into an answer: JSON for the API, a page for people.

Never a 500 with a stack trace: an unexpected error is logged (without the request body) and
answered with a generic message, by `AnswerUnexpectedErrors` inside the privacy headers (so the
answer carries them) and without passing the error on to the server (which would then drop the
keep-alive connection).
"""

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from api.http_middleware import HTTPMiddleware
from api.responses import JSONBytes
from directory.errors import InvalidInput, PasserelleError, Unavailable, codes_of
from directory.faults import UNAVAILABLE, code

log = logging.getLogger("passerelle")


@dataclass(frozen=True)
class PageError:
    """What an error page is about, for the page to choose its words by: the status, the codes
    of what went wrong (most specific first; none when only the status is known) and the
    fields of a form that could not be used. Never an English message to match."""

    status: int
    codes: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


class PageRenderer(Protocol):
    """The page answering an error on a person's page (None: the plain answer), set on
    `app.state.error_page` by the pages' routes."""

    def __call__(self, request: Request, error: PageError, /) -> Response | None: ...


class Refused(HTTPException):
    """A refusal named by a code, which a page puts into words by that code (its `detail`, for
    a program, is the code)."""

    def __init__(self, status_code: int, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, code, headers)
        self.code = code


def _detail(error: PasserelleError) -> Any:
    if isinstance(error, InvalidInput) and error.errors:
        return [
            {
                "loc": [item.where, *item.field.split(".")],
                "msg": item.message,
                "type": "value_error",
            }
            for item in error.errors
        ]
    return error.message


PROGRAM_PATHS = ("/v1/", "/hsds", "/health", "/api/", "/openapi.json", "/static/")
"""Paths for programs: a path under them that nothing answers is a JSON 404."""


def _wants_page(request: Request, status: int) -> bool:
    """Pages (routes kept out of the OpenAPI schema, or marked) answer with pages, even when
    their input is refused before they run. So does a path nothing answers to, when a browser
    asks for it (someone typed or followed a wrong link): people get a page in their language
    with the quick exit; programs and API paths get JSON."""
    if request.scope.get("passerelle.page", False) is True:
        return True
    route = request.scope.get("route")
    if route is not None and getattr(route, "include_in_schema", True) is False:
        return True  # pages are kept out of the API's schema: an error before the page began
    return (
        status in (404, 405)
        and "text/html" in request.headers.get("accept", "")
        and not request.url.path.startswith(PROGRAM_PATHS)
    )


def _error_page(request: Request, error: PageError) -> Response | None:
    renderer: PageRenderer | None = getattr(request.app.state, "error_page", None)
    if renderer is None or not _wants_page(request, error.status):
        return None
    page: Response | None = renderer(request, error)
    return page


async def passerelle_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PasserelleError)
    page = _error_page(request, PageError(error.status_code, codes_of(error)))
    if page is not None:
        return page
    headers = {"Retry-After": "5"} if error.status_code == 503 else None
    return JSONBytes({"detail": _detail(error)}, status_code=error.status_code, headers=headers)


async def validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    detail = [
        {
            "loc": list(item.get("loc", ())),
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in error.errors()
    ]
    fields = tuple(dict.fromkeys(str(item["loc"][-1]) for item in detail if item["loc"]))
    page = _error_page(request, PageError(422, (InvalidInput.code,), fields))
    if page is not None:
        return page  # a person's form: a page saying what to check, never JSON
    return JSONBytes({"detail": detail}, status_code=422)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    codes = (error.code,) if isinstance(error, Refused) else ()
    page = _error_page(request, PageError(error.status_code, codes))
    if page is not None:
        page.headers.update(error.headers or {})  # Retry-After on a 429 page too
        return page
    return JSONBytes({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


async def database_error(request: Request, error: Exception) -> Response:
    log.error("database unavailable: %s (%s)", type(error).__name__, code(error))
    message = (
        "The directory's database cannot be reached or written right now. "
        "Please try again in a moment."
    )
    page = _error_page(request, PageError(503, (Unavailable.code,)))
    if page is not None:
        page.headers["Retry-After"] = "5"
        return page
    return JSONBytes({"detail": message}, status_code=503, headers={"Retry-After": "5"})


async def unstorable_value(request: Request, error: Exception) -> Response:
    """A value the database refuses (out of range, NUL in text) that validation let through."""
    log.warning("value refused by the database: %s", code(error))
    message = "A value given cannot be stored or searched for: please check what you entered."
    page = _error_page(request, PageError(422, ("unstorable_value", InvalidInput.code)))
    if page is not None:
        return page
    return JSONBytes({"detail": message}, status_code=422)


async def unexpected_error(request: Request, error: Exception) -> Response:
    log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
    message = "Something went wrong on our side. Nothing you entered was kept."
    page = _error_page(request, PageError(500, (PasserelleError.code,)))
    if page is not None:
        return page
    return JSONBytes({"detail": message}, status_code=500)


class AnswerUnexpectedErrors(HTTPMiddleware):
    """Pure ASGI middleware: an error no handler took becomes `unexpected_error`'s answer.

    Starlette's own last-resort handler sits outside every middleware (its answers had no
    privacy headers) and re-raises, so that the server closes the connection; this one answers
    and stops there. An error after the answer began can only be logged."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            if started:
                log.error("unexpected %s after the answer began", type(error).__name__)
                return
            response = await unexpected_error(Request(scope, receive), error)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(PasserelleError, passerelle_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    for fault in UNAVAILABLE:
        app.add_exception_handler(fault, database_error)
    app.add_exception_handler(DataError, unstorable_value)
    app.add_exception_handler(Exception, unexpected_error)
