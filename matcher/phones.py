"""Phones as the matcher gives them: the one rule for whether a number is confirmed, and the
label a description gives it (the organisation's central number, the line a site is reached
through)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from directory.emergency_numbers import EMERGENCY_NUMBERS

NOT_CONFIRMED = re.compile(r"not (yet )?(confirmed|verified)", re.IGNORECASE)


def phone_confirmed(number: str, description: str | None) -> bool:
    """The one rule for whether a phone is confirmed: 112 and 101 are facts of law; any other
    number is unconfirmed when its description says "not (yet) confirmed" or "not verified"."""
    if number.strip() in EMERGENCY_NUMBERS:
        return True
    return not (description and NOT_CONFIRMED.search(description))


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    confirmed: bool
    label: str | None = None
    """What the number is for this service, from its description: `central` (the organisation's
    central number) or `through` (the line a site is reached through); None: the service's own."""


CENTRAL = "central number"
THROUGH = "reached through"


def phone_label(description: str) -> str | None:
    """`central` or `through` when the description's first part says so (the bundled
    directory's convention: "central number; ...", "the shelter is reached through ...; ...")."""
    first = description.split(";", 1)[0].lower()
    if first.startswith(CENTRAL):
        return "central"
    return "through" if THROUGH in first else None


def phones_of(rows: Iterable[Mapping[str, Any]]) -> tuple[Phone, ...]:
    found: list[Phone] = []
    for row in rows:
        if not row.get("number"):
            continue
        description = str(row.get("description") or "")
        number = str(row["number"])
        found.append(Phone(number, phone_confirmed(number, description), phone_label(description)))
    return tuple(found)
