"""FastAPI dependencies, as `Annotated` aliases: the settings, the engine, the request's unit of
work (`SessionDep`), the public records the worker keeps (`KeptRecordsDep`), and the language of
the request with its words (`LangDep`, `WordsDep`, `PortalWordsDep`), negotiated once per
request.

Those that only look something up are `async def`: FastAPI runs a plain `def` dependency in a
worker thread, a hop to and fro per dependency and request. Those that may wait for the
database (a connection from the pool, a session) stay plain functions, in a worker thread."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api import portal_security as security
from api.page_records import PublicRecords, public_records
from api.settings import Settings
from directory.errors import PasserelleError
from web.i18n import Translator, negotiate, supported, translator


async def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    """The request's unit of work: committed once when the route has returned, before its
    answer is sent (a failed commit is answered as an error, never as a success); rolled back
    if the route raised. A route that must make a step durable before going on (a sign-in
    attempt counted before the password is checked) commits it itself."""
    with Session(engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_connection(engine: EngineDep) -> Iterator[Connection]:
    """A connection for reading, kept until the answer is sent (a streamed export reads as it
    goes); nothing it does is committed."""
    with engine.connect() as connection:
        yield connection


ConnectionDep = Annotated[Connection, Depends(get_connection)]


async def get_kept_records(request: Request) -> PublicRecords:
    """The public records this worker keeps (`api.page_records`)."""
    return public_records(request.app.state)


KeptRecordsDep = Annotated[PublicRecords, Depends(get_kept_records)]


@contextmanager
def undone_if_refused(session: Session) -> Iterator[Connection]:
    """The request's connection for a step whose refusal (a domain error) the route answers
    itself, with a page saying what went wrong: the refused step's writes are rolled back, so
    the request's one commit never keeps half of it."""
    try:
        yield session.connection()
    except PasserelleError:
        session.rollback()
        raise


LANG_KEY = "passerelle.lang"
PORTAL_PATH = "/portal"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
LangQuery = Annotated[str | None, Query(max_length=35)]


def request_language(request: Request, chosen: str | None = None) -> str:
    """The language of this request, negotiated once and kept on it (an error page answering it
    speaks it too): `chosen` (a form's `lang`), else `lang` in the query, else, on the portal,
    the language remembered in its session cookie, else Accept-Language."""
    known: str | None = request.scope.get(LANG_KEY)
    if known:
        return known
    remembered = (
        security.session_language(request) if request.url.path.startswith(PORTAL_PATH) else None
    )
    explicit = next(
        (tag for tag in (chosen, request.query_params.get("lang"), remembered) if supported(tag)),
        None,
    )
    lang = negotiate(explicit, request.headers.get("accept-language"))
    request.scope[LANG_KEY] = lang
    return lang


async def negotiated_language(request: Request, lang: LangQuery = None) -> str:
    """`request_language`, with the `lang` field of a form sent by POST (`lang` in the query:
    at most 35 characters, as every page says)."""
    chosen = None
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if request.method == "POST" and kind in FORMS:
        sent = (await request.form()).get("lang")
        chosen = sent[:35] if isinstance(sent, str) else None
    return request_language(request, chosen)


LangDep = Annotated[str, Depends(negotiated_language)]


async def public_words(lang: LangDep) -> Translator:
    """The public site's words (the `messages` catalog) in the request's language."""
    return translator(lang)


async def portal_words(lang: LangDep) -> Translator:
    """The portal's words (the `portal` catalog) in the request's language."""
    return translator(lang, "portal")


WordsDep = Annotated[Translator, Depends(public_words)]
PortalWordsDep = Annotated[Translator, Depends(portal_words)]
