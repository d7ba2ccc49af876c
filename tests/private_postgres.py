"""A private PostgreSQL server in a temporary folder, on its own port, for fault tests: it can be
stopped and started at will without touching the shared server on 5432.

As root, the server runs as the `postgres` system user (root may not run `initdb`).
"""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from benchmarks.server import free_port

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PrivatePostgres:
    """`initdb` once, then `start()`/`stop()` as often as a test needs."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="passerelle-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.binaries / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


def private_postgres() -> PrivatePostgres:
    binaries = _binaries()
    if binaries is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = PrivatePostgres(binaries)
    server.start()
    return server
