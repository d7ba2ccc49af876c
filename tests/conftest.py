"""Shared fixtures: a clean, migrated database per test, on SQLite and on PostgreSQL, and the app.

The app (`api`, FastAPI) is imported only inside the fixtures that make it: `pytest tests/matcher
tests/directory` imports no `api` module, and the session fails if one of them did (see
`pytest_sessionfinish` below).

Every test that uses a database runs twice: on SQLite and on the PostgreSQL server at
127.0.0.1:5432 (trust auth; PASSERELLE_TEST_PG_URL overrides). Without a reachable PostgreSQL the
second run is skipped locally and fails in CI (CI=true). PASSERELLE_TEST_DB=sqlite runs one only.
"""

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from directory.database import make_engine, session_scope, upgrade_schema
from directory.hsds.files import read_records
from directory.hsds.importer import import_records
from directory.hsds.repository import count_rows

BACKENDS = [
    name for name in ("sqlite", "postgresql") if os.environ.get("PASSERELLE_TEST_DB", name) == name
]
"""Every database test runs on each of these; PASSERELLE_TEST_DB=sqlite (or postgresql): one."""
PG_SERVER = os.environ.get("PASSERELLE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _admin_engine() -> Engine:
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def _postgres_reachable() -> bool:
    try:
        with _admin_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    return True


class Templates:
    """Migrated databases made once per test session (per xdist worker), one per backend."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, str] = {}

    def get(self, backend: str) -> str:
        if backend not in self.made:
            self.made[backend] = self._sqlite() if backend == "sqlite" else self._postgresql()
        return self.made[backend]

    def _sqlite(self) -> str:
        path = self.folder / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_schema(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return str(path)

    def _postgresql(self) -> str:
        if not _postgres_reachable():
            if IN_CI:
                pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_SERVER}")
            pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}")
        name = f"passerelle_test_{uuid.uuid4().hex[:10]}"
        with _admin_engine().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{PG_SERVER}/{name}"
        engine = make_engine(url)
        upgrade_schema(engine)
        engine.dispose()
        return url

    def drop(self) -> None:
        url = self.made.get("postgresql")
        if url:
            with _admin_engine().connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
                )


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


def _truncate_all(url: str) -> None:
    engine = make_engine(url, pool=False)
    with engine.begin() as connection:
        names = [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT tablename FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
        ]
        connection.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def database_url(_templates: Templates, backend: str, tmp_path: Path) -> str:
    """A clean database with the schema at head, for this test only."""
    template = _templates.get(backend)
    if backend == "sqlite":
        path = tmp_path / "passerelle.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    _truncate_all(template)
    return template


@pytest.fixture
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind, not migrated: as on the machine one restores to, or
    as before a migration."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not IN_CI and not _postgres_reachable():
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}")
    name = f"passerelle_fresh_{uuid.uuid4().hex[:10]}"
    with _admin_engine().connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_SERVER}/{name}"
    with _admin_engine().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> "Settings":
    from api.settings import Settings

    return Settings(database_url=database_url, secret_key="test-secret-key-" + "x" * 32)


@pytest.fixture
def app(settings: "Settings") -> "FastAPI":
    from api.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app: "FastAPI") -> Iterator["TestClient"]:
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


def import_file(database_url: str, path: Path) -> None:
    """What `passerelle import PATH` does, in this process: to seed a test whose subject is
    another command (a process per seed costs seconds; tests/test_cli.py runs the real one)."""
    engine = make_engine(database_url, pool=False)
    with session_scope(engine) as session:
        import_records(session.connection(), read_records(path))
    engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every HSDS table: to prove that a failed operation wrote nothing."""
    with engine.connect() as connection:
        return count_rows(connection)


@pytest.fixture(scope="session")
def private_pg() -> Iterator["PrivatePostgres"]:
    """A private PostgreSQL server (its own port and folder) that fault tests may stop."""
    from tests.private_postgres import private_postgres

    server = private_postgres()
    yield server
    server.remove()


APP_FREE = ("matcher", "directory")
"""Test folders that must run without the app: the fast inner loop (`pytest tests/matcher
tests/directory`) neither needs nor imports `api`."""


def app_modules() -> list[str]:
    """The `api` modules imported in this process."""
    return sorted(name for name in sys.modules if name == "api" or name.startswith("api."))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a session that ran only the app-free folders and yet imported the app."""
    folders = {Path(__file__).parent / name for name in APP_FREE}
    ran = [Path(item.path) for item in session.items]
    if not ran or not all(folders & set(path.parents) for path in ran):
        return
    imported = app_modules()
    if imported:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(f"the app-free test folders imported the app: {imported[:5]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.settings import Settings
    from tests.private_postgres import PrivatePostgres
