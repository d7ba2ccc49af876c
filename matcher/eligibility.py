"""Who may use a service: one class per hard filter, giving both the mask that excludes and the
reasons and cautions that explain a result on the same subject, so that what a result says
about eligibility comes from the code that filtered.

A `Rule` whose `applies` is False for a person excludes nobody (its `mask` is not asked); its
`explain` still speaks (a service that welcomes undocumented people says so whatever the
person's status). Rules that never exclude (requirements, conditions, authority sharing,
victims-only accommodation) explain only. Being in reach (`Reach`) is a filter per row; its
words are the distance criterion's. A residents-only service is never excluded: it ranks lower
(`matcher.lowering`).
"""

import numpy as np

from directory.taxonomy import DocumentationStatus
from matcher.accessibility import accessible_rows
from matcher.index import GENDER_BIT, STATUS_BIT, Bools, Index
from matcher.listing import Listing
from matcher.messages import CautionCode, Message, ReasonCode, message
from matcher.person import GENDERS, Person
from matcher.query import Explained, Query

REQUIREMENTS = {
    "id_document": CautionCode.REQUIRES_ID_DOCUMENT,
    "health_insurance": CautionCode.REQUIRES_HEALTH_INSURANCE,
    "appointment": CautionCode.REQUIRES_APPOINTMENT,
    "professional_referral": CautionCode.REQUIRES_PROFESSIONAL_REFERRAL,
}
"""`requires.` words that are cautions, in the order given."""
CONDITIONS = {
    "justice_cooperation_for_status": CautionCode.JUSTICE_COOPERATION_FOR_STATUS,
    "police_complaint_required": CautionCode.POLICE_COMPLAINT_REQUIRED,
}
"""`condition.` words that are cautions (a commitment to leave is the goal filter's)."""
ASYLUM_CAUTION = {
    False: CautionCode.ASYLUM_APPLICATION,
    True: CautionCode.ASYLUM_APPLICATION_UNDOCUMENTED,
}
"""For a service only for people applying for asylum: whether the person is undocumented."""
WITHOUT_PERMIT = (DocumentationStatus.undocumented, DocumentationStatus.asylum_seeker)
"""Statuses a service requiring a residence permit is closed to."""
NOTHING = Explained((), ())


class Rule:
    """A hard filter per service (`mask`, when it `applies` to the person) and its words."""

    def applies(self, person: Person) -> bool:
        return False

    def mask(self, index: Index, person: Person) -> Bools:
        """Per service: may be used by this person (asked only when the rule applies)."""
        return np.ones(index.size, dtype=np.bool_)

    def explain(self, query: Query, listing: Listing) -> Explained:
        return NOTHING


class Papers(Rule):
    """A stated residence status: services that say whom they welcome keep only those."""

    def applies(self, person: Person) -> bool:
        return person.known_status is not None

    def mask(self, index: Index, person: Person) -> Bools:
        bit = np.uint8(STATUS_BIT[person.known_status or ""])
        kept: Bools = (index.welcome == 0) | ((index.welcome & bit) != 0)
        return kept

    def explain(self, query: Query, listing: Listing) -> Explained:
        welcome = listing.words("welcome")
        status = query.person.known_status
        if not welcome:
            return Explained([], [message(CautionCode.TO_CHECK, items="eligibility")])
        if status and status in welcome:
            return Explained([message(ReasonCode.WELCOMES_STATUS, status=status)], [])
        return NOTHING


class Permit(Rule):
    """A residence permit required: closed to people without papers and asylum seekers; a
    caution for a person who gave no status."""

    def applies(self, person: Person) -> bool:
        return person.known_status in WITHOUT_PERMIT

    def mask(self, index: Index, person: Person) -> Bools:
        kept: Bools = ~index.flags["requires_permit"]
        return kept

    def explain(self, query: Query, listing: Listing) -> Explained:
        if "residence_permit" in listing.words("requires") and not query.person.known_status:
            return Explained([], [message(CautionCode.RESIDENCE_PERMIT_MAY_BE_NEEDED)])
        return NOTHING


class Goal(Rule):
    """A commitment to leave sex work required: closed to a person who wants to stay safer."""

    def applies(self, person: Person) -> bool:
        return person.goal == "stay_safer"

    def mask(self, index: Index, person: Person) -> Bools:
        kept: Bools = ~index.flags["exit_required"]
        return kept

    def explain(self, query: Query, listing: Listing) -> Explained:
        if "exit_commitment_required" in listing.words("condition"):
            return Explained([], [message(CautionCode.EXIT_COMMITMENT_REQUIRED)])
        return NOTHING


class Age(Rule):
    """A stated age outside a service's minimum and maximum ages (no words: the minors
    criterion says "for minors")."""

    def applies(self, person: Person) -> bool:
        return person.age is not None

    def mask(self, index: Index, person: Person) -> Bools:
        age = person.age or 0
        kept: Bools = (index.min_age <= age) & (index.max_age >= age)
        return kept


class Gender(Rule):
    """A stated gender: services for some genders keep only theirs; a caution naming those
    genders for a person who gave none."""

    def applies(self, person: Person) -> bool:
        return bool(GENDERS.get(person.gender or ""))

    def mask(self, index: Index, person: Person) -> Bools:
        bit = np.uint8(GENDER_BIT[GENDERS[person.gender or ""]])
        kept: Bools = (index.genders == 0) | ((index.genders & bit) != 0)
        return kept

    def explain(self, query: Query, listing: Listing) -> Explained:
        groups = sorted(listing.words("audience") & set(GENDERS.values()))
        if groups and not GENDERS.get(query.person.gender or ""):
            return Explained(
                [], [message(CautionCode.AUDIENCE_RESTRICTED, groups=",".join(groups))]
            )
        return NOTHING


class Offer(Rule):
    """An `offers.` code the person may ask for (`free_only`, `anonymous_only`)."""

    word: str
    reason: ReasonCode

    def wanted(self, person: Person) -> bool:
        raise NotImplementedError

    def applies(self, person: Person) -> bool:
        return self.wanted(person)

    def mask(self, index: Index, person: Person) -> Bools:
        return index.flags[self.word]

    def explain(self, query: Query, listing: Listing) -> Explained:
        if self.word in listing.words("offers"):
            return Explained([message(self.reason)], [])
        return NOTHING


class Free(Offer):
    word = "free"
    reason = ReasonCode.FREE

    def wanted(self, person: Person) -> bool:
        return person.free_only


class Anonymous(Offer):
    word = "anonymous"
    reason = ReasonCode.ANONYMOUS

    def wanted(self, person: Person) -> bool:
        return person.anonymous_only


class Requirements(Rule):
    """What a service asks for (an asylum application, an ID, an appointment ...): cautions,
    never a filter (a person may get what is asked)."""

    def explain(self, query: Query, listing: Listing) -> Explained:
        requires = listing.words("requires")
        cautions: list[Message] = []
        if "asylum_application" in requires:
            undocumented = query.person.known_status == DocumentationStatus.undocumented
            cautions.append(message(ASYLUM_CAUTION[undocumented]))
        cautions += [message(code) for word, code in REQUIREMENTS.items() if word in requires]
        return Explained([], cautions)


class Conditions(Rule):
    """Conditions a person may not know of before going (cooperation with justice for a
    residence status, a police complaint): cautions, never a filter."""

    def explain(self, query: Query, listing: Listing) -> Explained:
        conditions = listing.words("condition")
        return Explained(
            [], [message(code) for word, code in CONDITIONS.items() if word in conditions]
        )


class Authorities(Rule):
    """A service that may share what it learns with the authorities: a caution for everyone
    (it lowers the rank for an undocumented person: `matcher.lowering`)."""

    def explain(self, query: Query, listing: Listing) -> Explained:
        if "may_share_with_authorities" in listing.words("privacy"):
            return Explained([], [message(CautionCode.MAY_SHARE_WITH_AUTHORITIES)])
        return NOTHING


class VictimsOnly(Rule):
    """Accommodation for victims of trafficking (the centres' shelters, Esperanto, Minor-Ndako):
    `audience.trafficking_victims` with `need.housing`, cautioned for a person not controlled
    by someone. Their other services (support, legal help) and services that merely also serve
    victims carry no such caution; nobody is excluded."""

    def explain(self, query: Query, listing: Listing) -> Explained:
        victims = "trafficking_victims" in listing.words("audience")
        if victims and "housing" in listing.needs and not query.person.controlled_by_someone:
            return Explained([], [message(CautionCode.FOR_TRAFFICKING_VICTIMS)])
        return NOTHING


RULES: tuple[Rule, ...] = (
    Papers(),
    Permit(),
    Goal(),
    Age(),
    Gender(),
    Free(),
    Anonymous(),
    Requirements(),
    Conditions(),
    Authorities(),
    VictimsOnly(),
)
"""In the order their reasons are given."""


def eligible_services(index: Index, person: Person) -> Bools:
    """Per service: passes every hard filter for this person."""
    ok = np.ones(index.size, dtype=np.bool_)
    for rule in RULES:
        if rule.applies(person):
            ok &= rule.mask(index, person)
    return ok


def explain_eligibility(query: Query, listing: Listing) -> Explained:
    """The reasons and cautions of every rule, in `RULES` order."""
    reasons: list[Message] = []
    cautions: list[Message] = []
    for rule in RULES:
        explained = rule.explain(query, listing)
        reasons += explained.reasons
        cautions += explained.cautions
    return Explained(reasons, cautions)


class Reach:
    """Per row: physical rows within `max_distance_km`; remote rows, and sites with no point
    (confidential ones), whose areas cover the person, whatever the distance. Its words are
    the distance criterion's (`criteria.Distance`)."""

    def mask(self, query: Query) -> Bools:
        index, person = query.index, query.person
        if person.latitude is None or person.in_area is None:
            return np.ones(len(index.row_service), dtype=np.bool_)
        by_area = index.remote_row | index.regional_row
        area_reach = query.area_ok[index.row_area_set]
        if person.max_distance_km is None:
            reach: Bools = area_reach | ~by_area
            return reach
        physical_ok = query.distance <= np.float32(person.max_distance_km)  # False for NaN
        reach = np.where(by_area, area_reach, physical_ok)
        return reach


REACH = Reach()


def usable_rows(query: Query, eligible: Bools) -> Bools:
    """Per row: its service passes every hard filter (`eligible`, per service: from
    `eligible_services`), the row is in reach, and its location's data says no to none of the
    accessibility asked for."""
    usable: Bools = eligible[query.index.row_service] & REACH.mask(query)
    if query.person.accessibility:
        usable &= accessible_rows(query)
    return usable
