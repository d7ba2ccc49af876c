"""Where a load run's time goes: CPU of the load generator, of the server's processes and of the
database's, and what PostgreSQL sessions were waiting on (sampled from `pg_stat_activity`).

Everything is read from /proc and from the database itself, on this machine only."""

import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, str, float] | None:
    """(parent pid, command name, CPU seconds) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS


def _processes() -> dict[int, tuple[int, str, float]]:
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        stat = _stat(int(entry.name))
        if stat:
            found[int(entry.name)] = stat
    return found


def _tree(root: int) -> set[int]:
    """`root` and every process below it."""
    parents = {pid: stat[0] for pid, stat in _processes().items()}
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _cpu(pids: set[int]) -> float:
    return sum(found[2] for pid in pids if (found := _stat(pid)))


def _postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process now running (connections come and go)."""
    return sum(stat[2] for stat in _processes().values() if stat[1].startswith("postgres"))


class Probe:
    """Start before the mixed run, `stop()` after it: CPU seconds per side and, on PostgreSQL,
    how many sessions of this database were, per sample, running, idle in a transaction, or
    waiting (and on what)."""

    def __init__(self, server_pid: int, database_url: str | None, interval: float = 0.05) -> None:
        self.server = _tree(server_pid)
        self.url = database_url
        self.interval = interval
        self.waits: Counter[str] = Counter()
        self.samples = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._load0 = os.getloadavg()[0]
        self._start = (time.process_time(), _cpu(self.server), _postgres_cpu())
        self._wall = time.monotonic()
        if self.url:
            self._thread.start()

    def _sample(self) -> None:
        assert self.url
        engine = create_engine(self.url.replace("postgresql://", "postgresql+psycopg://", 1))
        query = text(
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        with engine.connect() as connection:
            while not self._done.wait(self.interval):
                rows = connection.execute(query).all()
                connection.commit()
                self.samples += 1
                for state, kind, event in rows:
                    if state == "active" and kind is None:
                        self.waits["running"] += 1
                    elif state == "active":
                        self.waits[f"{kind}:{event}"] += 1
                    elif state and state.startswith("idle in transaction"):
                        self.waits["idle in transaction"] += 1
        engine.dispose()

    def stop(self) -> dict[str, Any]:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        wall = time.monotonic() - self._wall
        load, server, database = self._start
        return {
            "wall_s": round(wall, 1),
            "cpu_s": {
                "load_generator": round(time.process_time() - load, 1),
                "server": round(_cpu(self.server) - server, 1),
                "postgresql": round(_postgres_cpu() - database, 1) if self.url else None,
            },
            "load_average": [round(self._load0, 2), round(os.getloadavg()[0], 2)],
            "postgresql_sessions_per_sample": {
                name: round(count / max(self.samples, 1), 2)
                for name, count in self.waits.most_common(8)
            },
        }
