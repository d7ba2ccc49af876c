"""A published change rewrites only that service's rows, in a new index: the result is the index a
full build would give, and the index it came from is left as it was (a match reading it
meanwhile sees it whole)."""

import dataclasses
from datetime import UTC, date, datetime

import numpy as np

from benchmarks.synthetic import directory
from matcher.index import Index, build_index
from matcher.listing import Listing, listing_from_record


def _listings(size: int = 300) -> list[Listing]:
    return [listing_from_record(record) for record in directory(size)]


def _arrays(index: Index) -> dict[str, object]:
    found: dict[str, object] = {}
    for name, value in vars(index).items():
        if isinstance(value, np.ndarray):
            found[name] = value
        elif (
            isinstance(value, dict) and value and isinstance(next(iter(value.values())), np.ndarray)
        ):
            found.update({f"{name}:{key}": array for key, array in value.items()})
    return found


def _same(left: Index, right: Index) -> None:
    ours, theirs = _arrays(left), _arrays(right)
    assert ours.keys() == theirs.keys()
    for name, array in ours.items():
        assert np.array_equal(array, theirs[name], equal_nan=True), name  # type: ignore[arg-type]
    assert left.with_openings == right.with_openings
    assert left.any_flag == right.any_flag
    assert [item.id for item in left.listings] == [item.id for item in right.listings]


def test_changed_beds_and_confirmation_give_the_index_a_full_build_gives() -> None:
    listings = _listings()
    old = build_index(listings)
    before = {name: np.copy(array) for name, array in _arrays(old).items()}  # type: ignore[call-overload]
    now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    changed = {
        listings[3].id: dataclasses.replace(listings[3], beds=7, beds_updated=now),
        listings[120].id: dataclasses.replace(listings[120], assured_date=date(2026, 12, 3)),
        listings[299].id: dataclasses.replace(listings[299], beds=0, beds_updated=now),
    }
    new = old.with_changes(changed)
    assert new is not None and new is not old
    expected = build_index([changed.get(item.id, item) for item in listings])
    _same(new, expected)
    for name, array in _arrays(old).items():  # the old index is untouched
        assert np.array_equal(array, before[name], equal_nan=True), name  # type: ignore[arg-type]
    assert old.listings[3] is listings[3]


def test_a_change_the_index_cannot_take_in_place_asks_for_a_full_build() -> None:
    listings = _listings(50)
    index = build_index(listings)
    first = listings[0]
    assert index.with_changes({"no-such-service": first}) is None  # a new service
    assert index.with_changes({first.id: None}) is None  # gone (suspended, deleted)
    closed = dataclasses.replace(first, status="inactive")
    assert index.with_changes({first.id: closed}) is None
    new_language = dataclasses.replace(first, languages=(*first.languages, "xx-unheard"))
    assert index.with_changes({first.id: new_language}) is None
    more_sites = dataclasses.replace(
        first, sites=first.sites + first.sites[:1] if first.sites else ()
    )
    if first.sites:
        assert index.with_changes({first.id: more_sites}) is None
