"""FastAPI dependencies: the database session and the settings, as `Annotated` aliases."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.settings import Settings


def get_settings_from_app(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A session for the request. Routes that write call `session.commit()` themselves, before
    answering; whatever was not committed is rolled back here."""
    with Session(engine) as session:
        yield session


def get_connection(session: Annotated[Session, Depends(get_session)]) -> Connection:
    return session.connection()


SettingsDep = Annotated[Settings, Depends(get_settings_from_app)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
