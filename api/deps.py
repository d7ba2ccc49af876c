"""FastAPI dependencies: the settings, the engine and the request's unit of work, as `Annotated`
aliases; the language of the request (`api.language`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.settings import Settings
from directory.errors import PasserelleError


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
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
