"""`passerelle serve --workers 2` as a real process: every worker sees what `passerelle import`
(another process) writes, within a few seconds: HSDS reads at once, matches once each worker's
index has refreshed."""

import json
import time
from pathlib import Path

import httpx

from benchmarks.server import running_server, worker_pids
from tests.builders import service_record
from tests.conftest import import_file
from tests.test_cli import SAMPLE, passerelle


def fresh_get(url: str) -> httpx.Response:
    """A new connection each time, so that any worker may answer."""
    with httpx.Client(timeout=10) as client:
        return client.get(url)


def matched_ids(base: str) -> set[str]:
    """Services matched for "training" (nothing in the sample offers it), on a new connection."""
    with httpx.Client(timeout=10) as client:
        answer = client.post(f"{base}/v1/match", json={"needs": ["training"], "limit": 50})
    assert answer.status_code == 200, answer.text
    return {result["service"]["id"] for result in answer.json()["results"]}


def test_every_worker_sees_a_new_import(database_url: str, tmp_path: Path) -> None:
    import_file(database_url, SAMPLE)
    log = tmp_path / "serve.log"
    with running_server(database_url, workers=2, log=log, refresh_seconds="0.5") as (base, pid):
        assert len(worker_pids(pid)) >= 2, (tmp_path / "serve.log").read_text()
        record = service_record("Fresh training in Gent", codes=("need.training",))
        (tmp_path / "new.json").write_text(json.dumps([record]))
        url = f"{base}/hsds/services/{record['id']}"
        assert fresh_get(url).status_code == 404
        assert record["id"] not in matched_ids(base)
        done = passerelle(database_url, "import", str(tmp_path / "new.json"))
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 5
        while fresh_get(url).status_code != 200:
            assert time.monotonic() < deadline, "a worker did not see the import"
            time.sleep(0.1)
        answers = [fresh_get(url) for _ in range(30)]
        assert {answer.status_code for answer in answers} == {200}
        assert {answer.json()["name"] for answer in answers} == {"Fresh training in Gent"}
        listing = fresh_get(f"{base}/hsds/services?per_page=200").json()
        assert listing["total_items"] == 7
        # each worker's in-memory match index catches up within its refresh period
        deadline = time.monotonic() + 5
        while record["id"] not in matched_ids(base):
            assert time.monotonic() < deadline, "a worker's match index did not refresh"
            time.sleep(0.1)
        assert all(record["id"] in matched_ids(base) for _ in range(30))
    output = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in output
    # each worker configures its logging: level and logger name kept, INFO lines written
    rebuilds = [
        line for line in output.splitlines() if line.startswith("INFO passerelle: match index:")
    ]
    assert len(rebuilds) >= 4, output  # two workers, each at start and after the import
