"""Public service records kept per worker: for the website's answers and for `/hsds` reads.

`POST /search` shows ten services or so, `GET /hsds/services/{id}` one, a page of `/hsds/services`
twenty in brief. Reading them is about twenty queries (one per table, whatever their number).
Each worker keeps the public records it has read, per shape (a full record, a brief one) and,
per request, reads which services changed since (`directory_change`, one small query, with the
same care for numbers committed out of order as the index: `api.index_feed.ChangeCursor`):
those, and only those, are read again, all in one batched read. A change of everything (an
import, a hand-made fix) drops them all. A record is what `repository.public_fetch` gives:
never a confidential location, nor a suspended service.
"""

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from api.index_feed import READ_AT_MOST, ChangeCursor, needs_full_read, present_numbers
from directory.hsds import repository
from directory.hsds.tree import SERVICE, Record, Shape
from directory.state import changes_since, current_version

T = TypeVar("T")
_UNMADE = object()

KEEP = 4096
"""Records kept per worker and shape at most (the least recently shown go first)."""
WARM_BATCH = 500
"""Records read at once when a worker warms up (`PublicRecords.warm`)."""


class PublicRecords:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.kept: dict[Shape, OrderedDict[str, Record | None]] = {}
        """Shape -> service id -> its public record (None: not public, or no such service)."""
        self.made: dict[str, tuple[Record, dict[Hashable, Any]]] = {}
        """Service id -> the kept full record things were made of, and what (`made_of`)."""
        self.cursor: ChangeCursor | None = None
        self.generation = 0
        """Bumped whenever records are dropped: a read that began before is not kept."""
        self.lock = threading.Lock()

    def records(
        self, connection: Connection, ids: Sequence[str], shape: Shape = SERVICE
    ) -> list[Record]:
        """The public records of `ids` in `shape` that exist, in that order, as stored now.
        They are shared: the caller must not change them."""
        wanted = list(dict.fromkeys(ids))
        self._forget_changed(connection)
        with self.lock:
            kept = self.kept.setdefault(shape, OrderedDict())
            missing = [key for key in wanted if key not in kept]
            generation = self.generation
        found: dict[str, Record | None] = dict.fromkeys(missing)
        if missing:
            for record in repository.service_records(connection, missing, shape=shape):
                found[str(record["id"])] = record
        with self.lock:
            known = {key: kept[key] for key in wanted if key in kept}
            known.update(found)
            if generation == self.generation:
                self._keep(kept, wanted, found)
        return [item for key in wanted if (item := known.get(key)) is not None]

    def made_of(
        self,
        connection: Connection,
        ids: Sequence[str],
        what: Hashable,
        make: Callable[[Record], T],
    ) -> list[T]:
        """`make(record)` for the full public records of `ids` that exist, in that order, kept
        with the record they were made of: what a page shows of a service (`what` names it,
        its language included) is made once per version of the record, not once per page.
        `make` must depend on nothing but the record, and its result must not be changed."""
        records = self.records(connection, ids)
        with self.lock:
            known = [self._made_of(record, what) for record in records]
        made = [
            make(r) if item is _UNMADE else item for item, r in zip(known, records, strict=True)
        ]
        with self.lock:
            kept: OrderedDict[str, Record | None] = self.kept.get(SERVICE, OrderedDict())
            for record, item, before in zip(records, made, known, strict=True):
                key = str(record["id"])
                if before is not _UNMADE or kept.get(key) is not record:
                    continue  # made already, or no longer the version kept
                entry = self.made.get(key)
                if entry is None or entry[0] is not record:
                    entry = self.made[key] = (record, {})
                entry[1][what] = item
        return made

    def _made_of(self, record: Record, what: Hashable) -> Any:
        entry = self.made.get(str(record["id"]))
        if entry is None or entry[0] is not record:
            return _UNMADE
        return entry[1].get(what, _UNMADE)

    def warm(self, connection: Connection, count: int) -> None:
        """Read the full public records of the first `count` services (by id, at most `keep`)
        before the worker answers, so that the first reads of them do not wait for the
        database. Changes committed meanwhile are caught by the next request's look at
        `directory_change`, as for any read."""
        ids = repository.all_service_ids(connection)[: min(count, self.keep)]
        for start in range(0, len(ids), WARM_BATCH):
            self.records(connection, ids[start : start + WARM_BATCH])

    def _keep(
        self, kept: OrderedDict[str, Record | None], wanted: list[str], found: dict[str, Any]
    ) -> None:
        kept.update(found)
        for key in wanted:
            if key in kept:
                kept.move_to_end(key)
        while len(kept) > self.keep:
            gone, record = kept.popitem(last=False)
            if record is not None and self.made.get(gone, (None,))[0] is record:
                del self.made[gone]

    def _forget_changed(self, connection: Connection) -> None:
        """Drop what changed since the last look (the query runs outside the lock: every change
        it finds is dropped, under the lock, before this request reads `generation`)."""
        with self.lock:
            cursor = self.cursor
            after = cursor.cursor if cursor else 0
        if cursor is None:
            version = current_version(connection)
            started = ChangeCursor()
            started.reset(version, present_numbers(connection, version))
            with self.lock:
                if self.cursor is None:
                    self.cursor = started
                    self._drop(None)
            return
        found = changes_since(connection, after, limit=READ_AT_MOST)
        if not found:
            return
        with self.lock:
            changes = cursor.new(found)
            if changes:
                changed = {str(change.service_id) for change in changes}
                self._drop(None if needs_full_read(changes) else changed)
                cursor.applied(changes)

    def _drop(self, service_ids: set[str] | None) -> None:
        self.generation += 1
        for kept in self.kept.values():
            if service_ids is None:
                kept.clear()
                continue
            for key in service_ids:
                kept.pop(key, None)
        if service_ids is None:
            self.made.clear()
        for key in service_ids or ():
            self.made.pop(key, None)


log = logging.getLogger("passerelle")
_CREATING = threading.Lock()


def public_records(state: Any) -> PublicRecords:
    """The worker's `PublicRecords`, kept on the app's `state` (made at the first use)."""
    with _CREATING:
        if getattr(state, "public_records", None) is None:
            state.public_records = PublicRecords()
    kept: PublicRecords = state.public_records
    return kept


def warm_up(state: Any, engine: Engine, count: int) -> None:
    """Fill the worker's kept records at start-up (`PublicRecords.warm`). A database that
    cannot be read, or a record that cannot be assembled, only leaves them cold: each read then
    reads what it needs, and answers for itself (the worker starts all the same)."""
    if count <= 0:
        return
    try:
        with engine.connect() as connection:
            public_records(state).warm(connection, count)
    except Exception as error:  # noqa: BLE001 - a bad row must not keep the site from starting
        log.warning("service records not read ahead: %s", type(error).__name__)
