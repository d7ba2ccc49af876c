"""Ranking: hard filters (masks that never break), scores, top-k, diversification, explanations."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matcher.criteria import CRITERIA, Query, total_scores
from matcher.index import GENDER_BIT, NEED_BIT, STATUS_BIT, Bools, Floats, Index, Ints
from matcher.listing import Listing, Site
from matcher.messages import Message, Notice, message
from matcher.person import GENDERS, Person
from matcher.safety import safety_notices
from matcher.text import description_share, name_similarity, needs_in_text

SAFETY_SLOTS = 2
"""Trafficking-victim services brought into the top results for a person controlled by someone."""
SAFETY_POSITION = 1
NAME_BONUS = 0.25
"""For a service whose name the person typed: enough to come first among services alike."""
TEXT_BONUS = 0.05
"""For a service whose description holds the person's words: a tie-breaker."""
MATCH_CUTOFF = 0.8
REQUIREMENTS = ("id_document", "health_insurance", "appointment", "professional_referral")


@dataclass(frozen=True, slots=True)
class Result:
    listing: Listing
    site: Site | None
    distance_km: float | None
    score: float
    matched_needs: tuple[str, ...]
    reasons: tuple[Message, ...]
    cautions: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    results: tuple[Result, ...]
    notices: tuple[Notice, ...]
    unmet_needs: tuple[str, ...]


def eligible_services(index: Index, person: Person) -> Bools:
    """Per service: passes every hard filter for this person."""
    flags = index.flags
    ok = np.ones(index.size, dtype=np.bool_)
    status = person.known_status
    if status:
        ok &= (index.welcome == 0) | ((index.welcome & np.uint8(STATUS_BIT[status])) != 0)
        if status in ("undocumented", "asylum_seeker"):
            ok &= ~flags["requires_permit"]
    if person.goal == "stay_safer":
        ok &= ~flags["exit_required"]
    if person.age is not None:
        ok &= (index.min_age <= person.age) & (index.max_age >= person.age)
    word = GENDERS.get(person.gender or "")
    if word:
        ok &= (index.genders == 0) | ((index.genders & np.uint8(GENDER_BIT[word])) != 0)
    if person.anonymous_only:
        ok &= flags["anonymous"]
    if person.free_only:
        ok &= flags["free"]
    return ok


def rows_in_reach(index: Index, person: Person, distance: Floats) -> Bools:
    """Per row: physical rows within `max_distance_km`; remote rows, and sites with no point
    (confidential ones), whose areas cover the person, whatever the distance."""
    if person.latitude is None or person.in_area is None:
        return np.ones(len(index.row_service), dtype=np.bool_)
    covers = person.in_area
    area_ok = np.array(
        [any(covers(area) for area in areas) for areas in index.area_sets] + [True], np.bool_
    )
    by_area = index.remote_row | index.regional_row
    area_reach = area_ok[index.row_area_set]
    if person.max_distance_km is None:
        reach: Bools = area_reach | ~by_area
        return reach
    physical_ok = distance <= np.float32(person.max_distance_km)  # False for NaN
    reach = np.where(by_area, area_reach, physical_ok)
    return reach


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


def _one_per_service(index: Index, rows: Sequence[int], scores: Floats) -> list[int]:
    seen: set[int] = set()
    kept: list[int] = []
    for row in sorted(rows, key=lambda r: -float(scores[r])):
        service = int(index.row_service[row])
        if service not in seen:
            seen.add(service)
            kept.append(int(row))
    return kept


def _diversify(index: Index, needs: Sequence[str], ranked: list[int]) -> list[int]:
    """Each need's best service first (in order of their scores), then the rest by score."""
    if len(needs) < 2:
        return ranked
    firsts: list[int] = []
    for need in needs:
        bit = NEED_BIT[need]
        if any(index.needs[index.row_service[r]] & bit for r in firsts):
            continue
        first = next((r for r in ranked if index.needs[index.row_service[r]] & bit), None)
        if first is not None and first not in firsts:
            firsts.append(first)
    firsts.sort(key=ranked.index)
    return firsts + [r for r in ranked if r not in firsts]


def _safety_rows(index: Index, usable_rows: Bools, scores: Floats, limit: int) -> list[int]:
    trafficking = (index.needs & np.uint32(NEED_BIT["trafficking_support"])) != 0
    mask = usable_rows & trafficking[index.row_service]
    boosted = scores + index.flags["recognised"][index.row_service].astype(np.float32)
    rows = _one_per_service(index, list(best_rows(boosted, mask, 4 * limit)), boosted)
    return rows[:limit]


def _place(ranked: list[int], added: list[int], limit: int) -> list[int]:
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


def _eligibility(query: Query, listing: Listing) -> tuple[list[Message], list[Message]]:
    """Reasons and cautions of the hard filters' subjects: papers, conditions, requirements."""
    person = query.person
    reasons: list[Message] = []
    cautions: list[Message] = []
    welcome = listing.words("welcome")
    status = person.known_status
    if not welcome:
        cautions.append(message("eligibility_not_stated"))
    elif status and status in welcome:
        reasons.append(message("welcomes_status", status=status))
    requires = listing.words("requires")
    if "residence_permit" in requires and not status:
        cautions.append(message("residence_permit_may_be_needed"))
    cautions += [message(f"requires_{word}") for word in REQUIREMENTS if word in requires]
    conditions = listing.words("condition")
    for condition in ("exit_commitment_required", "police_complaint_required"):
        if condition in conditions:
            cautions.append(message(condition))
    if "may_share_with_authorities" in listing.words("privacy"):
        cautions.append(message("may_share_with_authorities"))
    groups = sorted(listing.words("audience") & set(GENDERS.values()))
    if groups and not GENDERS.get(person.gender or ""):
        cautions.append(message("audience_restricted", groups=",".join(groups)))
    offers = listing.words("offers")
    reasons += [message(word) for word in ("free", "anonymous") if word in offers]
    if listing.phones and not any(phone.confirmed for phone in listing.phones):
        cautions.append(message("phone_not_confirmed"))
    return reasons, cautions


def _result(query: Query, row: int, score: float, added: bool, matches_text: bool) -> Result:
    index = query.index
    service = int(index.row_service[row])
    listing = index.listings[service]
    reasons: list[Message] = []
    cautions: list[Message] = []
    if added:
        reasons.append(message("safety_added"))
    if index.flags["recognised"][service] and query.person.controlled_by_someone:
        reasons.append(message("recognised_trafficking_centre"))
    for criterion in CRITERIA:
        explained = criterion.explain(query, listing, service, row)
        reasons += explained.reasons
        cautions += explained.cautions
    more_reasons, more_cautions = _eligibility(query, listing)
    if matches_text:
        reasons.append(message("matches_text"))
    site_number = int(index.row_site[row])
    distance = float(query.distance[row])
    return Result(
        listing=listing,
        site=listing.sites[site_number] if site_number >= 0 else None,
        distance_km=None if np.isnan(distance) else distance,
        score=round(min(max(score, 0.0), 1.0), 3),
        matched_needs=tuple(need for need in query.needs if need in listing.needs),
        reasons=tuple(reasons + more_reasons),
        cautions=tuple(cautions + more_cautions),
    )


def _text_matches(query: Query, rows: list[int]) -> dict[int, float]:
    """Rows of the shortlist whose name or description matches the person's words, with the
    bonus each earns."""
    text = query.person.text
    if not text:
        return {}
    listings = [query.index.listings[int(query.index.row_service[r])] for r in rows]
    by_name = name_similarity(text, [item.name for item in listings])
    by_organization = name_similarity(text, [item.organization_name for item in listings])
    by_words = description_share(text, [item.description for item in listings])
    bonus: dict[int, float] = {}
    for row, name, organization, words in zip(
        rows, by_name, by_organization, by_words, strict=True
    ):
        if max(name, organization) >= MATCH_CUTOFF:
            bonus[row] = NAME_BONUS
        elif words >= MATCH_CUTOFF:
            bonus[row] = TEXT_BONUS
    return bonus


def rank(index: Index, person: Person, *, now: datetime) -> Ranking:
    """The best services for `person`, explained, with safety notices and unmet needs."""
    needs = tuple(dict.fromkeys((*person.needs, *needs_in_text(person.text))))
    rows = index.row_service
    if person.latitude is not None and person.longitude is not None:
        distance = index.distances_km(person.latitude, person.longitude)
    else:
        distance = np.full(len(rows), np.nan, dtype=np.float32)
    query = Query(index, person, now, needs, distance, open_now=open_now(index, person.now))
    usable_rows = eligible_services(index, person)[rows] & rows_in_reach(index, person, distance)
    scores = total_scores(query)
    wanted = np.uint32(query.wanted_bits)
    meets = (index.row_needs & wanted) != 0 if needs else np.ones(len(rows), np.bool_)
    limit = person.limit
    candidates = list(best_rows(scores, usable_rows & meets, 3 * limit + 10))
    for need in needs if len(needs) > 1 else ():
        need_rows = usable_rows & ((index.row_needs & np.uint32(NEED_BIT[need])) != 0)
        candidates += list(best_rows(scores, need_rows, limit + 5))
    adjusted = scores.copy()
    texts = _text_matches(query, candidates)
    for row, bonus in texts.items():
        adjusted[row] = min(1.0, adjusted[row] + bonus)
    ranked = _diversify(index, needs, _one_per_service(index, candidates, adjusted))
    added: list[int] = []
    if person.controlled_by_someone:
        added = _safety_rows(index, usable_rows, scores, SAFETY_SLOTS)
    chosen = _place(ranked, added, limit)
    results = tuple(
        _result(
            query,
            row,
            float(adjusted[row]),
            added=row in added and not bool(meets[row]),
            matches_text=row in texts,
        )
        for row in chosen
    )
    covered = int(np.bitwise_or.reduce(index.row_needs[usable_rows])) if needs else 0
    unmet = tuple(need for need in needs if not covered & NEED_BIT[need])
    notices: tuple[Notice, ...] = ()
    if person.in_danger_now or person.controlled_by_someone or person.minor:
        usable_services = np.zeros(index.size, dtype=np.bool_)
        usable_services[rows[usable_rows]] = True
        notices = tuple(safety_notices(index, person, usable_services))
    return Ranking(results, notices, unmet)
