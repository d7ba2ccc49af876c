"""`passerelle serve --workers 2` as a real process: a kept-alive connection is closed after a
whole answer every `PASSERELLE_RECONNECT_EVERY` answers, and a client that keeps its connections
open (httpx, as the load generator) simply opens another: nothing fails."""

import socket
from pathlib import Path

import httpx

from benchmarks.server import running_server
from tests.conftest import import_file
from tests.test_cli import SAMPLE
from tests.test_serve_errors import ask

EVERY = 5


def test_a_kept_alive_connection_is_closed_after_a_whole_answer(
    database_url: str, tmp_path: Path
) -> None:
    import_file(database_url, SAMPLE)
    log = tmp_path / "serve.log"
    with running_server(database_url, workers=2, log=log, reconnect_every=str(EVERY)) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            for _ in range(EVERY):
                status, headers, body = ask(connection, "/health")
                assert status == 200 and b'"database":"ok"' in body  # whole
                if headers.get("connection") == "close":
                    break
            else:
                raise AssertionError(f"no answer of {EVERY} closed the connection")
            assert connection.recv(1) == b""  # closed by the server, after the answer
        with httpx.Client(base_url=base, timeout=30) as client:
            answers = [client.get("/hsds/services?per_page=5") for _ in range(4 * EVERY)]
        assert [answer.status_code for answer in answers] == [200] * (4 * EVERY)
        assert sum(answer.headers.get("connection") == "close" for answer in answers) >= 2
