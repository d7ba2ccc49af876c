"""How long `passerelle import` takes for synthetic directories (issue 16: 10,000 services
<= 5 s, 100,000 <= 60 s, on SQLite and PostgreSQL), and the memory it takes.

    python -m benchmarks.bench_import                       # 10k and 100k, SQLite
    python -m benchmarks.bench_import --small               # 1k and 2k (CI)
    python -m benchmarks.bench_import --postgresql postgresql+psycopg://postgres@127.0.0.1 10000

Each size is written to a JSON file first, then imported from it as `passerelle import` does
(records read from the file as they are checked, one transaction), into a fresh database: a new
SQLite file, or a new PostgreSQL database on the given server (dropped afterwards). `--again`
imports the same file a second time (the update path). Each import runs in a process of its
own, so that its peak memory (max RSS) is its own. Figures are printed, never asserted.
"""

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.synthetic import directory
from directory.database import make_engine, session_scope, upgrade_schema
from directory.hsds.files import iter_records
from directory.hsds.importer import import_records

Answer = tuple[list[float], float]
"""The timings of each import, and the peak memory (MB) of the process."""


def _import(url: str, path: Path, times: int, answer: "multiprocessing.Queue[Answer]") -> None:
    engine = make_engine(url)
    upgrade_schema(engine)
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        with session_scope(engine) as session:
            import_records(session.connection(), iter_records(path))
        timings.append(time.perf_counter() - started)
    engine.dispose()
    answer.put((timings, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _in_a_process(url: str, path: Path, times: int) -> Answer:
    answer: multiprocessing.Queue[Answer] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_import, args=(url, path, times, answer))
    process.start()
    result = answer.get()
    process.join()
    return result


def _database(server: str | None, folder: Path) -> tuple[str, str | None]:
    """A fresh database: its URL, and the PostgreSQL database's name (to drop), if any."""
    if server is None:
        return f"sqlite:///{folder / 'bench.db'}", None
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT").connect() as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    return f"{server}/{name}", name


def _drop(server: str, name: str) -> None:
    with create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT").connect() as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--small", action="store_true", help="1k and 2k services (CI)")
    parser.add_argument("--postgresql", metavar="SERVER", help="e.g. postgresql+psycopg://...")
    parser.add_argument("--again", action="store_true", help="import the same file twice")
    options = parser.parse_args()
    sizes = options.sizes or ([1000, 2000] if options.small else [10_000, 100_000])
    backend = "postgresql" if options.postgresql else "sqlite"
    print(
        f"{'backend':>10} {'services':>9} {'import':>9} {'again':>9} {'per 1k':>8} {'max RSS':>9}"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            path = folder / "services.json"
            path.write_text(json.dumps(directory(size)), encoding="utf-8")
            url, database = _database(options.postgresql, folder)
            try:
                timings, peak = _in_a_process(url, path, 2 if options.again else 1)
            finally:
                if database is not None:
                    _drop(options.postgresql, database)
        again = f"{timings[1]:>8.2f}s" if len(timings) > 1 else f"{'-':>9}"
        print(
            f"{backend:>10} {size:>9} {timings[0]:>8.2f}s {again} "
            f"{timings[0] / size * 1000:>7.2f}s {peak:>7.0f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
