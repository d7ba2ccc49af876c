"""The "passerelle" taxonomy: the public contract of codes for what HSDS has no field for.

Each code is an HSDS `taxonomy_term` of the taxonomy "passerelle", attached to services (and
locations) through HSDS `attributes`. The English name and description of each, in
`taxonomy_terms.toml`, are the source strings; `web/locale` carries them in every interface
language. Code spells a code through the constants below, never as a string literal.

A second, small taxonomy "passerelle-geo" (`geo.` codes) describes data rather than services:
`geo.approximate` marks a location placed at its postcode's or municipality's centre.
"""

import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
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


# --- every code, by name: spell a code through these, never as a string literal elsewhere ---

NEED_EMERGENCY_SHELTER = "need.emergency_shelter"
NEED_HOUSING = "need.housing"
NEED_HEALTH_SEXUAL = "need.health_sexual"
NEED_HEALTH_GENERAL = "need.health_general"
NEED_HEALTH_MENTAL = "need.health_mental"
NEED_HARM_REDUCTION = "need.harm_reduction"
NEED_LEGAL_MIGRATION = "need.legal_migration"
NEED_LEGAL_LABOUR = "need.legal_labour"
NEED_LEGAL_GENERAL = "need.legal_general"
NEED_TRAFFICKING_SUPPORT = "need.trafficking_support"
NEED_VIOLENCE_SUPPORT = "need.violence_support"
NEED_TRAINING = "need.training"
NEED_EMPLOYMENT = "need.employment"
NEED_LANGUAGE_COURSE = "need.language_course"
NEED_FINANCIAL = "need.financial"
NEED_ADMINISTRATION = "need.administration"
NEED_PEER_SUPPORT = "need.peer_support"
NEED_CHILDCARE_FAMILY = "need.childcare_family"
NEED_BASIC_NEEDS = "need.basic_needs"
NEED_CRISIS_LINE = "need.crisis_line"
NEED_EXIT_PROGRAMME = "need.exit_programme"

APPROACH_EXIT_FOCUSED = "approach.exit_focused"
APPROACH_RIGHTS_BASED = "approach.rights_based"
APPROACH_NEUTRAL = "approach.neutral"

CONDITION_EXIT_COMMITMENT_REQUIRED = "condition.exit_commitment_required"
CONDITION_POLICE_COMPLAINT_REQUIRED = "condition.police_complaint_required"
CONDITION_JUSTICE_COOPERATION_FOR_STATUS = "condition.justice_cooperation_for_status"

WELCOME_UNDOCUMENTED = "welcome.undocumented"
WELCOME_ASYLUM_SEEKER = "welcome.asylum_seeker"
WELCOME_NON_EU_PERMIT = "welcome.non_eu_permit"
WELCOME_EU_CITIZEN = "welcome.eu_citizen"
WELCOME_CITIZEN = "welcome.citizen"

REQUIRES_RESIDENCE_PERMIT = "requires.residence_permit"
REQUIRES_ID_DOCUMENT = "requires.id_document"
REQUIRES_HEALTH_INSURANCE = "requires.health_insurance"
REQUIRES_APPOINTMENT = "requires.appointment"
REQUIRES_PROFESSIONAL_REFERRAL = "requires.professional_referral"
REQUIRES_RESIDENCE_IN_AREA = "requires.residence_in_area"
REQUIRES_ASYLUM_APPLICATION = "requires.asylum_application"

OFFERS_FREE = "offers.free"
OFFERS_ANONYMOUS = "offers.anonymous"
OFFERS_INTERPRETATION = "offers.interpretation"
OFFERS_REMOTE = "offers.remote"
OFFERS_OUTREACH = "offers.outreach"
OFFERS_OPEN_24_7 = "offers.open_24_7"

ACCESS_STEP_FREE = "access.step_free"
ACCESS_ACCESSIBLE_TOILET = "access.accessible_toilet"
ACCESS_SIGN_LANGUAGE = "access.sign_language"
ACCESS_QUIET_ROOM = "access.quiet_room"
ACCESS_PUBLIC_TRANSPORT = "access.public_transport"

AUDIENCE_WOMEN = "audience.women"
AUDIENCE_MEN = "audience.men"
AUDIENCE_TRANS = "audience.trans"
AUDIENCE_NONBINARY = "audience.nonbinary"
AUDIENCE_MINORS = "audience.minors"
AUDIENCE_SEX_WORKERS = "audience.sex_workers"
AUDIENCE_MIGRANTS = "audience.migrants"
AUDIENCE_TRAFFICKING_VICTIMS = "audience.trafficking_victims"

PRIVACY_CONFIDENTIAL_ADDRESS = "privacy.confidential_address"
PRIVACY_MAY_SHARE_WITH_AUTHORITIES = "privacy.may_share_with_authorities"

CAPACITY_BEDS_AVAILABLE = "capacity.beds_available"

GEO_APPROXIMATE = "geo.approximate"


def term_id(code: str) -> str:
    known = KNOWN.get(code)
    return known.id if known else derived_id("taxonomy_term", TAXONOMY_NAME, code)


TERMS_PATH = Path(__file__).parent / "taxonomy_terms.toml"
"""Every term's code, English name and description (the source strings of `web/locale`)."""
_ALL_TERMS: tuple[Term, ...] = tuple(
    Term(**item) for item in tomllib.loads(TERMS_PATH.read_text(encoding="utf-8"))["term"]
)
TERMS: tuple[Term, ...] = tuple(term for term in _ALL_TERMS if term.taxonomy == TAXONOMY_NAME)
"""The terms of the taxonomy "passerelle": what services are, do and ask."""

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
GEO_TERMS: tuple[Term, ...] = tuple(t for t in _ALL_TERMS if t.taxonomy == GEO_TAXONOMY_NAME)
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


class Access(StrEnum):
    """What a person may ask of a location's accessibility: the `access.` codes without their
    prefix."""

    step_free = "step_free"
    accessible_toilet = "accessible_toilet"
    sign_language = "sign_language"
    quiet_room = "quiet_room"
    public_transport = "public_transport"


class DocumentationStatus(StrEnum):
    """A person's residence documentation, as the match API and the search form take it."""

    citizen = "citizen"
    eu_citizen = "eu_citizen"
    non_eu_permit = "non_eu_permit"
    asylum_seeker = "asylum_seeker"
    undocumented = "undocumented"
    unknown = "unknown"


WELCOME_STATUSES: tuple[DocumentationStatus, ...] = tuple(
    DocumentationStatus(term.word) for term in TERMS if term.prefix == "welcome"
)
"""The statuses a service may say it welcomes (every status but `unknown`), in `welcome.` order."""


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


def code_of(attribute: Any) -> str | None:
    """The code of an HSDS attribute's `taxonomy_term` (None when it carries none)."""
    term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
    code = term.get("code") if isinstance(term, dict) else None
    return code if isinstance(code, str) else None


def canonical_attribute(attribute: Any, *, known: Mapping[str, Term] | None = None) -> Any:
    """An attribute of one of our codes (`known`, by default every code of `KNOWN`) pointing at
    our own term, whatever term and ids it came with (a term is recognised by its code alone);
    anything else unchanged. The importer and partners' working records both store attributes
    this way."""
    code = code_of(attribute)
    if code is None or code not in (KNOWN if known is None else known):
        return attribute
    ours = term_record(code)
    return {
        **attribute,
        "taxonomy_term_id": ours["id"],
        "taxonomy_term": ours,
        "link_type": attribute.get("link_type", LINK_TYPE),
    }


def _is_code(value: object) -> bool:
    return isinstance(value, str) and "." in value and value.split(".", 1)[0] in RESERVED_PREFIXES


def is_ours(code: str) -> bool:
    """True for a code that claims our namespace (`need.…`, `offers.…`), known or not."""
    return "." in code and code.split(".", 1)[0] in RESERVED_PREFIXES


def codes_with_prefix(prefix: str) -> tuple[str, ...]:
    return tuple(term.code for term in TERMS if term.prefix == prefix)


assert TAXONOMIES[0].id == TAXONOMY_ID, "taxonomy id drifted"
assert {f"need.{need.value}" for need in Need} == set(codes_with_prefix("need")), "Need drifted"
assert [f"access.{word.value}" for word in Access] == list(codes_with_prefix("access")), (
    "Access drifted"
)
assert {status.value for status in WELCOME_STATUSES} | {"unknown"} == set(DocumentationStatus), (
    "DocumentationStatus drifted"
)
assert {term.code for term in _ALL_TERMS} == {
    value for name, value in list(globals().items()) if name.isupper() and _is_code(value)
}, "a code of taxonomy_terms.toml has no constant here, or a constant no term"
