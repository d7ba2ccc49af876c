"""Matching benchmark: kernel p50/p99 at 1k/10k/100k services, `/v1/match` against `/health` on
one real uvicorn process at 10k, index memory at 100k. Prints ratios measured in one run;
figures and the load they were measured under: benchmarks/README.md.

    .venv/bin/python -m benchmarks.bench_match [--small]
"""

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import httpx

from benchmarks.server import free_port
from benchmarks.synthetic import directory
from directory.database import make_engine, upgrade_schema
from directory.hsds.importer import import_records
from directory.state import bump_version
from matcher.index import build_index
from matcher.listing import listing_from_record
from matcher.person import Person
from matcher.rank import rank

PERSONS = [
    Person(latitude=50.85, longitude=4.35, needs=("housing",), languages=("ro", "fr")),
    Person(
        latitude=51.22,
        longitude=4.40,
        needs=("housing", "legal_migration"),
        status="undocumented",
        goal="stay_safer",
    ),
    Person(latitude=50.63, longitude=5.57, controlled_by_someone=True, in_danger_now=True, age=17),
    Person(),
    Person(
        latitude=50.45,
        longitude=3.95,
        needs=("legal_labour",),
        text="besoin d'un avocat pour mon contrat",
        gender="woman",
        anonymous_only=True,
        max_distance_km=40,
    ),
]
BODY = {
    "location": {"lat": 50.85, "lon": 4.35},
    "needs": ["housing", "legal_migration"],
    "languages": ["ro"],
}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def kernel(size: int, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Wall-clock and CPU-time (this thread) p50/p99 in ms: on a shared machine the CPU time
    shows the kernel's own cost, the wall clock what a person waits."""
    index = build_index(listing_from_record(r) for r in directory(size))
    now = datetime.now(UTC)
    wall, cpu = [], []
    for n in range(runs):
        person = PERSONS[n % len(PERSONS)]
        started, started_cpu = time.perf_counter(), time.thread_time()
        rank(index, person, now=now)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return percentiles(wall), percentiles(cpu)


def index_memory(size: int) -> float:
    records = directory(size)
    gc.collect()
    tracemalloc.start()
    index = build_index(listing_from_record(r) for r in records)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return current / 2**20


def served(size: int, runs: int) -> dict[str, tuple[float, float]]:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    with engine.begin() as connection:
        import_records(connection, directory(size), who="curator")
        bump_version(connection)
    engine.dispose()
    port = free_port()
    # The benchmark measures matching, not the per-client rate limit (60/minute by default).
    env = {**os.environ, "PASSERELLE_DATABASE_URL": url, "PASSERELLE_RATE_MATCH": "1000000/minute"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if client.post("/v1/match", json={}).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.5)

            def health() -> httpx.Response:
                return client.get("/health")

            def match() -> httpx.Response:
                return client.post("/v1/match", json=BODY)

            calls = {"health": health, "match": match}
            times: dict[str, list[float]] = {name: [] for name in calls}
            for _ in range(20):
                for call in calls.values():
                    call()
            # Interleaved, one of each in turn: both endpoints see the same machine (a busy
            # other core, a slower clock) rather than one block each at different moments.
            for _ in range(runs):
                for name, call in calls.items():
                    started = time.perf_counter()
                    assert call().status_code == 200
                    times[name].append((time.perf_counter() - started) * 1000)
            return {name: percentiles(samples) for name, samples in times.items()}
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="CI sizes: 1k and 2k, few runs")
    small = parser.parse_args().small
    print("load average at start: {:.2f} {:.2f} {:.2f} (2 shared cores)".format(*os.getloadavg()))
    sizes = (1_000, 2_000) if small else (1_000, 10_000, 100_000)
    runs = 50 if small else 300
    for size in sizes:
        (p50, p99), (c50, c99) = kernel(size, runs)
        print(
            f"kernel {size:>7} services: wall p50 {p50:.2f} ms  p99 {p99:.2f} ms;"
            f" CPU p50 {c50:.2f} ms  p99 {c99:.2f} ms (mix of {len(PERSONS)} personas)"
        )
    print(f"index memory at {sizes[-1]}: {index_memory(sizes[-1]):.0f} MB (tracemalloc)")
    http = served(sizes[0] if small else 10_000, runs)
    (h50, h99), (m50, m99) = http["health"], http["match"]
    print(f"/health   p50 {h50:.2f} ms  p99 {h99:.2f} ms")
    print(f"/v1/match p50 {m50:.2f} ms  p99 {m99:.2f} ms  ratio p50 {m50 / h50:.2f}x")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
