"""One class per ranking criterion: the vectorised score (0..1) and the reasons for one result
come from the same class, so that an explanation always says what the score used; `explain`
reads the index arrays `score` read (shared per query through `Query.once`). The goal is the
one exception by rule: it may weigh needs in the score, never in the words (DESIGN)."""

from datetime import datetime

import numpy as np

from matcher.index import NEED_BIT, Bools, Floats, Index, days_since_epoch
from matcher.listing import Listing, region_of_areas
from matcher.messages import CautionCode, Message, ReasonCode, message
from matcher.query import Explained, Query

REMOTE_SCORE = 0.9
"""A remote service ranks like one a short walk away (about 1.5 km)."""
REGIONAL_SCORE = 0.5
"""A site with no point, in reach through its areas, ranks like one about 10 km away."""
DISTANCE_SCALE_KM = 15.0
FRESH_BEDS_SECONDS = 48 * 3600
UNVERIFIED_MONTHS = 12.0
"""A record nobody has confirmed ranks like one confirmed 12 months ago."""
STALE_MONTHS = 24.0
STALE_FACTOR = 0.75
"""Records older than `STALE_MONTHS` rank well below fresh ones: their total is multiplied."""


class Criterion:
    """Scores per service (or per row when `per_row`), weighted; explains one result."""

    per_row = False

    def weight(self, query: Query) -> float:
        return 1.0

    def score(self, query: Query) -> Floats:
        raise NotImplementedError

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        return Explained([], [])


class Distance(Criterion):
    per_row = True

    def weight(self, query: Query) -> float:
        return 2.0

    def score(self, query: Query) -> Floats:
        index = query.index
        if query.person.located:
            # rows without coordinates (NaN distance) score 0.3
            near = np.exp(query.distance * np.float32(-1 / DISTANCE_SCALE_KM))
            score: Floats = np.where(index.located, near, np.float32(0.3))
        else:
            score = np.full(len(index.row_service), 0.5, dtype=np.float32)
        score[index.regional_row] = np.float32(REGIONAL_SCORE)
        score[index.remote_row] = np.float32(REMOTE_SCORE)
        return score

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        site_number = int(query.index.row_site[row])
        if query.index.remote_row[row]:
            return Explained([message(ReasonCode.REMOTE)], [])
        if site_number < 0:
            return Explained([], [])
        site = listing.sites[site_number]
        cautions = [message(CautionCode.ADDRESS_CONFIDENTIAL)] if site.confidential else []
        if query.index.regional_row[row]:
            # a confidential site with no point: its region at most, never a town or a distance
            where = site.region or region_of_areas(listing.service_areas)
            region = [message(ReasonCode.IN_REGION, region=where)] if where else []
            return Explained(region, cautions)
        distance = float(query.distance[row])
        if site.approximate:
            # a centroid: "in Liège" when the town is known, never a precise-looking distance
            place = (
                [message(ReasonCode.IN_PLACE, place=site.municipality)] if site.municipality else []
            )
            return Explained(place, cautions)
        if np.isnan(distance):
            return Explained([], cautions)
        km = float(round(distance)) if site.confidential else round(distance, 1)
        return Explained([message(ReasonCode.DISTANCE, km=km)], cautions)


class Language(Criterion):
    def weight(self, query: Query) -> float:
        return 1.5 if query.person.languages else 0.0

    def score(self, query: Query) -> Floats:
        score: Floats = np.where(_speaks(query), np.float32(1.0), query.index.interpretation_score)
        return score

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        index, languages = query.index, query.person.languages
        if not languages:
            return Explained([], [])
        if _speaks(query)[service]:
            code = next(code for code in languages if _speaks_at(index, service, code))
            return Explained([message(ReasonCode.SPEAKS, language=code)], [])
        if index.flags["interpretation"][service]:
            return Explained([message(ReasonCode.INTERPRETATION)], [])
        return Explained([], [])


def _speaks(query: Query) -> Bools:
    """Per service: speaks one of the person's languages."""
    return query.once("speaks", lambda: query.index.speaks(query.person.languages))


def _speaks_at(index: Index, service: int, code: str) -> bool:
    """Whether one service speaks one language, read in the index's language columns."""
    bit = index.language_bit.get(code)
    if bit is not None:
        return bool(index.languages[service] & np.uint64(bit))
    rare = index.rare_languages.get(code)
    return rare is not None and bool(rare[service])


class Needs(Criterion):
    def weight(self, query: Query) -> float:
        return 3.0

    def score(self, query: Query) -> Floats:
        index = query.index
        if not query.needs:
            crisis = (index.needs & np.uint32(NEED_BIT["crisis_line"])) != 0
            return np.where(crisis, 1.0, 0.5).astype(np.float32)
        met: Floats = np.bitwise_count(index.needs & np.uint32(query.wanted_bits)).astype(
            np.float32
        )
        return met / np.float32(len(query.needs))

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        needs = int(query.index.needs[service])
        met = [need for need in query.needs if needs & NEED_BIT[need]]
        return Explained([message(ReasonCode.MEETS_NEED, need=need) for need in met], [])


class Goal(Criterion):
    """The goal may weigh the needs in the score (`goal_fit`); the words say only the service's
    stance as its data states it (`approach.`, or `need.exit_programme` for leaving)."""

    def weight(self, query: Query) -> float:
        return 1.0 if query.person.goal else 0.0

    def score(self, query: Query) -> Floats:
        fit: Floats = query.index.fit[query.person.goal or "undecided"]
        return fit

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        approach = listing.words("approach")
        reasons: list[Message] = []
        cautions: list[Message] = []
        if "exit_focused" in approach and query.person.goal in ("stay_safer", "undecided"):
            cautions.append(message(CautionCode.STANCE_EXIT_FOCUSED))
        elif "exit_focused" in approach or "exit_programme" in listing.needs:
            reasons.append(message(ReasonCode.STANCE_EXIT))
        if "rights_based" in approach and "sex_workers" in listing.words("audience"):
            reasons.append(message(ReasonCode.STANCE_RIGHTS_BASED))
        return Explained(reasons, cautions)


def months_old(index: Index, now: datetime) -> Floats:
    """Per service, months since last verified (unverified: `UNVERIFIED_MONTHS`)."""
    today = days_since_epoch(now)

    def compute() -> Floats:
        months = (np.float32(today) - index.assured_day) / np.float32(30.44)
        filled: Floats = np.where(np.isnan(months), np.float32(UNVERIFIED_MONTHS), months)
        return filled

    return index.daily("months", today, compute)


class Freshness(Criterion):
    def score(self, query: Query) -> Floats:
        months = months_old(query.index, query.now)

        def compute() -> Floats:
            score: Floats = np.clip(1.0 - months / np.float32(30.0), 0.1, 1.0).astype(np.float32)
            return score

        return query.index.daily("freshness", days_since_epoch(query.now), compute)

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        """A record never confirmed is to check; one confirmed `UNVERIFIED_MONTHS` ago or more
        says how long ago (so does every record the stale factor scales down)."""
        if np.isnan(query.index.assured_day[service]):
            return Explained([], [message(CautionCode.TO_CHECK, items="listing")])
        months = int(months_old(query.index, query.now)[service])
        if months >= UNVERIFIED_MONTHS:
            return Explained([], [message(CautionCode.VERIFIED_MONTHS_AGO, months=months)])
        return Explained([], [])


def fresh_beds(index: Index, now: datetime) -> Bools:
    age = np.float64(now.timestamp()) - index.beds_time
    fresh: Bools = (age <= FRESH_BEDS_SECONDS) & ~np.isnan(index.beds)
    return fresh


class Capacity(Criterion):
    def weight(self, query: Query) -> float:
        return 0.5 if {"emergency_shelter", "housing"} & set(query.needs) else 0.0

    def score(self, query: Query) -> Floats:
        fresh = _fresh_beds(query)
        free_beds = query.index.beds > 0  # False for NaN (unknown)
        return np.where(fresh, np.where(free_beds, 1.0, 0.0), 0.5).astype(np.float32)

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        if not _fresh_beds(query)[service]:
            return Explained([], [])
        beds = int(query.index.beds[service])
        if beds > 0:
            return Explained([message(ReasonCode.BEDS_AVAILABLE, beds=beds)], [])
        return Explained([], [message(CautionCode.NO_BEDS)])


def _fresh_beds(query: Query) -> Bools:
    return query.once("fresh_beds", lambda: fresh_beds(query.index, query.now))


class OpenNow(Criterion):
    """Only when the person is in danger now: reachable right now matters most."""

    def weight(self, query: Query) -> float:
        return 1.5 if query.person.in_danger_now else 0.0

    def score(self, query: Query) -> Floats:
        always = query.index.flags["open_24_7"]
        return np.where(always, 1.0, np.where(query.open_now, 0.9, 0.4)).astype(np.float32)

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        if not query.person.in_danger_now:
            return Explained([], [])
        if query.index.flags["open_24_7"][service]:
            return Explained([message(ReasonCode.OPEN_24_7)], [])
        if query.open_now[service]:
            return Explained([message(ReasonCode.OPEN_NOW)], [])
        return Explained([], [])


class Minors(Criterion):
    def weight(self, query: Query) -> float:
        return 1.0 if query.person.minor else 0.0

    def score(self, query: Query) -> Floats:
        return np.where(query.index.flags["minors"], 1.0, 0.3).astype(np.float32)

    def explain(self, query: Query, listing: Listing, service: int, row: int) -> Explained:
        if self.weight(query) and query.index.flags["minors"][service]:
            return Explained([message(ReasonCode.FOR_MINORS)], [])
        return Explained([], [])


CRITERIA: tuple[Criterion, ...] = (
    Needs(),
    Distance(),
    Language(),
    Goal(),
    Freshness(),
    Capacity(),
    OpenNow(),
    Minors(),
)


def total_scores(query: Query) -> Floats:
    """Per row, the weighted mean of every criterion, 0..1 (stale records scaled down)."""
    index = query.index
    per_service = np.zeros(index.size, dtype=np.float32)
    per_row: Floats | None = None
    weights = 0.0
    for criterion in CRITERIA:
        weight = criterion.weight(query)
        if not weight:
            continue
        weighted = np.float32(weight) * criterion.score(query)
        if criterion.per_row:
            per_row = weighted if per_row is None else per_row + weighted
        else:
            per_service += weighted
        weights += weight
    total = per_service[index.row_service]
    if per_row is not None:
        total += per_row
    total *= _row_factor(query) * np.float32(1 / weights)
    clipped: Floats = np.clip(total, 0.0, 1.0, out=total)
    return clipped


def _row_factor(query: Query) -> Floats:
    """Per row, `STALE_FACTOR` for records older than `STALE_MONTHS`, else 1."""
    index = query.index
    months = months_old(index, query.now)

    def compute() -> Floats:
        stale = months[index.row_service] > STALE_MONTHS
        factor: Floats = np.where(stale, np.float32(STALE_FACTOR), np.float32(1.0))
        return factor

    return index.daily("row_factor", days_since_epoch(query.now), compute)
