"""The matching benchmark runs end to end with small N (CI): it reports, it never asserts times."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_matching_benchmark_runs_with_small_sizes() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_match", "--small"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    for figure in ("kernel    1000 services", "index memory", "/health", "/v1/match"):
        assert figure in finished.stdout
