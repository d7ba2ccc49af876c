"""The public records the website shows beside a match answer, kept per worker.

`POST /search` shows ten services or so; reading their full records is about twenty queries
(one per table, whatever their number). Each worker keeps the public records it has read and,
per request, reads which services changed since (`directory_change`, one small query, with the
same care for numbers committed out of order as the index: `api.index_feed.ChangeCursor`):
those, and only those, are read again, all in one batched read. A change of everything (an
import, a hand-made fix) drops them all.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from api.index_feed import ChangeCursor, needs_full_read, present_numbers, read_changes
from directory.hsds import repository
from directory.hsds.tree import Record
from directory.state import current_version

KEEP = 4096
"""Records kept per worker at most (the least recently shown go first)."""


class PublicRecords:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.kept: OrderedDict[str, Record | None] = OrderedDict()
        """Service id -> its public record (None: not public, or no such service)."""
        self.cursor: ChangeCursor | None = None
        self.generation = 0
        """Bumped whenever records are dropped: a read that began before is not kept."""
        self.lock = threading.Lock()

    def records(self, engine: Engine, ids: Sequence[str]) -> list[Record]:
        """The public records of `ids` that exist, in that order, as stored now."""
        wanted = list(dict.fromkeys(ids))
        with engine.connect() as connection:
            with self.lock:
                self._forget_changed(connection)
                missing = [key for key in wanted if key not in self.kept]
                generation = self.generation
            found: dict[str, Record | None] = dict.fromkeys(missing)
            if missing:
                for record in repository.service_records(connection, missing):
                    found[str(record["id"])] = record
        with self.lock:
            known: dict[str, Record | None] = {k: self.kept[k] for k in wanted if k in self.kept}
            known.update(found)
            if generation == self.generation:
                self.kept.update(found)
                for key in wanted:
                    if key in self.kept:
                        self.kept.move_to_end(key)
                while len(self.kept) > self.keep:
                    self.kept.popitem(last=False)
        return [item for key in wanted if (item := known.get(key)) is not None]

    def _forget_changed(self, connection: Connection) -> None:
        if self.cursor is None:
            self.cursor = ChangeCursor()
            version = current_version(connection)
            self.cursor.reset(version, present_numbers(connection, version))
            self._drop(None)
            return
        changes = read_changes(connection, self.cursor)
        if not changes:
            return
        self._drop(None if needs_full_read(changes) else {str(c.service_id) for c in changes})
        self.cursor.applied(changes)

    def _drop(self, service_ids: set[str] | None) -> None:
        self.generation += 1
        if service_ids is None:
            self.kept.clear()
            return
        for key in service_ids:
            self.kept.pop(key, None)
