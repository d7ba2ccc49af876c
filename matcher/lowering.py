"""Services that rank lower for one person, each with the caution that says why.

- Authority sharing (`privacy.may_share_with_authorities`) lowers the score for an undocumented
  person, never for helplines (`need.crisis_line`, Child Focus among them) nor, for a minor, for
  child protection: a service for minors (`audience.minors`) that is not accommodation
  (`need.housing`), such as the guardianship service; a safe house or reception that also takes
  minors is still lowered.
- A residents-only service (`requires.residence_in_area`) whose areas do not cover the person's
  place ranks below the others meeting the same need: the place searched from is no proof of
  where someone lives, so it is never excluded.
- A service nobody can reach (no phone, e-mail, web address or public address, and no line it is
  reached through) ranks below the reachable ones meeting the same need; never dropped.
"""

from collections.abc import Sequence

import numpy as np

from directory.taxonomy import DocumentationStatus
from matcher.index import NEED_BIT, Bools, Floats, Index
from matcher.listing import Listing
from matcher.messages import CautionCode, Message, message
from matcher.query import Query

AUTHORITY_FACTOR = 0.6
LOWERED_FACTOR = 0.7
"""Scores of lowered rows are scaled too, so that the order mostly follows the scores; the
order itself is settled by `below_peers`."""


def authority_penalised(query: Query) -> Bools | None:
    """Per service: shares with authorities, and the person is undocumented (exemptions above);
    None when no service is."""
    index = query.index
    person = query.person
    if person.known_status != DocumentationStatus.undocumented or not index.any_flag["shares"]:
        return None
    helpline = (index.needs & np.uint32(NEED_BIT["crisis_line"])) != 0
    accommodation = (index.needs & np.uint32(NEED_BIT["housing"])) != 0
    child_protection = index.flags["minors"] & ~accommodation
    exempt = helpline | child_protection if person.minor else helpline
    penalised: Bools = index.flags["shares"] & ~exempt
    return penalised


def outside_area(query: Query) -> Bools | None:
    """Per row: residents only, and none of its areas covers the person's place; None when no
    row is residents only."""
    index = query.index
    if not index.any_flag["residents_only"]:
        return None
    residents = index.flags["residents_only"][index.row_service]
    outside: Bools = residents & ~query.area_ok[index.row_area_set]
    return outside


def lowered_rows(query: Query) -> Bools:
    """Per row: ranks below the rows of other services meeting the same need."""
    outside = outside_area(query)
    unreachable = query.index.unreachable_row
    return unreachable if outside is None else unreachable | outside


def lower(query: Query, scores: Floats, lowered: Bools) -> None:
    """Scale, in place, the scores of lowered rows and of services penalised for sharing."""
    penalised = authority_penalised(query)
    if penalised is not None:
        scores[penalised[query.index.row_service]] *= np.float32(AUTHORITY_FACTOR)
    scores[lowered] *= np.float32(LOWERED_FACTOR)


def below_peers(index: Index, ranked: Sequence[int], lowered: Bools, wanted: int) -> list[int]:
    """`ranked` with every lowered row moved just below the last row it must not precede: a row
    not lowered that meets one of the same wanted needs (any row, when no need is given)."""
    order = list(ranked)
    for row in [r for r in ranked if lowered[r]]:
        shared = int(index.row_needs[row]) & wanted if wanted else -1
        peers = [
            n
            for n, other in enumerate(order)
            if not lowered[other] and (not wanted or int(index.row_needs[other]) & shared)
        ]
        if peers and peers[-1] > order.index(row):
            order.remove(row)
            order.insert(peers[-1], row)
    return order


def lowering_cautions(query: Query, listing: Listing, row: int) -> list[Message]:
    """The cautions of residents-only and unreachable services (authority sharing is one of
    the eligibility cautions: it is shown whether or not it lowers the rank)."""
    cautions: list[Message] = []
    if "residence_in_area" in listing.words("requires") and listing.service_areas:
        cautions.append(
            message(CautionCode.RESIDENCE_IN_AREA, area=", ".join(listing.service_areas))
        )
    if not listing.reachable:
        cautions.append(_unreachable(listing))
    return cautions


def _unreachable(listing: Listing) -> Message:
    """How else to reach a service with no contact details, when the data says so."""
    if "outreach" in listing.words("offers"):
        return message(CautionCode.UNREACHABLE_OUTREACH)
    if "professional_referral" in listing.words("requires"):
        return message(CautionCode.UNREACHABLE_REFERRAL)
    return message(CautionCode.UNREACHABLE)
