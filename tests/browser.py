"""End-to-end helpers: a real server process on 127.0.0.1 and real Chromium through Playwright.

`live_server(database_url, **env)` starts `python -m api.cli serve` on a free port with the given
database (and extra `PASSERELLE_*` environment), waits for `/health`, yields the base URL (a `str`
whose `log_path` names the file holding the process's stdout and stderr), and stops it.

The `browser` fixture launches /usr/bin/chromium; without Chromium or Playwright the test is
skipped with the reason, except in CI (`CI=true`), where it fails.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks.server import free_port, wait_until_up

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PASSERELLE_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
START_TIMEOUT = 60.0


class LiveServer(str):
    """The base URL of a running server; `log_path` is where its output goes."""

    log_path: Path

    def __new__(cls, url: str, log_path: Path) -> "LiveServer":
        server = super().__new__(cls, url)
        server.log_path = log_path
        return server

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(database_url: str, **env: str) -> Iterator[LiveServer]:
    """Run `passerelle serve` as a real process on 127.0.0.1 for the duration of the block."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-live-"))
    log_path = folder / "server.log"
    environment = {
        **os.environ,
        "PASSERELLE_DATABASE_URL": database_url,
        "PASSERELLE_SECRET_KEY": "live-server-secret-" + "x" * 32,
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=folder, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log=log_path, timeout=START_TIMEOUT)
        yield LiveServer(url, log_path)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    """Real Chromium (headless) through Playwright's sync API."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def launch_options() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": ["--no-sandbox"]}
