"""Database faults that are not the caller's mistake: the database is down, read-only or full.

`api/errors.py` answers them with 503 and `Retry-After`; the CLI prints a clear message and exits
non-zero. `describe` names the fault without the SQL or its parameters (which may hold a
person's search).
"""

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
