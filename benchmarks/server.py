"""A real `passerelle serve` process on 127.0.0.1, for end-to-end tests and the load script."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from socket import socket

import httpx


def free_port() -> int:
    with socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def passerelle_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a `passerelle` process: the database and any `PASSERELLE_*` setting."""
    extra = {f"PASSERELLE_{name.upper()}": value for name, value in settings.items()}
    return {**os.environ, "PASSERELLE_DATABASE_URL": database_url, **extra}


def worker_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (uvicorn's workers), from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


@contextmanager
def running_server(
    database_url: str, *, workers: int = 1, log: Path | None = None, **settings: str
) -> Iterator[tuple[str, int]]:
    """Start `passerelle serve --workers N`, wait for `/health`, yield (base URL, its pid)."""
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    output = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        command,
        env=passerelle_env(database_url, **settings),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log=log)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group this function started, nothing else
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if log:
            output.close()  # type: ignore[union-attr]


def wait_until_up(
    base: str, process: subprocess.Popen[bytes], *, log: Path | None = None, timeout: float = 120
) -> None:
    """Wait until the server at `base` answers `/health`; fail with its exit code (and its
    output, from `log`) if it stops first or does not answer within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = f":\n{log.read_text(errors='replace')}" if log else ""
            raise RuntimeError(f"passerelle serve exited with {process.returncode}{output}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"passerelle serve did not answer /health within {timeout:.0f} s")
