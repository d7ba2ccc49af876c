"""Reasons, cautions and notices as codes with parameters: `api/` and `web/` put them into words.

The matcher never writes a sentence: each `Message` names a code below and carries the values
the sentence needs (a distance, a place name, a language code, a number of months).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
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
    service_id: str | None = None
    """The service of the directory whose line the notice names (none for 112, 101 and a notice
    naming no line): it is not repeated among the results."""


class ReasonCode(StrEnum):
    """Why a result is shown (`REASONS` gives the parameters)."""

    DISTANCE = "distance"
    IN_PLACE = "in_place"
    IN_REGION = "in_region"
    REMOTE = "remote"
    SPEAKS = "speaks"
    INTERPRETATION = "interpretation"
    MEETS_NEED = "meets_need"
    WELCOMES_STATUS = "welcomes_status"
    STANCE_EXIT = "stance_exit"
    STANCE_RIGHTS_BASED = "stance_rights_based"
    FREE = "free"
    ANONYMOUS = "anonymous"
    BEDS_AVAILABLE = "beds_available"
    OPEN_NOW = "open_now"
    OPEN_24_7 = "open_24_7"
    FOR_MINORS = "for_minors"
    RECOGNISED_TRAFFICKING_CENTRE = "recognised_trafficking_centre"
    SAFETY_ADDED = "safety_added"
    MATCHES_TEXT = "matches_text"
    FIRST_FOR_NEED = "first_for_need"
    SAFETY_MOVED_UP = "safety_moved_up"
    ACCESSIBLE = "accessible"


REASONS: dict[ReasonCode, tuple[str, ...]] = {
    ReasonCode.DISTANCE: ("km",),
    ReasonCode.IN_PLACE: ("place",),
    ReasonCode.IN_REGION: ("region",),
    ReasonCode.REMOTE: (),
    ReasonCode.SPEAKS: ("language",),
    ReasonCode.INTERPRETATION: (),
    ReasonCode.MEETS_NEED: ("need",),
    ReasonCode.WELCOMES_STATUS: ("status",),
    ReasonCode.STANCE_EXIT: (),
    ReasonCode.STANCE_RIGHTS_BASED: (),
    ReasonCode.FREE: (),
    ReasonCode.ANONYMOUS: (),
    ReasonCode.BEDS_AVAILABLE: ("beds",),
    ReasonCode.OPEN_NOW: (),
    ReasonCode.OPEN_24_7: (),
    ReasonCode.FOR_MINORS: (),
    ReasonCode.RECOGNISED_TRAFFICKING_CENTRE: (),
    ReasonCode.SAFETY_ADDED: (),
    ReasonCode.MATCHES_TEXT: (),
    ReasonCode.FIRST_FOR_NEED: ("need",),
    ReasonCode.SAFETY_MOVED_UP: (),
    ReasonCode.ACCESSIBLE: ("features",),
}
"""Reason codes and their parameters (`features`: comma-separated `access.` words)."""


class CautionCode(StrEnum):
    """What to know before going (`CAUTIONS` gives the parameters and the order)."""

    MAY_SHARE_WITH_AUTHORITIES = "may_share_with_authorities"
    JUSTICE_COOPERATION_FOR_STATUS = "justice_cooperation_for_status"
    EXIT_COMMITMENT_REQUIRED = "exit_commitment_required"
    POLICE_COMPLAINT_REQUIRED = "police_complaint_required"
    ASYLUM_APPLICATION = "asylum_application"
    ASYLUM_APPLICATION_UNDOCUMENTED = "asylum_application_undocumented"
    FOR_TRAFFICKING_VICTIMS = "for_trafficking_victims"
    RESIDENCE_IN_AREA = "residence_in_area"
    STANCE_EXIT_FOCUSED = "stance_exit_focused"
    UNREACHABLE = "unreachable"
    UNREACHABLE_OUTREACH = "unreachable_outreach"
    UNREACHABLE_REFERRAL = "unreachable_referral"
    VERIFIED_MONTHS_AGO = "verified_months_ago"
    RESIDENCE_PERMIT_MAY_BE_NEEDED = "residence_permit_may_be_needed"
    REQUIRES_ID_DOCUMENT = "requires_id_document"
    REQUIRES_HEALTH_INSURANCE = "requires_health_insurance"
    REQUIRES_APPOINTMENT = "requires_appointment"
    REQUIRES_PROFESSIONAL_REFERRAL = "requires_professional_referral"
    AUDIENCE_RESTRICTED = "audience_restricted"
    NO_BEDS = "no_beds"
    ADDRESS_CONFIDENTIAL = "address_confidential"
    ACCESSIBILITY_NOT_STATED = "accessibility_not_stated"
    TO_CHECK = "to_check"


CAUTIONS: dict[CautionCode, tuple[str, ...]] = {
    CautionCode.MAY_SHARE_WITH_AUTHORITIES: (),
    CautionCode.JUSTICE_COOPERATION_FOR_STATUS: (),
    CautionCode.EXIT_COMMITMENT_REQUIRED: (),
    CautionCode.POLICE_COMPLAINT_REQUIRED: (),
    CautionCode.ASYLUM_APPLICATION: (),
    CautionCode.ASYLUM_APPLICATION_UNDOCUMENTED: (),
    CautionCode.FOR_TRAFFICKING_VICTIMS: (),
    CautionCode.RESIDENCE_IN_AREA: ("area",),
    CautionCode.STANCE_EXIT_FOCUSED: (),
    CautionCode.UNREACHABLE: (),
    CautionCode.UNREACHABLE_OUTREACH: (),
    CautionCode.UNREACHABLE_REFERRAL: (),
    CautionCode.VERIFIED_MONTHS_AGO: ("months",),
    CautionCode.RESIDENCE_PERMIT_MAY_BE_NEEDED: (),
    CautionCode.REQUIRES_ID_DOCUMENT: (),
    CautionCode.REQUIRES_HEALTH_INSURANCE: (),
    CautionCode.REQUIRES_APPOINTMENT: (),
    CautionCode.REQUIRES_PROFESSIONAL_REFERRAL: (),
    CautionCode.AUDIENCE_RESTRICTED: ("groups",),
    CautionCode.NO_BEDS: (),
    CautionCode.ADDRESS_CONFIDENTIAL: (),
    CautionCode.ACCESSIBILITY_NOT_STATED: ("features",),
    CautionCode.TO_CHECK: ("items",),
}
"""Caution codes and their parameters (`groups`: comma-separated audience words; `items`:
comma-separated words of `TO_CHECK`; `features`: comma-separated `access.` words; `area`: the
service areas' names, comma-separated), in the
order a result lists them: what matters most first."""

TO_CHECK = ("listing", "eligibility", "phone")
"""What the one generic caution `to_check` may name: the record is not confirmed with the
service, who can use it is not stated, its phone number is not confirmed."""


class NoticeCode(StrEnum):
    """What a safety notice says (`NOTICES` gives the parameters)."""

    EMERGENCY_NUMBER = "emergency_number"
    POLICE_NUMBER = "police_number"
    CRISIS_LINE = "crisis_line"
    MINOR = "minor"
    MINOR_LINE = "minor_line"
    TRAFFICKING = "trafficking"
    TRAFFICKING_CENTRE = "trafficking_centre"
    TRAFFICKING_CENTRES = "trafficking_centres"
    TRAFFICKING_CENTRE_LISTED = "trafficking_centre_listed"
    TRAFFICKING_LINE = "trafficking_line"
    TRAFFICKING_REPORT_LINE = "trafficking_report_line"
    LINE_NOT_CONFIRMED = "line_not_confirmed"


LINE = ("name", "schedule", "hours", "languages", "areas")
"""What a notice says of a line: its name, its structured hours (`24/7`, or `days@opens-closes`
items joined by `;`, days 0 = Monday, minutes since midnight) or else its own words about its
hours (`hours`, may be empty), its languages (codes) and its areas (names), comma-separated."""

NOTICES: dict[NoticeCode, tuple[str, ...]] = {
    NoticeCode.EMERGENCY_NUMBER: ("phone",),
    NoticeCode.POLICE_NUMBER: ("phone",),
    NoticeCode.CRISIS_LINE: LINE,
    NoticeCode.MINOR: (),
    NoticeCode.MINOR_LINE: LINE,
    NoticeCode.TRAFFICKING: (),
    NoticeCode.TRAFFICKING_CENTRE: ("place", *LINE),
    NoticeCode.TRAFFICKING_CENTRES: (),
    NoticeCode.TRAFFICKING_CENTRE_LISTED: ("place", "name"),
    NoticeCode.TRAFFICKING_LINE: LINE,
    NoticeCode.TRAFFICKING_REPORT_LINE: LINE,
    NoticeCode.LINE_NOT_CONFIRMED: ("phone",),
}
"""Notice codes and their parameters (`place`: the municipality of a centre's public address,
may be empty)."""

ALL_CODES: dict[str, tuple[str, ...]] = {
    code.value: params for code, params in (*REASONS.items(), *CAUTIONS.items(), *NOTICES.items())
}
"""Every code (its plain value) and its parameters."""


def message(code: str, **params: Param) -> Message:
    """A message with a checked code (a `ReasonCode`, `CautionCode` or `NoticeCode`, or its
    value) and exactly its parameters; the message keeps the code's plain value."""
    expected = ALL_CODES[code]
    if set(params) != set(expected):
        raise ValueError(f"{code} takes {expected}, not {sorted(params)}")
    return Message(str(code), params)
