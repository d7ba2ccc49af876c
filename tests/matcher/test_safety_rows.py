"""Safety-routed rows (`matcher.safety_rows`): which trafficking-victim services are brought
into the results of a person controlled by someone, and where they are put. No HTTP, no
database."""

import numpy as np
import pytest

from matcher.index import Index
from matcher.safety_rows import SAFETY_POSITION, SAFETY_SLOTS, place_safety_rows, safety_rows
from tests.matcher.persons import LIEGE, index_of, service


def _index() -> Index:
    centre = service("Centre", "need.trafficking_support", at=LIEGE)
    return index_of(
        [
            service("Housing"),
            service("Support A", "need.trafficking_support"),
            service("Support B", "need.trafficking_support", "need.housing"),
            centre,
            service("Support C", "need.trafficking_support"),
        ],
        recognised=[centre["organization_id"]],
    )


def _names(index: Index, rows: list[int]) -> list[str]:
    return [index.listings[int(index.row_service[r])].name for r in rows]


def _scores(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


ALL = np.ones(5, dtype=np.bool_)
NONE = np.zeros(5, dtype=np.bool_)


def test_a_recognised_centre_comes_first_whatever_its_score() -> None:
    index = _index()
    rows = safety_rows(index, ALL, _scores(0.9, 0.8, 0.7, 0.1, 0.6), NONE, SAFETY_SLOTS)
    assert _names(index, rows) == ["Centre", "Support A"]


def test_only_usable_trafficking_services_are_routed() -> None:
    index = _index()
    usable = np.array([True, False, True, False, True])
    rows = safety_rows(index, usable, _scores(0.9, 0.8, 0.7, 0.1, 0.6), NONE, 5)
    assert _names(index, rows) == ["Support B", "Support C"]


def test_lowered_rows_come_last_and_the_limit_holds() -> None:
    index = _index()
    lowered = np.array([False, True, False, True, False])
    rows = safety_rows(index, ALL, _scores(0.9, 0.8, 0.7, 0.1, 0.6), lowered, 5)
    assert _names(index, rows) == ["Support B", "Support C", "Centre", "Support A"]
    assert len(safety_rows(index, ALL, _scores(0.9, 0.8, 0.7, 0.1, 0.6), lowered, 1)) == 1


def test_one_row_per_service() -> None:
    record = service("Two sites", "need.trafficking_support")
    second = dict(record["service_at_locations"][0])
    second["id"] = "second"
    second["location"] = {**second["location"], "id": "second-place", "latitude": 51.2}
    record["service_at_locations"].append(second)
    index = index_of([record])
    assert len(index.row_service) == 2
    usable = np.ones(2, dtype=np.bool_)
    rows = safety_rows(index, usable, _scores(0.5, 0.6), np.zeros(2, np.bool_), 2)
    assert rows == [1]


@pytest.mark.parametrize(
    ("ranked", "added", "limit", "placed"),
    [
        ([10, 11, 12, 13], [20, 21], 4, [10, 20, 21, 11]),
        ([10, 11, 12, 13], [20], 5, [10, 20, 11, 12, 13]),
        ([10, 20, 11, 12], [20], 4, [10, 20, 11, 12]),  # already near the top: left there
        ([20, 10, 11, 12], [20], 4, [20, 10, 11, 12]),
        ([10, 11, 12, 20], [20], 4, [10, 20, 11, 12]),  # further down: moved up, not doubled
        ([], [20, 21], 3, [20, 21]),
        ([10], [20, 21], 3, [10, 20, 21]),
        ([10, 11, 12], [], 2, [10, 11]),
    ],
)
def test_routed_rows_are_placed_from_the_safety_position(
    ranked: list[int], added: list[int], limit: int, placed: list[int]
) -> None:
    assert SAFETY_POSITION == 1
    assert place_safety_rows(ranked, added, limit) == placed
