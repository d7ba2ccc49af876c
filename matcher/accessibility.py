"""What a person asks of a location's accessibility (`access.` words): a filter per row that
leaves out only locations whose data says no, and the words of one result: what its location
says it has (a reason), and what its data does not state (a caution). A remote row has no
location to reach: it is kept and says nothing of accessibility."""

import numpy as np

from matcher.index import ACCESS_BIT, Bools
from matcher.messages import CautionCode, Message, ReasonCode, message
from matcher.query import Explained, Query


def wanted_bits(words: tuple[str, ...]) -> int:
    return sum(ACCESS_BIT[word] for word in set(words) if word in ACCESS_BIT)


def accessible_rows(query: Query) -> Bools:
    """Per row: its location's data says no to none of the words asked for."""
    index = query.index
    wanted = np.uint8(wanted_bits(query.person.accessibility))
    kept: Bools = (index.row_access_no & wanted) == 0
    return kept


def _words(bits: int, asked: tuple[str, ...]) -> str:
    return ",".join(word for word in asked if bits & ACCESS_BIT[word])


def explain_accessibility(query: Query, row: int) -> Explained:
    """A reason naming what the row's location has of what was asked; a caution naming what
    its data does not state."""
    index, asked = query.index, tuple(w for w in query.person.accessibility if w in ACCESS_BIT)
    if not asked or index.remote_row[row]:
        return Explained((), ())
    wanted = wanted_bits(asked)
    has = int(index.row_access_yes[row]) & wanted
    unknown = wanted & ~(has | int(index.row_access_no[row]))
    reasons: list[Message] = [message(ReasonCode.ACCESSIBLE, features=_words(has, asked))]
    cautions = [message(CautionCode.ACCESSIBILITY_NOT_STATED, features=_words(unknown, asked))]
    return Explained(reasons if has else [], cautions if unknown else [])
