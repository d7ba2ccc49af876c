"""Which services changed since a worker's index was built, read from `directory_change`.

A worker keeps a `ChangeCursor`: every change numbered up to `cursor` is in its index, and so are
the numbers in `seen` above it. On PostgreSQL change numbers come from a sequence, and a
transaction can commit number 10 after another committed 11: a missing number is waited for
(read again at every refresh) for `GAP_SECONDS`, then taken for a transaction that rolled back.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from directory.hsds.coarse_points import matching_records
from directory.hsds.suspensions import suspended_service_ids
from directory.state import Changed, changes_since, current_version
from matcher.listing import listing_from_record

GAP_SECONDS = 60.0
"""How long a missing change number is waited for (a transaction still running, on PostgreSQL)."""
WINDOW = 256
"""How far below the newest change a worker looks for numbers still missing."""
IN_PLACE_AT_MOST = 200
"""More services changed at once than this: read the whole directory again."""
READ_AT_MOST = 5000


@dataclass
class ChangeCursor:
    cursor: int = 0
    seen: set[int] = field(default_factory=set)
    missing: dict[int, float] = field(default_factory=dict)
    """Missing number -> when it was first found missing (`time.monotonic`)."""
    clock: Callable[[], float] = time.monotonic

    def reset(self, version: int, present: Iterable[int]) -> None:
        """After reading the whole directory at `version`: the numbers below it that were not
        there yet are waited for."""
        now = self.clock()
        low = max(version - WINDOW, 0)
        there = set(present)
        self.cursor, self.seen, self.missing = low, {s for s in there if s > low}, {}
        for seq in range(low + 1, version + 1):
            if seq not in there:
                self.missing[seq] = now
        self._advance()

    def new(self, changes: Sequence[Changed]) -> list[Changed]:
        """The changes not yet in the index."""
        return [change for change in changes if change.seq not in self.seen]

    def applied(self, changes: Iterable[Changed]) -> None:
        now = self.clock()
        for change in changes:
            self.seen.add(change.seq)
            self.missing.pop(change.seq, None)
        top = max(self.seen, default=self.cursor)
        for seq in range(max(self.cursor, top - WINDOW) + 1, top):
            if seq not in self.seen:
                self.missing.setdefault(seq, now)
        self._advance()

    def _advance(self) -> None:
        now = self.clock()
        self.missing = {s: t for s, t in self.missing.items() if now - t < GAP_SECONDS}
        top = max(self.seen, default=self.cursor)
        self.cursor = max(self.cursor, min(self.missing) - 1 if self.missing else top)
        self.seen = {seq for seq in self.seen if seq > self.cursor}

    @property
    def version(self) -> int:
        """The highest change number in the index."""
        return max(self.seen, default=self.cursor)


class Unindexable(Exception):
    """Services whose stored record cannot be read as a listing (written past the checks)."""

    def __init__(self, problems: dict[str, str], listings: list[Any], version: int = 0) -> None:
        super().__init__(", ".join(f"{sid} ({kind})" for sid, kind in sorted(problems.items())))
        self.problems = problems
        self.listings = listings
        """The listings of every other service."""
        self.version = version
        """The directory's version they were read at."""


def load_listings(engine: Engine) -> tuple[int, list[Any]]:
    """The directory's version and the listings of every service, read in one transaction;
    confidential sites carry their coarse point, never their true one. Unindexable (with the
    others' listings) if some record cannot be read as a listing."""
    with engine.connect() as connection:
        version = current_version(connection)
        suspended = suspended_service_ids(connection)
        found = matching_records(connection)
    listings, problems = [], {}
    for record in found:
        if record["id"] in suspended:
            continue  # neither public nor matched (the curator's decision, audited)
        try:
            listings.append(listing_from_record(record))
        except Exception as error:  # noqa: BLE001 - any bad row: name it, never stop matching
            problems[str(record["id"])] = type(error).__name__
    if problems:
        raise Unindexable(problems, listings, version)
    return version, listings


def read_changes(connection: Connection, cursor: ChangeCursor) -> list[Changed]:
    return cursor.new(changes_since(connection, cursor.cursor, limit=READ_AT_MOST))


def needs_full_read(changes: Sequence[Changed]) -> bool:
    ids = {change.service_id for change in changes}
    return None in ids or len(ids) > IN_PLACE_AT_MOST


def present_numbers(connection: Connection, version: int) -> list[int]:
    """The change numbers of the last `WINDOW` below `version` that are committed."""
    return [
        change.seq
        for change in changes_since(connection, max(version - WINDOW, 0), limit=WINDOW + 1)
        if change.seq <= version
    ]


def changed_listings(
    connection: Connection, service_ids: Sequence[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The listings of these services as stored now (None: no longer matched: suspended or
    gone), and the problems of those that cannot be read as a listing."""
    suspended = suspended_service_ids(connection)
    found = {str(record["id"]): record for record in matching_records(connection, ids=service_ids)}
    listings: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for service_id in service_ids:
        record = found.get(service_id)
        if record is None or service_id in suspended:
            listings[service_id] = None
            continue
        try:
            listings[service_id] = listing_from_record(record)
        except Exception as error:  # noqa: BLE001 - any bad row: name it, never stop matching
            problems[service_id] = type(error).__name__
    return listings, problems


__all__ = [
    "ChangeCursor",
    "Unindexable",
    "load_listings",
    "changed_listings",
    "current_version",
    "needs_full_read",
    "present_numbers",
    "read_changes",
]
