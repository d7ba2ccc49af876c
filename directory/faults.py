"""Database faults that are not the caller's mistake: the database is down, read-only or full.

`database_state` tells which, for `/health`.

`api/errors.py` answers them with 503 and `Retry-After`; the CLI prints a clear message and exits
non-zero. `describe` names the fault without the SQL or its parameters (which may hold a
person's search).
"""

import shutil
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    InternalError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE: tuple[type[SQLAlchemyError], ...] = (
    OperationalError,
    InterfaceError,
    InternalError,
    PoolTimeout,
)
"""Down, unreachable, read-only, full, locked, or out of connections."""


def code(error: BaseException) -> str:
    """A short code safe to log: `SQLITE_FULL`, PostgreSQL's SQLSTATE, or the error's class."""
    original = error.orig if isinstance(error, DBAPIError) else error
    name = getattr(original, "sqlite_errorname", None) or getattr(original, "sqlstate", None)
    return str(name or type(original).__name__)


def describe(error: BaseException) -> str:
    """The database's own first line about the fault (no SQL, no parameters), for operators."""
    original = error.orig if isinstance(error, DBAPIError) else error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


DatabaseState = Literal["ok", "unreachable", "read_only", "full"]
ROOM_NEEDED = 1 << 20
"""A SQLite database with less free disk than this (1 MiB) beside it is full for writes."""


def database_state(engine: Engine) -> DatabaseState:
    """Whether the database answers and takes writes: a write that is rolled back on SQLite (a
    read-only file only refuses writes), the server's own flags on PostgreSQL."""
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                return _sqlite_state(connection)
            return _postgresql_state(connection)
    except SQLAlchemyError:
        return "unreachable"


def _sqlite_state(connection: Connection) -> DatabaseState:
    try:
        with connection.begin() as transaction:
            connection.execute(text("UPDATE directory_state SET version = version"))
            transaction.rollback()
    except OperationalError as error:
        return "full" if code(error) == "SQLITE_FULL" else "read_only"
    pages, limit, free = (
        connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
        for name in ("page_count", "max_page_count", "freelist_count")
    )
    folder = Path(connection.engine.url.database or ".").parent
    if (pages >= limit and free == 0) or _free_disk(folder) < ROOM_NEEDED:
        return "full"
    return "ok"


def _free_disk(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return ROOM_NEEDED  # an in-memory or URI database: nothing to measure


def _postgresql_state(connection: Connection) -> DatabaseState:
    recovering = connection.execute(text("SELECT pg_is_in_recovery()")).scalar_one()
    read_only = connection.execute(text("SHOW transaction_read_only")).scalar_one()
    return "read_only" if recovering or read_only == "on" else "ok"
