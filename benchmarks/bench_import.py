"""How long `passerelle import` takes for synthetic directories (target: 10,000 services <= 30 s).

    python -m benchmarks.bench_import 1000 10000
    PASSERELLE_DATABASE_URL=postgresql://postgres@127.0.0.1/bench \
        python -m benchmarks.bench_import 10000

Each size is imported into a fresh SQLite database (or the given PostgreSQL one, emptied first is
up to you), then imported again (the update path). Figures are printed, never asserted.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import directory
from directory.database import make_engine, session_scope, upgrade_schema
from directory.hsds.importer import import_records


def run(size: int, url: str) -> tuple[float, float]:
    records = directory(size)
    engine = make_engine(url)
    upgrade_schema(engine)
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        with session_scope(engine) as session:
            import_records(session.connection(), records)
        timings.append(time.perf_counter() - started)
    engine.dispose()
    return timings[0], timings[1]


def main(sizes: list[int]) -> None:
    given = os.environ.get("PASSERELLE_DATABASE_URL")
    print(f"{'services':>9} {'first import':>13} {'re-import':>10} {'per 1k':>8}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            url = given or f"sqlite:///{Path(folder) / 'bench.db'}"
            first, again = run(size, url)
        print(f"{size:>9} {first:>12.2f}s {again:>9.2f}s {first / size * 1000:>7.2f}s")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
