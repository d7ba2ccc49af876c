"""F7 of the December security review, on a real server: an unexpected error is a normal 500
answer with the privacy headers, and the client's keep-alive connection survives it."""

import socket
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.privacy import CONTENT_SECURITY_POLICY
from api.settings import Settings
from benchmarks.server import free_port, passerelle_env, running_server, wait_until_up
from directory.database import make_engine
from directory.state import bump_version
from directory.taxonomy import LINK_TYPE, term_id
from tests.builders import new_id
from tests.fault_app import FAULT_PATH, app_with_a_fault
from tests.test_cli import SAMPLE, passerelle

BEDS = "capacity.beds_available"

PRIVACY = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "content-security-policy": CONTENT_SECURITY_POLICY,
}


def read_answer(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 answer (with a Content-Length) read from the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    while len(body) < int(headers["content-length"]):
        chunk = connection.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return int(status_line.split()[1]), headers, body


def ask(connection: socket.socket, path: str) -> tuple[int, dict[str, str], bytes]:
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return read_answer(connection)


def test_a_500_keeps_the_connection_and_the_privacy_headers(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "uvicorn", "--factory", "tests.fault_app:app_with_a_fault"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=passerelle_env(database_url), stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}", process, log=log)
            with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
                status, headers, body = ask(connection, FAULT_PATH)
                assert status == 500 and b"Something went wrong on our side" in body
                for name, value in PRIVACY.items():
                    assert headers[name] == value
                assert headers.get("connection", "").lower() != "close"
                status, _, body = ask(connection, "/health")  # the same connection, still open
                assert status == 200 and b'"database":"ok"' in body
        finally:
            process.terminate()
            process.wait(timeout=20)
    assert "a bug nobody foresaw" not in log.read_text()  # the type is logged, not the text


def test_a_500_page_for_people_carries_the_privacy_headers(settings: Settings) -> None:
    with TestClient(app_with_a_fault(settings)) as client:
        answer = client.get(FAULT_PATH, headers={"Accept": "application/json"})
    assert answer.status_code == 500
    assert answer.json() == {
        "detail": "Something went wrong on our side. Nothing you entered was kept."
    }
    for name, value in PRIVACY.items():
        assert answer.headers[name] == value


def test_serve_starts_and_matches_with_a_bed_count_stored_past_the_checks(
    database_url: str, tmp_path: Path
) -> None:
    """The review's F4 replayed: 400 digits of free beds stopped `passerelle serve` at start-up."""
    assert passerelle(database_url, "import", str(SAMPLE)).returncode == 0
    engine = make_engine(database_url)
    with engine.begin() as connection:
        service_id = connection.execute(text("SELECT min(id) FROM service")).scalar_one()
        values = {"service": service_id, "term": term_id(BEDS), "type": LINK_TYPE}
        connection.execute(
            text(
                "INSERT INTO attribute (id, link_id, link_type, link_entity, taxonomy_term_id, "
                "value) VALUES (:id, :service, :type, 'service', :term, :value)"
            ),
            {**values, "id": new_id(), "value": "9" * 400},
        )
        bump_version(connection)
    engine.dispose()
    log = tmp_path / "serve.log"
    with running_server(database_url, log=log) as (base, _):
        with httpx.Client(timeout=10) as client:
            assert client.get(f"{base}/health").json() == {"status": "ok", "database": "ok"}
            answer = client.post(f"{base}/v1/match", json={"limit": 50})
            assert answer.status_code == 200, answer.text
    assert "Traceback" not in log.read_text()
