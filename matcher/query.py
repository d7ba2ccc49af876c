"""One search over the index: the person, the needs read, the per-row distances and the area
checks every criterion and filter reads, and the helpers that pick rows by score."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import numpy as np

from matcher.index import NEED_BIT, Bools, Floats, Index, Ints
from matcher.messages import Message
from matcher.person import Person

T = TypeVar("T")


@dataclass
class Query:
    index: Index
    person: Person
    now: datetime
    needs: tuple[str, ...]
    distance: Floats
    """Per row, km (NaN: unknown)."""
    open_now: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))
    area_ok: Bools = field(default_factory=lambda: np.ones(1, np.bool_))
    """Per service-area set, whether it covers the person's place, and a last True for rows
    with no area (`Index.row_area_set` is -1 for those)."""
    text_rows: frozenset[int] = frozenset()
    """Rows whose name or description matches the person's words."""
    computed: dict[str, Any] = field(default_factory=dict)
    """Arrays computed once for this query (`once`): a criterion's score and its explanation
    read the same one."""

    def once(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, computed at the first call for this query only."""
        if name not in self.computed:
            self.computed[name] = compute()
        found: T = self.computed[name]
        return found

    @property
    def wanted_bits(self) -> int:
        return sum(NEED_BIT[need] for need in self.needs)


@dataclass(frozen=True, slots=True)
class Explained:
    """The reasons and cautions one criterion or filter gives for one result."""

    reasons: Sequence[Message]
    cautions: Sequence[Message]


def new_query(index: Index, person: Person, now: datetime, needs: tuple[str, ...]) -> Query:
    """The query of `person` for `needs` (theirs and those their words name)."""
    if person.latitude is not None and person.longitude is not None:
        distance = index.distances_km(person.latitude, person.longitude)
    else:
        distance = np.full(len(index.row_service), np.nan, dtype=np.float32)
    return Query(
        index,
        person,
        now,
        needs,
        distance,
        open_now=open_now(index, person.now),
        area_ok=areas_covering(index, person),
    )


def areas_covering(index: Index, person: Person) -> Bools:
    """Per service-area set, whether it covers the person's place (all True without a place),
    then a last True for rows with no area."""
    covers = person.in_area
    if person.latitude is None or covers is None:
        return np.ones(len(index.area_sets) + 1, dtype=np.bool_)
    return np.array(
        [any(covers(area) for area in areas) for areas in index.area_sets] + [True], np.bool_
    )


def open_now(index: Index, moment: datetime | None) -> Bools:
    """Per service: open at `moment` by its structured schedules (few services have them)."""
    opened = np.zeros(index.size, dtype=np.bool_)
    if moment is not None:
        for n in index.with_openings:
            opened[n] = any(o.open_at(moment) for o in index.listings[n].openings)
    return opened


def best_rows(scores: Floats, mask: Bools, k: int) -> Ints:
    """The `k` best rows under `mask`, best first (argpartition: no full sort)."""
    rows = np.flatnonzero(mask)
    if len(rows) > k:
        rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
    ordered: Ints = rows[np.argsort(-scores[rows], kind="stable")].astype(np.int32)
    return ordered


def one_per_service(index: Index, rows: Sequence[int], scores: Floats) -> list[int]:
    """`rows` by score, best first, keeping each service's best row only."""
    seen: set[int] = set()
    kept: list[int] = []
    for row in sorted(rows, key=lambda r: -float(scores[r])):
        service = int(index.row_service[row])
        if service not in seen:
            seen.add(service)
            kept.append(int(row))
    return kept
