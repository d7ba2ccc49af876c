"""Reasons, cautions and notices of the matcher in words, in any interface language.

The English text is the msgid; `web/locale/<lang>/LC_MESSAGES/matcher.po` holds the translations
(read through `web.i18n.translator`). Parameters are filled in after translation: language codes
become language names in the target language (CLDR, through Babel), need and audience words
become their translated names, `access.` words the taxonomy's names of their terms, Belgian
municipalities their names in the language (or their official local names), numbers are
formatted for the language.
"""

from collections.abc import Callable, Mapping
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

from directory.places.local_names import place_name
from directory.taxonomy import DocumentationStatus
from matcher.messages import Message, Param
from web.i18n import DEFAULT_LANGUAGE, supported, translator
from web.labels import term_name
from web.line_details import AREA_NAMES, DETAILS, area_names, details

DOMAIN = "matcher"

TEXTS: dict[str, str] = {
    # reasons
    "distance": "{km} km away",
    "in_place": "In {place}",
    "remote": "By phone or online",
    "speaks": "Speaks {language}",
    "interpretation": "Can bring in an interpreter",
    "meets_need": "Helps with: {need}",
    "stance_exit": "Works with people who want to leave sex work",
    "stance_rights_based": "Works with sex workers, whatever they decide",
    "free": "Free",
    "anonymous": "You do not have to give your name",
    "beds_available": "Free beds now: {beds}",
    "open_now": "Open now",
    "open_24_7": "Open day and night",
    "for_minors": "Works with people under 18",
    "recognised_trafficking_centre": "A recognised centre for victims of trafficking",
    "safety_added": "Added for your safety: help for people controlled by someone else",
    "matches_text": "Matches the words you wrote",
    "first_for_need": "Shown higher because it helps with another of your needs: {need}",
    "safety_moved_up": "Shown higher for your safety: help for people controlled by someone else",
    "accessible": "Accessibility: {features}",
    # cautions
    "justice_cooperation_for_status": (
        "Help and the 45-day reflection period do not depend on going to the police; a lasting "
        "residence status as a victim needs statements or a complaint"
    ),
    "asylum_application": "Only for people applying for asylum (international protection)",
    "asylum_application_undocumented": (
        "Only for people applying for asylum: reception starts with an asylum application at "
        "the Immigration Office"
    ),
    "for_trafficking_victims": "For victims of trafficking",
    "residence_in_area": "Only for people who live in {area}",
    "stance_exit_focused": "This service works towards leaving sex work",
    "unreachable": "No phone, e-mail, website or address is listed yet",
    "unreachable_outreach": (
        "No phone, e-mail, website or address is listed: its team goes out to meet people"
    ),
    "unreachable_referral": (
        "No phone, e-mail, website or address is listed: a social worker or doctor can refer you"
    ),
    "to_check": "Still to check with the service: {items}",
    "verified_months_ago": "Last confirmed {months} months ago",
    "residence_permit_may_be_needed": "May ask for a residence permit",
    "requires_id_document": "Asks for an identity document",
    "requires_health_insurance": "Asks for health insurance",
    "requires_appointment": "Make an appointment first",
    "requires_professional_referral": "Takes people referred by a social worker or doctor",
    "exit_commitment_required": "Only helps people who commit to stopping sex work",
    "police_complaint_required": "Only helps people who file a police complaint",
    "may_share_with_authorities": "May pass information to the authorities",
    "audience_restricted": "Only for: {groups}",
    "no_beds": "No free beds at the last update",
    "address_confidential": "Address kept confidential: call first",
    "accessibility_not_stated": "Accessibility not stated: {features}",
    # notices
    "emergency_number": "In danger right now? Call {phone} for urgent help (free, day and night).",
    "police_number": "To reach the police, call {phone}.",
    "crisis_line": "Helpline: {name}",
    "minor": (
        "You are under 18: you have a right to protection and help. Services that work with "
        "young people are shown first."
    ),
    "minor_line": (
        "You are under 18: you have a right to protection and help. Services that work with "
        "young people are shown first. A line for young people: {name}"
    ),
    "trafficking": (
        "If someone controls you, takes your money or papers, or threatens you or your family, "
        "a recognised centre for victims of trafficking can help you."
    ),
    "trafficking_centre": (
        "If someone controls you, takes your money or papers, or threatens you or your family, "
        "call {name}, the nearest recognised centre for victims of trafficking."
    ),
    "trafficking_centres": (
        "If someone controls you, takes your money or papers, or threatens you or your family, "
        "call one of the recognised centres for victims of trafficking:"
    ),
    "trafficking_centre_listed": "{name}",
    "trafficking_line": "{name} also helps victims of trafficking.",
    "trafficking_report_line": (
        "To report trafficking to the authorities: {name}. A report can start a criminal "
        "investigation."
    ),
    "line_not_confirmed": (
        "This number was read in a public source and is not yet confirmed with the service. "
        "If nobody answers and you are in danger, call {phone}."
    ),
}
"""Code -> English text (the msgid)."""

STATUS_TEXTS: dict[str, str] = {
    DocumentationStatus.undocumented: "Open to people without papers",
    DocumentationStatus.asylum_seeker: "Open to asylum seekers",
    DocumentationStatus.non_eu_permit: "Open to people with a non-EU residence permit",
    DocumentationStatus.eu_citizen: "Open to EU citizens",
    DocumentationStatus.citizen: "Open to citizens",
}
REGION_TEXTS: dict[str, str] = {
    "BE-VLG": "In Flanders",
    "BE-WAL": "In Wallonia",
    "BE-BRU": "In the Brussels-Capital Region",
}
"""`in_region`: where a confidential site with no point is, in a whole sentence per region
(the preposition and article depend on the region in most languages)."""
NEED_NAMES: dict[str, str] = {
    "emergency_shelter": "Emergency shelter",
    "housing": "Housing",
    "health_sexual": "Sexual health",
    "health_general": "Health care",
    "health_mental": "Mental health",
    "harm_reduction": "Harm reduction",
    "legal_migration": "Papers and residence",
    "legal_labour": "Work rights",
    "legal_general": "Legal advice",
    "trafficking_support": "Help for victims of trafficking",
    "violence_support": "Help after violence",
    "training": "Training",
    "employment": "Finding work",
    "language_course": "Language courses",
    "financial": "Money and benefits",
    "administration": "Paperwork",
    "peer_support": "Peer support",
    "childcare_family": "Children and family",
    "basic_needs": "Food, showers, clothes",
    "crisis_line": "Helpline",
    "exit_programme": "Leaving sex work",
}
TO_CHECK_NAMES: dict[str, str] = {
    "listing": "these details",
    "eligibility": "who can use it",
    "phone": "the phone number",
}
GROUP_NAMES: dict[str, str] = {
    "women": "women",
    "men": "men",
    "trans": "trans people",
    "nonbinary": "non-binary people",
}


def every_msgid() -> list[str]:
    """Every English text the catalogs must translate."""
    return [
        *TEXTS.values(),
        *DETAILS.values(),
        *AREA_NAMES.values(),
        *STATUS_TEXTS.values(),
        *REGION_TEXTS.values(),
        *NEED_NAMES.values(),
        *GROUP_NAMES.values(),
        *TO_CHECK_NAMES.values(),
    ]


def language_name(code: str, lang: str) -> str:
    """A language's name in `lang` ("roumain" for ro in fr), or the code if CLDR lacks it."""
    try:
        names: Mapping[str, str] = Locale.parse(lang).languages
    except (ValueError, TypeError):
        return code
    return names.get(code, code)


def _number(value: Param, lang: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        return str(format_decimal(value, format="#,##0.#", locale=lang))
    return str(int(value)) if isinstance(value, float | int) else str(value)


def render(message: Message, lang: str) -> str:
    """The message in `lang` (an unknown language gives English)."""
    params = tuple(sorted(message.params.items()))
    return _render(message.code, params, supported(lang) or DEFAULT_LANGUAGE)


@lru_cache(maxsize=8192)
def _render(code: str, items: tuple[tuple[str, Param], ...], lang: str) -> str:
    """One sentence, kept: the same few hundred come back in every answer."""
    say: Callable[[str], str] = translator(lang, DOMAIN).gettext
    params = dict(items)
    if code == "welcomes_status":
        return say(STATUS_TEXTS[str(params["status"])])
    if code == "in_region":
        return say(REGION_TEXTS[str(params["region"])])
    values: dict[str, str] = {key: _number(value, lang) for key, value in params.items()}
    if params.get("place"):
        values["place"] = place_name(str(params["place"]), lang=lang)
    if "language" in params:
        values["language"] = language_name(str(params["language"]), lang)
    if "need" in params:
        values["need"] = say(NEED_NAMES[str(params["need"])])
    if "groups" in params:
        groups = [word for word in str(params["groups"]).split(",") if word]
        values["groups"] = ", ".join(say(GROUP_NAMES[word]) for word in groups)
    if "items" in params:
        named = [word for word in str(params["items"]).split(",") if word]
        values["items"] = ", ".join(say(TO_CHECK_NAMES[word]) for word in named)
    if "features" in params:
        words = [word for word in str(params["features"]).split(",") if word]
        values["features"] = ", ".join(term_name(f"access.{word}", lang) for word in words)
    if "area" in params:
        values["area"] = area_names(str(params["area"]), say)
    if "name" in params:  # a line: "Tele-Onthaal (in Dutch; for Belgium; day and night)"
        values["name"] += details(params, lang, say, language_name)
    return say(TEXTS[code]).format(**values)
