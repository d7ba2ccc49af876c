"""The "passerelle" taxonomy: the public contract of codes for what HSDS has no field for.

Each code is an HSDS `taxonomy_term` of the taxonomy "passerelle", attached to services (and
locations) through HSDS `attributes`. The English name and description below are the source
strings; `web/locale` carries them in every interface language.

A second, small taxonomy "passerelle-geo" (`geo.` codes) describes data rather than services:
`geo.approximate` marks a location placed at its postcode's or municipality's centre.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

NAMESPACE = uuid.UUID("ad8f258c-6aa8-5f9e-b164-30d3bb7bd80c")  # uuid5(URL, project URL)
"""Namespace of every identifier Passerelle derives (uuid5), so that ids are stable across runs."""

TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:passerelle"))
TAXONOMY_NAME = "passerelle"
TAXONOMY_DESCRIPTION = (
    "Passerelle's codes for needs, approach, conditions, welcome, requirements, offers, "
    "audience, privacy, capacity and accessibility of services for sex workers and victims of "
    "trafficking."
)
TAXONOMY_VERSION = "1"
LINK_TYPE = "passerelle"
COARSE = "passerelle_coarse"
"""Key of a confidential location's coarse point in the records the matcher reads (never in
`/hsds` or exports): the only point matching may use for such a site."""


@lru_cache(maxsize=4096)
def derived_id(*parts: str) -> str:
    """A stable uuid5 for a Passerelle-made identifier, e.g. `derived_id("service", "payoke")`
    (kept: the same few are asked for every record)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    name: str
    description: str
    taxonomy: str = TAXONOMY_NAME
    """The taxonomy's name: "passerelle", or "passerelle-geo" for `geo.` codes."""

    @property
    def id(self) -> str:
        return derived_id("taxonomy_term", self.taxonomy, self.code)

    @property
    def taxonomy_id(self) -> str:
        return derived_id("taxonomy", self.taxonomy)

    @property
    def prefix(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def word(self) -> str:
        """The code without its prefix: `need.housing` -> `housing`."""
        return self.code.split(".", 1)[1]


def term_id(code: str) -> str:
    known = KNOWN.get(code)
    return known.id if known else derived_id("taxonomy_term", TAXONOMY_NAME, code)


TERMS: tuple[Term, ...] = (
    # what the service helps with
    Term("need.emergency_shelter", "Emergency shelter", "A bed for tonight or the next days."),
    Term("need.housing", "Housing", "Help to find or keep a place to live."),
    Term(
        "need.health_sexual",
        "Sexual health",
        "STI and HIV tests, PrEP, contraception, vaccination.",
    ),
    Term("need.health_general", "Health care", "A doctor, a nurse or help to get medical care."),
    Term("need.health_mental", "Mental health", "Someone to talk to: psychologists, counselling."),
    Term("need.harm_reduction", "Harm reduction", "Safer-use and safer-work material and advice."),
    Term("need.legal_migration", "Papers and residence", "Advice on residence, asylum and papers."),
    Term(
        "need.legal_labour", "Work rights", "Advice on contracts, labour and sex workers' rights."
    ),
    Term("need.legal_general", "Legal advice", "A lawyer or legal advice on other questions."),
    Term(
        "need.trafficking_support",
        "Help for victims of trafficking",
        "Protection, shelter and support for people exploited or controlled by others.",
    ),
    Term(
        "need.violence_support", "Help after violence", "Support after violence or sexual assault."
    ),
    Term("need.training", "Training", "Courses and vocational training."),
    Term("need.employment", "Finding work", "Help to find a job."),
    Term("need.language_course", "Language courses", "Courses to learn a language."),
    Term(
        "need.financial", "Money and benefits", "Help with money, debts, benefits and allowances."
    ),
    Term("need.administration", "Paperwork", "Help with forms, registration and administration."),
    Term(
        "need.peer_support",
        "Peer support",
        "Meet and get support from people with the same experience.",
    ),
    Term(
        "need.childcare_family", "Children and family", "Help for parents, children and families."
    ),
    Term("need.basic_needs", "Food, showers, clothes", "Meals, showers, laundry and clothes."),
    Term("need.crisis_line", "Helpline", "A phone line to call for help or to talk."),
    Term(
        "need.exit_programme",
        "Leaving sex work",
        "Programmes for people who want to stop sex work.",
    ),
    # the service's stance
    Term("approach.exit_focused", "Exit-focused", "Works towards leaving sex work."),
    Term(
        "approach.rights_based",
        "Rights-based",
        "Supports sex workers' rights, whatever their choice.",
    ),
    Term("approach.neutral", "Neutral", "Helps with the need, without a stance on sex work."),
    # what the service demands
    Term(
        "condition.exit_commitment_required",
        "Requires a commitment to leave sex work",
        "Only helps people who commit to stopping sex work.",
    ),
    Term(
        "condition.police_complaint_required",
        "Requires a police complaint",
        "Only helps people who file a complaint with the police.",
    ),
    Term(
        "condition.justice_cooperation_for_status",
        "Lasting status needs cooperation with justice",
        "Help starts without it, but the lasting status for victims of trafficking needs "
        "statements to the police or a complaint.",
    ),
    # residence statuses served
    Term(
        "welcome.undocumented",
        "Open to people without papers",
        "Serves people without a residence permit.",
    ),
    Term(
        "welcome.asylum_seeker",
        "Open to asylum seekers",
        "Serves people who have asked for asylum.",
    ),
    Term(
        "welcome.non_eu_permit",
        "Open to non-EU residents",
        "Serves people from outside the EU with a residence permit.",
    ),
    Term("welcome.eu_citizen", "Open to EU citizens", "Serves citizens of other EU countries."),
    Term("welcome.citizen", "Open to citizens", "Serves citizens of the country."),
    # requirements
    Term(
        "requires.residence_permit",
        "Residence permit needed",
        "Only for people with a residence permit.",
    ),
    Term("requires.id_document", "ID document needed", "Asks for an identity document."),
    Term("requires.health_insurance", "Health insurance needed", "Asks for health insurance."),
    Term("requires.appointment", "Appointment needed", "Make an appointment first."),
    Term(
        "requires.professional_referral",
        "Referral needed",
        "Takes people referred by a social worker or doctor.",
    ),
    Term(
        "requires.residence_in_area",
        "Only for people who live in its area",
        "Only for people who live in the area it serves.",
    ),
    Term(
        "requires.asylum_application",
        "Only for people asking for asylum",
        "Only for people who apply for international protection (asylum).",
    ),
    # offers
    Term("offers.free", "Free", "Costs nothing."),
    Term("offers.anonymous", "Anonymous", "You do not have to give your name."),
    Term("offers.interpretation", "Interpreters", "Can bring in an interpreter."),
    Term(
        "offers.remote",
        "By phone or online",
        "Reachable by phone or online from anywhere in its area.",
    ),
    Term("offers.outreach", "Outreach", "Comes to where people live or work."),
    Term("offers.open_24_7", "Open day and night", "Reachable 24 hours a day, 7 days a week."),
    # accessibility of a location (HSDS accessibility)
    Term(
        "access.step_free",
        "Step-free access",
        "Can be entered without steps.",
    ),
    Term(
        "access.accessible_toilet",
        "Accessible toilet",
        "Has a toilet that a wheelchair user can use.",
    ),
    Term(
        "access.sign_language",
        "Sign language",
        "Can communicate in sign language.",
    ),
    Term(
        "access.quiet_room",
        "Quiet room",
        "Has a quiet room to wait or talk.",
    ),
    Term(
        "access.public_transport",
        "Public transport nearby",
        "Can be reached by public transport.",
    ),
    # audience
    Term("audience.women", "Women", "For women."),
    Term("audience.men", "Men", "For men."),
    Term("audience.trans", "Trans people", "For trans people."),
    Term("audience.nonbinary", "Non-binary people", "For non-binary people."),
    Term("audience.minors", "Under 18", "Serves people under 18."),
    Term("audience.sex_workers", "Sex workers", "Works with sex workers."),
    Term("audience.migrants", "Migrants", "Works with migrants."),
    Term(
        "audience.trafficking_victims",
        "Victims of trafficking",
        "Works with victims of trafficking.",
    ),
    # privacy
    Term(
        "privacy.confidential_address",
        "Confidential address",
        "The address is never shown; reach them by phone.",
    ),
    Term(
        "privacy.may_share_with_authorities",
        "May share information with authorities",
        "Information you give may be passed to the authorities.",
    ),
    # capacity
    Term(
        "capacity.beds_available",
        "Free beds",
        "Number of free beds now, with the time of the update.",
    ),
)

BY_CODE: dict[str, Term] = {term.code: term for term in TERMS}
PREFIXES: frozenset[str] = frozenset(term.prefix for term in TERMS)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    description: str
    version: str

    @property
    def id(self) -> str:
        return derived_id("taxonomy", self.name)


GEO_TAXONOMY_NAME = "passerelle-geo"
GEO_TERMS: tuple[Term, ...] = (
    Term(
        "geo.approximate",
        "Approximate position",
        "Placed at the centre of its postcode or municipality, not at its street address: "
        "show it as 'in <place>', never as an exact distance.",
        GEO_TAXONOMY_NAME,
    ),
)
"""Terms about a location's data rather than a service: attributes linked to a location."""

TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy(TAXONOMY_NAME, TAXONOMY_DESCRIPTION, TAXONOMY_VERSION),
    Taxonomy(
        GEO_TAXONOMY_NAME,
        "Passerelle's codes about how well a location's position is known.",
        "1",
    ),
)
GEO_TAXONOMY_ID = TAXONOMIES[1].id
KNOWN: dict[str, Term] = {term.code: term for term in (*TERMS, *GEO_TERMS)}
"""Every code Passerelle defines, in any of its taxonomies: import recognises these by code."""
RESERVED_PREFIXES: frozenset[str] = frozenset(term.prefix for term in KNOWN.values())


class Need(StrEnum):
    """A person's needs: the `need.` codes without their prefix."""

    emergency_shelter = "emergency_shelter"
    housing = "housing"
    health_sexual = "health_sexual"
    health_general = "health_general"
    health_mental = "health_mental"
    harm_reduction = "harm_reduction"
    legal_migration = "legal_migration"
    legal_labour = "legal_labour"
    legal_general = "legal_general"
    trafficking_support = "trafficking_support"
    violence_support = "violence_support"
    training = "training"
    employment = "employment"
    language_course = "language_course"
    financial = "financial"
    administration = "administration"
    peer_support = "peer_support"
    childcare_family = "childcare_family"
    basic_needs = "basic_needs"
    crisis_line = "crisis_line"
    exit_programme = "exit_programme"


def term_record(code: str) -> dict[str, Any]:
    """The HSDS `taxonomy_term` object of one of our codes, as stored and exported."""
    term = KNOWN[code]
    return {
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": term.taxonomy,
        "taxonomy_id": term.taxonomy_id,
        "language": "en",
    }


def attribute_record(
    attribute_id: str,
    link_id: str,
    code: str,
    *,
    link_entity: str = "service",
    value: str | None = None,
) -> dict[str, Any]:
    """An HSDS `attribute` linking a record (a service by default) to one of our codes."""
    term = term_record(code)
    item: dict[str, Any] = {
        "id": attribute_id,
        "link_id": link_id,
        "link_entity": link_entity,
        "link_type": LINK_TYPE,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if value is not None:
        item["value"] = value
    return item


def is_ours(code: str) -> bool:
    """True for a code that claims our namespace (`need.…`, `offers.…`), known or not."""
    return "." in code and code.split(".", 1)[0] in RESERVED_PREFIXES


def codes_with_prefix(prefix: str) -> tuple[str, ...]:
    return tuple(term.code for term in TERMS if term.prefix == prefix)


assert TAXONOMIES[0].id == TAXONOMY_ID, "taxonomy id drifted"
assert {f"need.{need.value}" for need in Need} == set(codes_with_prefix("need")), "Need drifted"
