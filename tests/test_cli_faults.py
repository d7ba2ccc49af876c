"""The CLI facing database faults: a clear message and exit 1, and nothing half-written, even
when the import process is killed midway or the disk fills up."""

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from benchmarks.synthetic import directory
from directory.database import make_engine
from tests.conftest import row_counts
from tests.private_postgres import PrivatePostgres
from tests.test_cli import SAMPLE, passerelle


def assert_clear_failure(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error: the database cannot be reached or written" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [["migrate"], ["import", str(SAMPLE)], ["export", "x.json"]])
def test_unreachable_postgresql(command: list[str]) -> None:
    assert_clear_failure(passerelle("postgresql://postgres@127.0.0.1:1/passerelle", *command))


def test_stopped_postgresql_then_back(private_pg: PrivatePostgres) -> None:
    url = private_pg.url()
    private_pg.stop()
    try:
        assert_clear_failure(passerelle(url, "import", str(SAMPLE)))
    finally:
        private_pg.start()
    assert passerelle(url, "import", str(SAMPLE)).returncode == 0


def test_read_only_postgresql(private_pg: PrivatePostgres) -> None:
    url = private_pg.url()
    assert passerelle(url, "import", str(SAMPLE)).returncode == 0
    engine = make_engine(url, pool=False)
    before = row_counts(engine)
    read_only = url + "?options=-c%20default_transaction_read_only%3Don"
    assert_clear_failure(passerelle(read_only, "import", str(SAMPLE)))
    assert row_counts(engine) == before
    engine.dispose()


def test_read_only_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    assert passerelle(f"sqlite:///{path}", "import", str(SAMPLE)).returncode == 0
    done = passerelle(f"sqlite:///file:{path}?mode=ro&uri=true", "import", str(SAMPLE))
    assert_clear_failure(done)
    assert "readonly" in done.stderr or "read-only" in done.stderr


def test_full_disk_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    url = f"sqlite:///{path}"
    assert passerelle(url, "import", str(SAMPLE)).returncode == 0
    engine = make_engine(url)
    before = row_counts(engine)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(directory(400)))
    limit = path.stat().st_size + 256 * 1024  # no file of the process may grow past this

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PASSERELLE_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "import", str(big)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_disk,
        check=False,
    )
    assert_clear_failure(done)
    assert row_counts(engine) == before
    engine.dispose()


def _writing_postgresql(url: str) -> Callable[[], bool]:
    engine = make_engine(url, pool=False)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
    )

    def writing() -> bool:
        with engine.connect() as connection:
            return bool(connection.execute(query).scalar())

    return writing


def _writing_sqlite(url: str) -> Callable[[], bool]:
    path = url.removeprefix("sqlite:///")

    def writing() -> bool:
        probe = sqlite3.connect(path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True  # the importer holds the write lock
        finally:
            probe.close()

    return writing


def test_import_killed_midway_leaves_the_database_as_it_was(
    database_url: str, engine: Engine, backend: str, tmp_path: Path
) -> None:
    assert passerelle(database_url, "import", str(SAMPLE)).returncode == 0
    before = row_counts(engine)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(directory(2000)))
    writing = (_writing_sqlite if backend == "sqlite" else _writing_postgresql)(database_url)
    env = {**os.environ, "PASSERELLE_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "import", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not writing() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # into the write (a faster import commits well within a second)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL, "the import ended before it was killed"
    assert row_counts(engine) == before
    again = passerelle(database_url, "import", str(SAMPLE))
    assert again.returncode == 0 and "(0 new, 6 updated)" in again.stdout
