"""`benchmarks/load.py --smoke`: a real server under a short mixed load, on SQLite and
PostgreSQL. No timing is asserted: only that nothing failed, nothing was lost, and the figures
were written."""

import json
import subprocess
import sys
from pathlib import Path


def test_smoke_load_run(database_url: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks.load", "--smoke", "--out", str(tmp_path)]
    done = subprocess.run(
        [*command, "--database-url", database_url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = tmp_path.glob("load-*-smoke.json")
    result = json.loads(written.read_text())
    assert result["errors"] == 0 and result["lost_updates"] == 0
    assert result["server_tracebacks"] == 0
    assert result["health"]["requests"] > 0
    assert sum(kind["requests"] for kind in result["mixed"].values()) > 0
    assert written.with_suffix(".md").read_text().startswith("# Load run")
