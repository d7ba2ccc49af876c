"""Safety notices: emergency numbers first for a person in danger, a trafficking notice for a
person controlled by someone, a minor's notice. Phones of helplines come from the directory;
the only numbers written here are the EU emergency number and the Belgian police."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from directory.emergency_numbers import EMERGENCY_NUMBER, POLICE_NUMBER
from matcher.index import NEED_BIT, Bools, Index
from matcher.listing import Listing
from matcher.messages import Message, Notice, NoticeKind, message
from matcher.person import Person

MAX_CRISIS_NOTICES = 3


def _line_notice(kind: NoticeKind, text: Message, listing: Listing | None) -> Notice:
    """A notice naming a line of the directory, with its best phone and whether it is confirmed."""
    phone = listing.best_phone if listing else None
    if phone is None:
        return Notice(kind, text)
    return Notice(kind, text, phone.number, phone_confirmed=phone.confirmed)


def _lines(index: Index, usable: Bools, person: Person, *needs: str) -> npt.NDArray[np.int64]:
    """Every helpline (crisis_line plus `needs`) the person can use, best first: lines for young
    people only first for a minor and last for anyone else, then lines in a language the person
    speaks, recognised centres first for trafficking, day and night before office hours."""
    bits = np.uint32(sum(NEED_BIT[need] for need in ("crisis_line", *needs)))
    lines = usable & ((index.needs & bits) == bits) & index.flags["own_phone"]
    found = np.flatnonzero(lines)
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
    order = np.lexsort((~always, not_recognised, not_spoken, not_for_them))  # last key first
    ordered: npt.NDArray[np.int64] = found[order]
    return ordered


def safety_notices(index: Index, person: Person, usable: Bools) -> Sequence[Notice]:
    """Notices for this person; `usable` marks the services that pass the hard filters and are
    in reach."""
    notices: list[Notice] = []
    if person.in_danger_now:
        notices.append(
            Notice(
                "emergency", message("emergency_number", phone=EMERGENCY_NUMBER), EMERGENCY_NUMBER
            )
        )
        notices.append(
            Notice("emergency", message("police_number", phone=POLICE_NUMBER), POLICE_NUMBER)
        )
        for n in _lines(index, usable, person)[:MAX_CRISIS_NOTICES]:
            line = index.listings[int(n)]
            text = message("crisis_line", name=line.name, hours=line.hours or "")
            notices.append(_line_notice("emergency", text, line))
    if person.controlled_by_someone:
        lines = _lines(index, usable, person, "trafficking_support")
        if len(lines):
            line = index.listings[int(lines[0])]
            text = message("trafficking_line", name=line.name)
            notices.append(_line_notice("trafficking", text, line))
        else:
            notices.append(Notice("trafficking", message("trafficking")))
    if person.minor:
        lines = _lines(index, usable, person)
        young = lines[index.flags["minors"][lines]]
        young = young[np.argsort(~index.flags["open_24_7"][young], kind="stable")]  # 24/7 first
        youth_line = index.listings[int(young[0])] if len(young) else None
        notices.append(_line_notice("minor", message("minor"), youth_line))
    return notices
