"""Safety notices, calm and correct: one emergency block (112, then 101) for a person in danger,
then at most `MAX_LINES` helplines in a language the person speaks; a minor's notice with a line
for young people; for a person controlled by someone, the nearest recognised centre for victims
of trafficking (all of them when no place is given), then a trafficking line after it.

Every line's phone, name, hours and scope come from the directory; the only numbers written here
are the EU emergency number and the Belgian police. No phone is given twice. A line that may pass
information to the authorities is never offered as a helpline (a reporting line comes after the
recognised centre, with its caution), except a line for young people to a minor."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from directory.emergency_numbers import EMERGENCY_NUMBER, POLICE_NUMBER
from directory.taxonomy import OFFERS_OPEN_24_7, PRIVACY_MAY_SHARE_WITH_AUTHORITIES
from matcher.index import NEED_BIT, Bools, Floats, Index
from matcher.listing import Listing, Opening
from matcher.messages import Message, Notice, NoticeCode, NoticeKind, message
from matcher.person import Person

MAX_LINES = 3
"""Lines named after the emergency block, all notices together (the recognised centres listed
for a person with no place apart: all of them are named)."""
WHOLE_DAY = 24 * 60
ALL_WEEK = frozenset(range(7))

Ints = npt.NDArray[np.int64]


def line_name(listing: Listing) -> str:
    """What a line is called in a notice: the organisation's name when the service's name starts
    with it ("Tele-Onthaal 106 - listening line (Dutch)" -> "Tele-Onthaal"), else the service's."""
    organization = listing.organization_name.strip()
    if organization and listing.name.startswith(organization) and " - " in listing.name:
        return organization
    return listing.name


def schedule_text(listing: Listing) -> str:
    """The line's structured hours, as `24/7` or `days@opens-closes` items joined by `;` (days
    0 = Monday, minutes since midnight), for the reader's language to spell out; empty when the
    directory has no structured hours and no day-and-night code."""
    if OFFERS_OPEN_24_7 in listing.codes or _day_and_night(listing.openings):
        return "24/7"
    return ";".join(
        f"{','.join(str(day) for day in sorted(o.days))}@{o.opens}-{o.closes}"
        for o in listing.openings
    )


def _day_and_night(openings: Sequence[Opening]) -> bool:
    whole = {day for o in openings if o.opens == 0 and o.closes >= WHOLE_DAY for day in o.days}
    return whole == ALL_WEEK


def line_details(listing: Listing) -> dict[str, str]:
    """A line's name, hours (structured, else its own words) and scope (languages, areas)."""
    schedule = schedule_text(listing)
    return {
        "name": line_name(listing),
        "schedule": schedule,
        "hours": "" if schedule else (listing.hours or ""),
        "languages": ",".join(listing.languages),
        "areas": ",".join(listing.service_areas),
    }


def _line_notice(kind: NoticeKind, text: Message, listing: Listing | None) -> Notice:
    """A notice naming a line of the directory, with its best phone and whether it is confirmed."""
    phone = listing.best_phone if listing else None
    if phone is None:
        return Notice(kind, text)
    assert listing is not None
    return Notice(kind, text, phone.number, phone_confirmed=phone.confirmed, service_id=listing.id)


class Lines:
    """The lines of the directory a person may be given, and the phones already given."""

    def __init__(self, index: Index, person: Person, usable: Bools, opened: Bools) -> None:
        self.index, self.person, self.usable, self.opened = index, person, usable, opened
        self.given: set[str] = set()
        self.positions: dict[str, int] = {}
        """The position in the index of each listing offered so far, by id."""
        self.named: dict[str, int] = {}
        """The services whose line a notice names, by id: their position in the index."""

    def ordered(self, *needs: str) -> Ints:
        """Every line (crisis_line plus `needs`) the person can use, best first: lines for young
        people only first for a minor and last for anyone else, then lines in a language the
        person speaks, then lines open now (day and night, or by their hours) before those
        closed now, recognised centres first for trafficking, day and night before the rest."""
        index, person = self.index, self.person
        bits = np.uint32(sum(NEED_BIT[need] for need in ("crisis_line", *needs)))
        lines = self.usable & ((index.needs & bits) == bits) & index.flags["own_phone"]
        found: Ints = np.flatnonzero(lines)
        spoken = person.spoken
        # unstated languages are no evidence of speaking the person's: ranked as not speaking it
        not_spoken = ~index.speaks(spoken)[found] if spoken else np.zeros(len(found), np.bool_)
        youth_only = index.flags["youth_only"][found]
        not_for_them = ~youth_only if person.minor else youth_only
        if "trafficking_support" in needs:
            not_recognised = ~index.flags["recognised"][found]
        else:
            not_recognised = np.zeros(len(found), np.bool_)
        always = index.flags["open_24_7"][found]
        closed = ~always & ~self.opened[found] & self._scheduled()[found]
        keys = (~always, not_recognised, closed, not_spoken, not_for_them)  # last key first
        ordered: Ints = found[np.lexsort(keys)]
        return ordered

    def _scheduled(self) -> Bools:
        scheduled = np.zeros(self.index.size, np.bool_)
        if self.person.now is not None:  # "closed now" is judged only when the time is known
            scheduled[self.index.with_openings] = True
        return scheduled

    def fresh(self, candidates: Ints) -> list[Listing]:
        """The candidates whose phone has not been given yet, in order."""
        seen = set(self.given)
        chosen = []
        for n in candidates:
            listing = self.index.listings[int(n)]
            phone = listing.best_phone
            if phone is not None and phone.number not in seen:
                seen.add(phone.number)
                chosen.append(listing)
                self.positions[listing.id] = int(n)
        return chosen

    def give(self, listing: Listing | None) -> Listing | None:
        if listing is not None and listing.best_phone is not None:
            self.given.add(listing.best_phone.number)
            self.named[listing.id] = self.positions[listing.id]
        return listing

    def helplines(self) -> Ints:
        """Lines for a person in danger: never one that may pass information to the
        authorities, except a line for young people to a minor."""
        found = self.ordered()
        shares = self.index.flags["shares"][found]
        if self.person.minor:
            shares &= ~self.index.flags["youth_only"][found]
        kept: Ints = found[~shares]
        return kept


def safety_notices(
    index: Index,
    person: Person,
    usable: Bools,
    *,
    eligible: Bools | None = None,
    distance: Floats | None = None,
    opened: Bools | None = None,
) -> tuple[list[Notice], list[int]]:
    """Notices for this person, and the services whose line they name (positions in the
    index). Per service: `usable` marks those that pass the hard filters and are in reach,
    `eligible` those that pass the hard filters (a recognised centre is named even out of
    reach), `opened` those open now; `distance` is per row (NaN without a point)."""
    opened = opened if opened is not None else np.zeros(index.size, np.bool_)
    lines = Lines(index, person, usable, opened)
    notices: list[Notice] = []
    if person.in_danger_now:
        notices.append(
            Notice(
                "emergency",
                message(NoticeCode.EMERGENCY_NUMBER, phone=EMERGENCY_NUMBER),
                EMERGENCY_NUMBER,
            )
        )
        notices.append(
            Notice(
                "emergency", message(NoticeCode.POLICE_NUMBER, phone=POLICE_NUMBER), POLICE_NUMBER
            )
        )
    named: list[Notice] = []
    if person.controlled_by_someone:  # first served: a minor's youth line may be its line
        named += _trafficking_notices(lines, eligible if eligible is not None else usable, distance)
    if person.minor:
        named.insert(0, _minor_notice(lines))
    if person.in_danger_now:
        room = MAX_LINES - sum(1 for notice in named if notice.phone)
        for line in lines.fresh(lines.helplines())[: max(0, room)]:
            lines.give(line)
            named.append(
                _line_notice(
                    "helpline", message(NoticeCode.CRISIS_LINE, **line_details(line)), line
                )
            )
    return [*notices, *named], sorted(lines.named.values())


def _minor_notice(lines: Lines) -> Notice:
    """The minor's notice, with the best line for young people (day and night first)."""
    index = lines.index
    found = lines.ordered()
    young = found[index.flags["minors"][found]]
    young = young[np.argsort(~index.flags["open_24_7"][young], kind="stable")]  # 24/7 first
    fresh = lines.fresh(young)
    line = lines.give(fresh[0] if fresh else None)
    if line is None:
        return Notice("minor", message(NoticeCode.MINOR))
    return _line_notice("minor", message(NoticeCode.MINOR_LINE, **line_details(line)), line)


def _trafficking_notices(lines: Lines, eligible: Bools, distance: Floats | None) -> list[Notice]:
    """The nearest recognised centre (all of them without a place), then one trafficking line:
    a line for young people for a minor, else a reporting line with its justice caution."""
    index, person = lines.index, lines.person
    found_centres = _centres(index, eligible, distance if person.located else None)
    lines.positions |= {index.listings[n].id: n for n in found_centres}
    centres = [index.listings[n] for n in found_centres]
    notices: list[Notice] = []
    if len(centres) == 1:
        centre = lines.give(centres[0])
        text = message(
            NoticeCode.TRAFFICKING_CENTRE, place=_place(centres[0]), **line_details(centres[0])
        )
        notices.append(_line_notice("trafficking", text, centre))
    elif centres:
        notices.append(Notice("trafficking", message(NoticeCode.TRAFFICKING_CENTRES)))
        for centre in centres:
            lines.give(centre)
            text = message(
                NoticeCode.TRAFFICKING_CENTRE_LISTED, place=_place(centre), name=line_name(centre)
            )
            notices.append(_line_notice("trafficking", text, centre))
    else:
        notices.append(Notice("trafficking", message(NoticeCode.TRAFFICKING)))
    found = lines.ordered("trafficking_support")
    found = found[~index.flags["recognised"][found]]
    if not person.minor:
        found = found[~index.flags["youth_only"][found]]
    fresh = lines.fresh(found)
    if fresh:
        line = lines.give(fresh[0])
        assert line is not None
        shares = PRIVACY_MAY_SHARE_WITH_AUTHORITIES in line.codes
        report = shares and not person.minor
        code = NoticeCode.TRAFFICKING_REPORT_LINE if report else NoticeCode.TRAFFICKING_LINE
        notices.append(_line_notice("trafficking", message(code, **line_details(line)), line))
    return notices


def _centres(index: Index, eligible: Bools, distance: Floats | None) -> list[int]:
    """One service per recognised centre, with a phone and a public address if it has one: the
    nearest only when the person's place is known and some centre has a point."""
    best: dict[str, int] = {}
    for n in np.flatnonzero(eligible & index.flags["recognised"] & index.flags["own_phone"]):
        listing = index.listings[int(n)]
        kept = best.get(listing.organization_id)
        if kept is None or (_place(listing) and not _place(index.listings[kept])):
            best[listing.organization_id] = int(n)
    chosen = sorted(best.values(), key=lambda n: index.listings[n].organization_name.casefold())
    if distance is not None and chosen:
        near = {org: _nearest(index, org, distance) for org in best}
        located = [n for n in chosen if np.isfinite(near[index.listings[n].organization_id])]
        if located:
            return [min(located, key=lambda n: near[index.listings[n].organization_id])]
    return chosen


def _nearest(index: Index, organization_id: str, distance: Floats) -> float:
    """The distance to the organisation's nearest site with a point (inf without one)."""
    rows = np.flatnonzero(index.flags["recognised"][index.row_service] & index.located)
    own = [
        row
        for row in rows
        if index.listings[int(index.row_service[row])].organization_id == organization_id
    ]
    return float(np.min(distance[own])) if own else float("inf")


def _place(listing: Listing) -> str:
    """The municipality of the service's first public site ("" when it has none)."""
    for site in listing.sites:
        if not site.confidential and site.municipality:
            return site.municipality
    return ""
