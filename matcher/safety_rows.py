"""Safety routing in the ranked results: for a person controlled by someone, services for
victims of trafficking (the recognised centres first) are brought into the top results, at
`SAFETY_POSITION` and after, whatever the needs asked for (the notices are `matcher.safety`)."""

import numpy as np

from matcher.index import NEED_BIT, Bools, Floats, Index
from matcher.query import best_rows, one_per_service

SAFETY_SLOTS = 2
"""Trafficking-victim services brought into the top results for a person controlled by someone."""
SAFETY_POSITION = 1


def safety_rows(
    index: Index, usable_rows: Bools, scores: Floats, lowered: Bools, limit: int
) -> list[int]:
    """Trafficking-victim services for a controlled person: recognised centres first, lowered
    rows (unreachable, residents elsewhere) last."""
    trafficking = (index.needs & np.uint32(NEED_BIT["trafficking_support"])) != 0
    mask = usable_rows & trafficking[index.row_service]
    recognised = index.flags["recognised"][index.row_service].astype(np.float32)
    boosted = scores + recognised - np.float32(2) * lowered.astype(np.float32)
    rows = one_per_service(index, list(best_rows(boosted, mask, 4 * limit)), boosted)
    return rows[:limit]


def place_safety_rows(ranked: list[int], added: list[int], limit: int) -> list[int]:
    """Put safety-routed rows at `SAFETY_POSITION` and after, unless already near the top."""
    order = list(ranked)
    for offset, row in enumerate(added):
        position = min(SAFETY_POSITION + offset, len(order))
        if row in order[: SAFETY_POSITION + len(added)]:
            continue
        if row in order:
            order.remove(row)
        order.insert(position, row)
    return order[:limit]
