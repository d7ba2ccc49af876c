"""One ranked result and its words: the reasons and cautions of the criteria that scored it,
the rules that let it through, the lowering that moved it down, in the order a result gives
them."""

from dataclasses import dataclass

import numpy as np

from directory.taxonomy import DocumentationStatus
from matcher.accessibility import explain_accessibility
from matcher.criteria import CRITERIA
from matcher.eligibility import explain_eligibility
from matcher.listing import Listing, Phone, Site
from matcher.lowering import lowering_cautions
from matcher.messages import CAUTIONS, TO_CHECK, CautionCode, Message, ReasonCode, message
from matcher.query import Query

AUTHORITY_FIRST = frozenset(
    {
        None,
        DocumentationStatus.unknown,
        DocumentationStatus.undocumented,
        DocumentationStatus.asylum_seeker,
    }
)
"""Statuses for whom authority sharing is the first caution (none stated counts as unknown)."""
CAUTION_ORDER: dict[str, int] = {code.value: n for n, code in enumerate(CAUTIONS)}


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


def result(
    query: Query, row: int, score: float, *, promoted: Message | None, papers: bool = False
) -> Result:
    """Row `row` as a result: `promoted` says why it stands above better-scored rows;
    `papers`: preferred as open to people without papers (the person's words)."""
    index = query.index
    service = int(index.row_service[row])
    listing = index.listings[service]
    reasons: list[Message] = [promoted] if promoted else []
    cautions: list[Message] = []
    if index.flags["recognised"][service] and query.person.controlled_by_someone:
        reasons.append(message(ReasonCode.RECOGNISED_TRAFFICKING_CENTRE))
    for criterion in CRITERIA:
        explained = criterion.explain(query, listing, service, row)
        reasons += explained.reasons
        cautions += explained.cautions
    if row in query.text_rows:
        reasons.append(message(ReasonCode.MATCHES_TEXT))
    if papers:
        reasons.append(
            message(ReasonCode.WELCOMES_STATUS, status=DocumentationStatus.undocumented.value)
        )
    for explained in (explain_eligibility(query, listing), explain_accessibility(query, row)):
        reasons += explained.reasons
        cautions += explained.cautions
    site_number = int(index.row_site[row])
    site = listing.sites[site_number] if site_number >= 0 else None
    phones = listing.phones_at(site)
    if phones and not any(phone.confirmed for phone in phones):
        cautions.append(message(CautionCode.TO_CHECK, items="phone"))
    distance = float(query.distance[row])
    return Result(
        listing=listing,
        site=site,
        distance_km=None if np.isnan(distance) else distance,
        score=round(min(max(score, 0.0), 1.0), 3),
        matched_needs=tuple(need for need in query.needs if need in listing.needs),
        reasons=tuple(reasons),
        cautions=in_order(
            cautions + lowering_cautions(query, listing, row), query.person.known_status
        ),
        phones=phones,
    )


def in_order(cautions: list[Message], status: str | None) -> tuple[Message, ...]:
    """Cautions ranked by what they mean (`CAUTIONS` order), authority sharing first for the
    statuses it matters most to; the generic "still to check" items merged into one, last."""
    items = {str(c.params["items"]) for c in cautions if c.code == CautionCode.TO_CHECK}
    kept = [c for c in cautions if c.code != CautionCode.TO_CHECK]
    authority_first = status in AUTHORITY_FIRST

    def rank_of(caution: Message) -> int:
        if caution.code == CautionCode.MAY_SHARE_WITH_AUTHORITIES and not authority_first:
            return CAUTION_ORDER[CautionCode.STANCE_EXIT_FOCUSED]
        return CAUTION_ORDER[caution.code]

    kept.sort(key=rank_of)
    if items:
        kept.append(
            message(CautionCode.TO_CHECK, items=",".join(i for i in TO_CHECK if i in items))
        )
    return tuple(kept)
