"""Ranking, orchestrated: hard filters (`eligibility`), scores (`criteria`), lowering, text
bonuses, each need's best service first, safety routing, and the explained results."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matcher.criteria import total_scores
from matcher.eligibility import eligible_services, usable_rows
from matcher.explanation import Result, result
from matcher.index import NEED_BIT, Bools, Floats, Index
from matcher.lowering import below_peers, lower, lowered_rows
from matcher.messages import Message, Notice, ReasonCode, message
from matcher.person import Person
from matcher.query import Query, best_rows, new_query, one_per_service
from matcher.safety import safety_notices
from matcher.safety_rows import SAFETY_SLOTS, place_safety_rows, safety_rows
from matcher.text import PAPERS_BONUS, open_without_papers, prefer_open, text_bonuses, understand

__all__ = ["Ranking", "Result", "rank"]


@dataclass(frozen=True, slots=True)
class Ranking:
    results: tuple[Result, ...]
    notices: tuple[Notice, ...]
    unmet_needs: tuple[str, ...]
    total: int = 0
    """How many services match (in reach, eligible, meeting a need), shown or not."""


def _diversify(
    index: Index, needs: Sequence[str], ranked: list[int]
) -> tuple[list[int], dict[int, str]]:
    """Each need's best service first (in order of their scores), then the rest by score; and
    the need each of those firsts was put first for."""
    if len(needs) < 2:
        return ranked, {}
    firsts: dict[int, str] = {}
    for need in needs:
        bit = NEED_BIT[need]
        if any(index.needs[index.row_service[r]] & bit for r in firsts):
            continue
        first = next((r for r in ranked if index.needs[index.row_service[r]] & bit), None)
        if first is not None and first not in firsts:
            firsts[first] = need
    ordered = sorted(firsts, key=ranked.index)
    return ordered + [r for r in ranked if r not in firsts], firsts


def _promotions(
    chosen: list[int], scores: Floats, lowered: Bools, why: dict[int, Message]
) -> dict[int, Message]:
    """The reason of each row placed above a better-scored row that is not lowered (a lowered
    row's own caution says why it is lower): safety routing, or covering another need."""
    promoted: dict[int, Message] = {}
    for n, row in enumerate(chosen):
        better_below = any(
            scores[other] > scores[row] and not lowered[other] for other in chosen[n + 1 :]
        )
        if better_below and row in why:
            promoted[row] = why[row]
    return promoted


def matching_services(index: Index, matching_rows: Bools, chosen: Sequence[int]) -> int:
    """Distinct services among the matching rows and the rows chosen (safety-added ones too)."""
    services = np.zeros(index.size, dtype=np.bool_)
    services[index.row_service[matching_rows]] = True
    services[index.row_service[np.asarray(chosen, dtype=np.int64)]] = True
    return int(services.sum())


def _shortlist(query: Query, usable: Bools, scores: Floats, meets: Bools) -> list[int]:
    """The best rows meeting any need, and for several needs each need's best rows too."""
    limit, needs, index = query.person.limit, query.needs, query.index
    candidates = list(best_rows(scores, usable & meets, 3 * limit + 10))
    for need in needs if len(needs) > 1 else ():
        need_rows = usable & ((index.row_needs & np.uint32(NEED_BIT[need])) != 0)
        candidates += list(best_rows(scores, need_rows, limit + 5))
    return candidates


def _notices(query: Query, usable: Bools, eligible: Bools) -> tuple[tuple[Notice, ...], Bools]:
    """The safety notices (`matcher.safety`) of a person in danger, controlled or a minor, and
    the rows of the services whose line they name: the page gives such a line once, in its
    notice, not again among the results."""
    person, index = query.person, query.index
    named = np.zeros(len(index.row_service), np.bool_)
    if not (person.in_danger_now or person.controlled_by_someone or person.minor):
        return (), named
    usable_services = np.zeros(index.size, dtype=np.bool_)
    usable_services[index.row_service[usable]] = True
    notices, services = safety_notices(
        index,
        person,
        usable_services,
        eligible=eligible,
        distance=query.distance,
        opened=query.open_now,
    )
    if services:
        named[np.isin(index.row_service, services)] = True
    return tuple(notices), named


def rank(index: Index, person: Person, *, now: datetime) -> Ranking:
    """The best services for `person`, explained, with safety notices and unmet needs."""
    understood = understand(person.text)
    needs = tuple(dict.fromkeys((*person.needs, *understood.needs)))
    query = new_query(index, person, now, needs)
    eligible = eligible_services(index, person)
    usable = usable_rows(query, eligible)
    scores = total_scores(query)
    lowered = lowered_rows(query)
    lower(query, scores, lowered)
    wanted = np.uint32(query.wanted_bits)
    meets = (index.row_needs & wanted) != 0 if needs else np.ones(len(index.row_service), np.bool_)
    candidates = _shortlist(query, usable, scores, meets)
    adjusted = scores.copy()
    texts = text_bonuses(index, person.text, candidates)
    papers = open_without_papers(index, candidates) if prefer_open(person, understood) else set()
    for row, bonus in texts.items():
        adjusted[row] = min(1.0, adjusted[row] + bonus)
    for row in papers:
        adjusted[row] = min(1.0, adjusted[row] + PAPERS_BONUS)
    query.text_rows = frozenset(texts)
    ranked, firsts = _diversify(index, needs, one_per_service(index, candidates, adjusted))
    ranked = below_peers(index, ranked, lowered, query.wanted_bits)
    added: list[int] = []
    if person.controlled_by_someone:
        added = safety_rows(index, usable, scores, lowered, SAFETY_SLOTS)
    notices, named = _notices(query, usable, eligible)
    ranked = [row for row in ranked if not named[row]]
    added = [row for row in added if not named[row]]
    chosen = place_safety_rows(ranked, added, person.limit)
    why = {row: message(ReasonCode.FIRST_FOR_NEED, need=need) for row, need in firsts.items()}
    why |= {row: message(ReasonCode.SAFETY_MOVED_UP) for row in added}
    promoted = _promotions(chosen, adjusted, lowered, why)
    for row in added:
        if not meets[row]:  # outside the person's needs: always says so
            promoted[row] = message(ReasonCode.SAFETY_ADDED)
    results = tuple(
        result(query, row, float(adjusted[row]), promoted=promoted.get(row), papers=row in papers)
        for row in chosen
    )
    covered = int(np.bitwise_or.reduce(index.row_needs[usable])) if needs else 0
    unmet = tuple(need for need in needs if not covered & NEED_BIT[need])
    total = matching_services(index, usable & meets & ~named, chosen)
    return Ranking(results, notices, unmet, total)
