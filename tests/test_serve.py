"""`passerelle serve --workers 2` as a real process: every worker sees what `passerelle import`
(another process) writes, within a few seconds."""

import json
import time
from pathlib import Path

import httpx

from benchmarks.server import running_server, worker_pids
from tests.builders import service_record
from tests.test_cli import SAMPLE, passerelle


def fresh_get(url: str) -> httpx.Response:
    """A new connection each time, so that any worker may answer."""
    with httpx.Client(timeout=10) as client:
        return client.get(url)


def test_every_worker_sees_a_new_import(database_url: str, tmp_path: Path) -> None:
    assert passerelle(database_url, "import", str(SAMPLE)).returncode == 0
    with running_server(database_url, workers=2, log=tmp_path / "serve.log") as (base, pid):
        assert len(worker_pids(pid)) >= 2, (tmp_path / "serve.log").read_text()
        record = service_record("Fresh shelter in Gent", codes=("need.emergency_shelter",))
        (tmp_path / "new.json").write_text(json.dumps([record]))
        url = f"{base}/hsds/services/{record['id']}"
        assert fresh_get(url).status_code == 404
        done = passerelle(database_url, "import", str(tmp_path / "new.json"))
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 5
        while fresh_get(url).status_code != 200:
            assert time.monotonic() < deadline, "a worker did not see the import"
            time.sleep(0.1)
        answers = [fresh_get(url) for _ in range(30)]
        assert {answer.status_code for answer in answers} == {200}
        assert {answer.json()["name"] for answer in answers} == {"Fresh shelter in Gent"}
        listing = fresh_get(f"{base}/hsds/services?per_page=200").json()
        assert listing["total_items"] == 7
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
