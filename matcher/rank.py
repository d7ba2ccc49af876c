"""Ranking: hard filters (masks that never break), scores, top-k, diversification, explanations."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matcher.criteria import CRITERIA, Query, total_scores
from matcher.index import GENDER_BIT, NEED_BIT, STATUS_BIT, Bools, Floats, Index, Ints
from matcher.listing import Listing, Phone, Site
from matcher.lowering import below_peers, lower, lowered_rows, lowering_cautions
from matcher.messages import CAUTIONS, TO_CHECK, Message, Notice, message
from matcher.person import GENDERS, Person
from matcher.safety import safety_notices
from matcher.text import Understanding, description_share, name_similarity, understand

SAFETY_SLOTS = 2
"""Trafficking-victim services brought into the top results for a person controlled by someone."""
SAFETY_POSITION = 1
NAME_BONUS = 0.25
"""For a service whose name the person typed: enough to come first among services alike."""
TEXT_BONUS = 0.05
"""For a service whose description holds the person's words: a tie-breaker."""
PAPERS_BONUS = 0.05
"""For a service open to people without papers when the person's words say they may have none
(and no status was given): a preference, never a filter."""
MATCH_CUTOFF = 0.8
REQUIREMENTS = ("id_document", "health_insurance", "appointment", "professional_referral")
CONDITIONS = (
    "justice_cooperation_for_status",
    "exit_commitment_required",
    "police_complaint_required",
)
AUTHORITY_FIRST = frozenset({None, "unknown", "undocumented", "asylum_seeker"})
"""Statuses for whom authority sharing is the first caution (none stated counts as unknown)."""
CAUTION_ORDER = {code: n for n, code in enumerate(CAUTIONS)}


@dataclass(frozen=True, slots=True)
class Result:
    listing: Listing
    site: Site | None
    distance_km: float | None
    score: float
    matched_needs: tuple[str, ...]
    reasons: tuple[Message, ...]
    cautions: tuple[Message, ...]
    phones: tuple[Phone, ...] = ()
    """The numbers to give for this result (`Listing.phones_at` its site), labelled."""


@dataclass(frozen=True, slots=True)
class Ranking:
    results: tuple[Result, ...]
    notices: tuple[Notice, ...]
    unmet_needs: tuple[str, ...]
    total: int = 0
    """How many services match (in reach, eligible, meeting a need), shown or not."""


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


def areas_covering(index: Index, person: Person) -> Bools:
    """Per service-area set, whether it covers the person's place (all True without a place),
    then a last True for rows with no area."""
    covers = person.in_area
    if person.latitude is None or covers is None:
        return np.ones(len(index.area_sets) + 1, dtype=np.bool_)
    return np.array(
        [any(covers(area) for area in areas) for areas in index.area_sets] + [True], np.bool_
    )


def rows_in_reach(index: Index, person: Person, distance: Floats, area_ok: Bools) -> Bools:
    """Per row: physical rows within `max_distance_km`; remote rows, and sites with no point
    (confidential ones), whose areas cover the person, whatever the distance."""
    if person.latitude is None or person.in_area is None:
        return np.ones(len(index.row_service), dtype=np.bool_)
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


def _safety_rows(
    index: Index, usable_rows: Bools, scores: Floats, lowered: Bools, limit: int
) -> list[int]:
    """Trafficking-victim services for a controlled person: recognised centres first, lowered
    rows (unreachable, residents elsewhere) last."""
    trafficking = (index.needs & np.uint32(NEED_BIT["trafficking_support"])) != 0
    mask = usable_rows & trafficking[index.row_service]
    recognised = index.flags["recognised"][index.row_service].astype(np.float32)
    boosted = scores + recognised - np.float32(2) * lowered.astype(np.float32)
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
        cautions.append(message("to_check", items="eligibility"))
    elif status and status in welcome:
        reasons.append(message("welcomes_status", status=status))
    requires = listing.words("requires")
    if "residence_permit" in requires and not status:
        cautions.append(message("residence_permit_may_be_needed"))
    if "asylum_application" in requires:
        undocumented = status == "undocumented"
        cautions.append(message(f"asylum_application{'_undocumented' if undocumented else ''}"))
    cautions += [message(f"requires_{word}") for word in REQUIREMENTS if word in requires]
    conditions = listing.words("condition")
    for condition in CONDITIONS:
        if condition in conditions:
            cautions.append(message(condition))
    if "may_share_with_authorities" in listing.words("privacy"):
        cautions.append(message("may_share_with_authorities"))
    audience = listing.words("audience")
    if _victims_only(listing) and not person.controlled_by_someone:
        cautions.append(message("for_trafficking_victims"))
    groups = sorted(audience & set(GENDERS.values()))
    if groups and not GENDERS.get(person.gender or ""):
        cautions.append(message("audience_restricted", groups=",".join(groups)))
    offers = listing.words("offers")
    reasons += [message(word) for word in ("free", "anonymous") if word in offers]
    return reasons, cautions


def _victims_only(listing: Listing) -> bool:
    """Accommodation for victims of trafficking (the centres' shelters, Esperanto, Minor-Ndako):
    `audience.trafficking_victims` with `need.housing`. Their other services (support, legal
    help) and services that merely also serve victims carry no such caution."""
    return "trafficking_victims" in listing.words("audience") and "housing" in listing.needs


def _in_order(cautions: list[Message], status: str | None) -> tuple[Message, ...]:
    """Cautions ranked by what they mean (`CAUTIONS` order), authority sharing first for the
    statuses it matters most to; the generic "still to check" items merged into one, last."""
    items = {str(c.params["items"]) for c in cautions if c.code == "to_check"}
    kept = [c for c in cautions if c.code != "to_check"]
    authority_first = status in AUTHORITY_FIRST

    def rank_of(caution: Message) -> int:
        if caution.code == "may_share_with_authorities" and not authority_first:
            return CAUTION_ORDER["stance_exit_focused"]
        return CAUTION_ORDER[caution.code]

    kept.sort(key=rank_of)
    if items:
        kept.append(message("to_check", items=",".join(i for i in TO_CHECK if i in items)))
    return tuple(kept)


def _result(
    query: Query, row: int, score: float, *, promoted: Message | None, papers: bool = False
) -> Result:
    index = query.index
    service = int(index.row_service[row])
    listing = index.listings[service]
    reasons: list[Message] = [promoted] if promoted else []
    cautions: list[Message] = []
    if index.flags["recognised"][service] and query.person.controlled_by_someone:
        reasons.append(message("recognised_trafficking_centre"))
    for criterion in CRITERIA:
        explained = criterion.explain(query, listing, service, row)
        reasons += explained.reasons
        cautions += explained.cautions
    more_reasons, more_cautions = _eligibility(query, listing)
    if papers:
        more_reasons.insert(0, message("welcomes_status", status="undocumented"))
    if row in query.text_rows:
        reasons.append(message("matches_text"))
    site_number = int(index.row_site[row])
    site = listing.sites[site_number] if site_number >= 0 else None
    phones = listing.phones_at(site)
    if phones and not any(phone.confirmed for phone in phones):
        more_cautions.append(message("to_check", items="phone"))
    distance = float(query.distance[row])
    return Result(
        listing=listing,
        site=site,
        distance_km=None if np.isnan(distance) else distance,
        score=round(min(max(score, 0.0), 1.0), 3),
        matched_needs=tuple(need for need in query.needs if need in listing.needs),
        reasons=tuple(reasons + more_reasons),
        cautions=_in_order(
            cautions + more_cautions + lowering_cautions(query, listing, row),
            query.person.known_status,
        ),
        phones=phones,
    )


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


def _prefer_open(person: Person, understood: Understanding) -> bool:
    """The person's words say they may have no papers, and they gave no status (a stated one
    decides; the words never set it)."""
    return understood.without_papers and not person.known_status


def _open_without_papers(index: Index, rows: list[int]) -> set[int]:
    """Rows of the shortlist whose service says it is open to people without papers."""
    return {
        r
        for r in rows
        if "undocumented" in index.listings[int(index.row_service[r])].words("welcome")
    }


def matching_services(index: Index, matching_rows: Bools, chosen: Sequence[int]) -> int:
    """Distinct services among the matching rows and the rows chosen (safety-added ones too)."""
    services = np.zeros(index.size, dtype=np.bool_)
    services[index.row_service[matching_rows]] = True
    services[index.row_service[np.asarray(chosen, dtype=np.int64)]] = True
    return int(services.sum())


def rank(index: Index, person: Person, *, now: datetime) -> Ranking:
    """The best services for `person`, explained, with safety notices and unmet needs."""
    understood = understand(person.text)
    needs = tuple(dict.fromkeys((*person.needs, *understood.needs)))
    rows = index.row_service
    if person.latitude is not None and person.longitude is not None:
        distance = index.distances_km(person.latitude, person.longitude)
    else:
        distance = np.full(len(rows), np.nan, dtype=np.float32)
    area_ok = areas_covering(index, person)
    query = Query(
        index, person, now, needs, distance, open_now=open_now(index, person.now), area_ok=area_ok
    )
    eligible = eligible_services(index, person)
    usable_rows = eligible[rows] & rows_in_reach(index, person, distance, area_ok)
    scores = total_scores(query)
    lowered = lowered_rows(query)
    lower(query, scores, lowered)
    wanted = np.uint32(query.wanted_bits)
    meets = (index.row_needs & wanted) != 0 if needs else np.ones(len(rows), np.bool_)
    limit = person.limit
    candidates = list(best_rows(scores, usable_rows & meets, 3 * limit + 10))
    for need in needs if len(needs) > 1 else ():
        need_rows = usable_rows & ((index.row_needs & np.uint32(NEED_BIT[need])) != 0)
        candidates += list(best_rows(scores, need_rows, limit + 5))
    adjusted = scores.copy()
    texts = _text_matches(query, candidates)
    papers = _open_without_papers(index, candidates) if _prefer_open(person, understood) else set()
    for row, bonus in texts.items():
        adjusted[row] = min(1.0, adjusted[row] + bonus)
    for row in papers:
        adjusted[row] = min(1.0, adjusted[row] + PAPERS_BONUS)
    query.text_rows = frozenset(texts)
    ranked, firsts = _diversify(index, needs, _one_per_service(index, candidates, adjusted))
    ranked = below_peers(index, ranked, lowered, query.wanted_bits)
    added: list[int] = []
    if person.controlled_by_someone:
        added = _safety_rows(index, usable_rows, scores, lowered, SAFETY_SLOTS)
    chosen = _place(ranked, added, limit)
    why = {row: message("first_for_need", need=need) for row, need in firsts.items()}
    why |= {row: message("safety_moved_up") for row in added}
    promoted = _promotions(chosen, adjusted, lowered, why)
    for row in added:
        if not meets[row]:  # outside the person's needs: always says so
            promoted[row] = message("safety_added")
    results = tuple(
        _result(query, row, float(adjusted[row]), promoted=promoted.get(row), papers=row in papers)
        for row in chosen
    )
    covered = int(np.bitwise_or.reduce(index.row_needs[usable_rows])) if needs else 0
    unmet = tuple(need for need in needs if not covered & NEED_BIT[need])
    notices: tuple[Notice, ...] = ()
    if person.in_danger_now or person.controlled_by_someone or person.minor:
        usable_services = np.zeros(index.size, dtype=np.bool_)
        usable_services[rows[usable_rows]] = True
        notices = tuple(
            safety_notices(
                index,
                person,
                usable_services,
                eligible=eligible,
                distance=distance,
                opened=query.open_now,
            )
        )
    total = matching_services(index, usable_rows & meets, chosen)
    return Ranking(results, notices, unmet, total)
