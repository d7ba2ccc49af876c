"""Reasons, cautions and notices as codes with parameters: `api/` and `web/` put them into words.

The matcher never writes a sentence: each `Message` names a code below and carries the values
the sentence needs (a distance, a place name, a language code, a number of months).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Param = str | int | float
NoticeKind = Literal["emergency", "helpline", "trafficking", "minor"]


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    message: Message
    phone: str | None = None
    phone_confirmed: bool = True
    """False for a number read in a public source that nobody has confirmed with the service:
    the notice then says so, and what to do if nobody answers."""


REASONS: dict[str, tuple[str, ...]] = {
    "distance": ("km",),
    "in_place": ("place",),
    "in_region": ("region",),
    "remote": (),
    "speaks": ("language",),
    "interpretation": (),
    "meets_need": ("need",),
    "welcomes_status": ("status",),
    "stance_exit": (),
    "stance_rights_based": (),
    "free": (),
    "anonymous": (),
    "beds_available": ("beds",),
    "open_now": (),
    "open_24_7": (),
    "for_minors": (),
    "recognised_trafficking_centre": (),
    "safety_added": (),
    "matches_text": (),
    "first_for_need": ("need",),
    "safety_moved_up": (),
}
"""Reason codes and their parameters."""

CAUTIONS: dict[str, tuple[str, ...]] = {
    "may_share_with_authorities": (),
    "justice_cooperation_for_status": (),
    "exit_commitment_required": (),
    "police_complaint_required": (),
    "asylum_application": (),
    "asylum_application_undocumented": (),
    "for_trafficking_victims": (),
    "residence_in_area": ("area",),
    "stance_exit_focused": (),
    "unreachable": (),
    "unreachable_outreach": (),
    "unreachable_referral": (),
    "verified_months_ago": ("months",),
    "residence_permit_may_be_needed": (),
    "requires_id_document": (),
    "requires_health_insurance": (),
    "requires_appointment": (),
    "requires_professional_referral": (),
    "audience_restricted": ("groups",),
    "no_beds": (),
    "address_confidential": (),
    "to_check": ("items",),
}
"""Caution codes and their parameters (`groups`: comma-separated audience words; `items`:
comma-separated words of `TO_CHECK`; `area`: the service areas' names, comma-separated), in the
order a result lists them: what matters most first."""

TO_CHECK = ("listing", "eligibility", "phone")
"""What the one generic caution `to_check` may name: the record is not confirmed with the
service, who can use it is not stated, its phone number is not confirmed."""

LINE = ("name", "schedule", "hours", "languages", "areas")
"""What a notice says of a line: its name, its structured hours (`24/7`, or `days@opens-closes`
items joined by `;`, days 0 = Monday, minutes since midnight) or else its own words about its
hours (`hours`, may be empty), its languages (codes) and its areas (names), comma-separated."""

NOTICES: dict[str, tuple[str, ...]] = {
    "emergency_number": ("phone",),
    "police_number": ("phone",),
    "crisis_line": LINE,
    "minor": (),
    "minor_line": LINE,
    "trafficking": (),
    "trafficking_centre": ("place", *LINE),
    "trafficking_centres": (),
    "trafficking_centre_listed": ("place", "name"),
    "trafficking_line": LINE,
    "trafficking_report_line": LINE,
    "line_not_confirmed": ("phone",),
}
"""Notice codes and their parameters (`place`: the municipality of a centre's public address,
may be empty)."""

ALL_CODES: dict[str, tuple[str, ...]] = {**REASONS, **CAUTIONS, **NOTICES}


def message(code: str, **params: Param) -> Message:
    """A message with a checked code and exactly its parameters."""
    expected = ALL_CODES[code]
    if set(params) != set(expected):
        raise ValueError(f"{code} takes {expected}, not {sorted(params)}")
    return Message(code, params)
