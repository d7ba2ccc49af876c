"""Free text in fr, nl, en, de (and ro, bg, es where the vocabulary allows) turned into needs.

A curated vocabulary, matched word by word (and on two-word phrases), tolerant of typos through
rapidfuzz; and a fuzzy score of names and descriptions, for a shortlist only.
"""

import re
import unicodedata
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

# fmt: off
VOCABULARY: dict[str, tuple[str, ...]] = {
    "emergency_shelter": (
        "shelter", "night shelter", "bed", "sleep", "homeless", "tonight", "abri", "hébergement",
        "lit", "dormir", "sans abri", "urgence", "opvang", "nachtopvang", "slapen", "dakloos",
        "noodopvang", "notunterkunft", "schlafplatz", "obdachlos", "übernachtung", "adăpost",
        "dormit", "подслон", "приют", "albergue", "refugio",
    ),
    "housing": (
        "housing", "flat", "apartment", "rent", "home", "accommodation", "logement", "appartement",
        "loyer", "maison", "woning", "huisvesting", "huur", "huis", "wonen", "wohnung",
        "unterkunft", "miete", "wohnen", "locuință", "chirie", "casa", "жилище", "квартира", "наем",
        "vivienda", "piso", "alquiler",
    ),
    "health_sexual": (
        "sti", "std", "hiv", "prep", "test", "testing", "condom", "contraception", "screening",
        "ist", "mst", "vih", "dépistage", "préservatif", "soa", "soa test", "condoom",
        "anticonceptie", "sti test", "geschlechtskrankheit", "kondom", "verhütung", "its", "sida",
        "prezervativ", "спин", "хив", "презерватив", "тест", "condón", "prueba",
    ),
    "health_general": (
        "doctor", "health", "sick", "nurse", "medical", "hospital", "pain", "médecin", "santé",
        "malade", "soins", "hôpital", "dokter", "arts", "gezondheid", "ziek", "ziekenhuis", "zorg",
        "arzt", "arztin", "gesundheit", "krank", "krankenhaus", "medic", "sănătate", "лекар",
        "болен", "здраве", "médico", "salud", "enfermo",
    ),
    "health_mental": (
        "mental", "psychologist", "counselling", "depression", "anxiety", "trauma", "psychologue",
        "psy", "parler", "angoisse", "depressie", "psycholoog", "praten", "psychologe", "angst",
        "reden", "psiholog", "психолог", "psicólogo",
    ),
    "harm_reduction": (
        "harm reduction", "needle", "syringe", "drugs", "safer use", "réduction des risques",
        "seringue", "drogue", "spuit", "schadebeperking", "spritze", "drogen", "droguri",
        "наркотици", "drogas", "jeringa",
    ),
    "legal_migration": (
        "papers", "residence", "visa", "asylum", "permit", "migration", "undocumented", "papiers",
        "sans papiers", "titre de sejour", "séjour", "asile", "régularisation", "verblijf",
        "verblijfsvergunning", "papieren", "asiel", "zonder papieren", "aufenthalt",
        "aufenthaltstitel", "asyl", "papiere", "acte", "azil", "rezidență", "документи", "убежище",
        "пребиваване", "papeles", "asilo", "residencia",
    ),
    "legal_labour": (
        "contract", "labour", "labor", "rights", "work rights", "employer", "union", "contrat",
        "droit du travail", "droits", "syndicat", "arbeidscontract", "rechten", "vakbond",
        "arbeitsvertrag", "rechte", "gewerkschaft", "contract de munca", "drepturi", "договор",
        "права", "contrato", "derechos",
    ),
    "legal_general": (
        "lawyer", "legal", "law", "court", "judge", "advice", "avocat", "juridique", "tribunal",
        "advocaat", "juridisch", "rechtbank", "anwalt", "rechtsanwalt", "gericht", "адвокат",
        "abogado", "juridico",
    ),
    "trafficking_support": (
        "trafficking", "trafficked", "exploited", "forced", "pimp", "controlled", "traite",
        "exploitation", "proxénète", "forcée", "mensenhandel", "uitbuiting", "pooier", "gedwongen",
        "menschenhandel", "ausbeutung", "zuhalter", "gezwungen", "trafic", "exploatare", "трафик",
        "трафикинг", "експлоатация", "trata", "explotación",
    ),
    "violence_support": (
        "violence", "rape", "assault", "abuse", "beaten", "viol", "agression", "violences",
        "geweld", "verkrachting", "mishandeling", "gewalt", "vergewaltigung", "missbrauch",
        "violenta", "насилие", "изнасилване", "violencia", "violación",
    ),
    "training": (
        "training", "course", "school", "learn", "diploma", "formation", "cours", "école",
        "apprendre", "diplôme", "opleiding", "cursus", "leren", "ausbildung", "kurs", "schule",
        "lernen", "curs", "școală", "обучение", "курс", "formación", "curso",
    ),
    "employment": (
        "job", "work", "employment", "career", "cv", "emploi", "travail", "boulot", "werk", "baan",
        "arbeit", "stelle", "beruf", "muncă", "loc de munca", "работа", "trabajo", "empleo",
    ),
    "language_course": (
        "language course", "learn french", "learn dutch", "french", "dutch", "cours de langue",
        "français", "néerlandais", "taalcursus", "nederlands leren", "sprachkurs", "deutschkurs",
        "curs de limba", "езиков курс", "curso de idioma",
    ),
    "financial": (
        "money", "debt", "benefits", "allowance", "income", "argent", "dette", "dettes",
        "allocation", "cpas", "revenu", "geld", "schulden", "uitkering", "ocmw", "leefloon",
        "sozialhilfe", "bani", "datorii", "пари", "дългове", "dinero", "deudas", "ayuda",
    ),
    "administration": (
        "paperwork", "forms", "registration", "administration", "administratif", "formulaire",
        "inscription", "administratie", "formulier", "inschrijving", "formular", "anmeldung",
        "verwaltung", "административни", "trámites",
    ),
    "peer_support": (
        "peer", "peers", "community", "other sex workers", "group", "pairs", "communauté", "groupe",
        "lotgenoten", "groep", "gemeinschaft", "gruppe", "comunitate", "общност", "comunidad",
    ),
    "childcare_family": (
        "child", "children", "baby", "pregnant", "family", "kids", "enfant", "enfants", "bébé",
        "enceinte", "famille", "kinderen", "zwanger", "gezin", "familie", "kinder", "schwanger",
        "copil", "copii", "gravida", "însărcinată", "дете", "деца", "бременна", "niño", "niños",
        "embarazada", "familia",
    ),
    "basic_needs": (
        "food", "meal", "shower", "clothes", "hungry", "laundry", "nourriture", "repas", "douche",
        "vêtements", "faim", "eten", "maaltijd", "kleren", "honger", "essen", "dusche", "kleidung",
        "hunger", "mâncare", "dus", "haine", "храна", "душ", "дрехи", "comida", "ducha", "ropa",
    ),
    "crisis_line": (
        "helpline", "hotline", "phone", "emergency", "ligne", "appeler", "téléphone", "hulplijn",
        "bellen", "notruf", "anrufen", "telefon", "linie", "телефон", "línea",
    ),
    "exit_programme": (
        "exit", "leave sex work", "stop", "quit", "get out", "sortir", "arrêter", "quitter",
        "stoppen", "uitstappen", "aussteigen", "ausstieg", "ieși", "renunta", "спра", "dejar",
        "salir",
    ),
}
# fmt: on
"""Need -> words and short phrases that say it, lower case, in the interface languages."""

FUZZY_CUTOFF = 86
MIN_FUZZY_LENGTH = 5


def normalise(text: str) -> str:
    """Lower case, without accents on Latin letters (Cyrillic kept), punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^\w]+", " ", bare).strip()


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    lexicon: dict[str, set[str]] = {}
    for need, words in VOCABULARY.items():
        for word in words:
            lexicon.setdefault(normalise(word), set()).add(need)
    return {word: frozenset(needs) for word, needs in lexicon.items()}


def _phrases(text: str) -> list[str]:
    words = normalise(text).split()
    return words + [" ".join(pair) for pair in zip(words, words[1:], strict=False)]


def needs_in_text(text: str | None) -> tuple[str, ...]:
    """The needs a person's words name, in the order they appear (typos tolerated)."""
    if not text:
        return ()
    lexicon = _lexicon()
    keys = list(lexicon)
    found: dict[str, None] = {}
    for phrase in _phrases(text)[:200]:
        needs = lexicon.get(phrase)
        if needs is None and len(phrase) >= MIN_FUZZY_LENGTH:
            best = process.extractOne(phrase, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            needs = lexicon[best[0]] if best else None
        for need in sorted(needs or ()):
            found[need] = None
    return tuple(found)


MIN_CONTENT_LENGTH = 4
"""Shorter words ("a", "de", "het", "für") say little about a service: not counted."""
# fmt: off
REQUEST_WORDS = frozenset(normalise(word) for word in (
    "need", "needs", "help", "want", "with", "from", "have", "please", "some", "about", "would",
    "besoin", "aide", "aider", "veux", "voudrais", "pour", "avec", "dans", "chez", "cherche",
    "nodig", "hulp", "voor", "zoek", "graag", "hebben", "willen",
    "brauche", "hilfe", "suche", "möchte", "bitte", "eine", "einen", "einer",
    "nevoie", "ajutor", "vreau", "pentru", "caut", "помощ", "нужда", "искам", "търся", "моля",
    "necesito", "ayuda", "quiero", "para", "busco", "favor",
))
# fmt: on
"""Words of asking, not of what is asked for: not counted against a description."""
DESCRIPTION_WORD_CUTOFF = 85


@lru_cache(maxsize=4096)
def _words(description: str) -> frozenset[str]:
    """A description's distinct words, normalised (kept for the listings looked at most)."""
    return frozenset(normalise(description).split())


def _described(content: list[str], description: str) -> float:
    """The share of the person's content words that the description holds (typos tolerated)."""
    words = _words(description)
    if not content or not words:
        return 0.0
    found = sum(
        word in words
        or process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=DESCRIPTION_WORD_CUTOFF)
        is not None
        for word in content
    )
    return found / len(content)


def _content_words(text: str) -> list[str]:
    words = dict.fromkeys(normalise(text).split())
    return [w for w in words if len(w) >= MIN_CONTENT_LENGTH and w not in REQUEST_WORDS]


def name_similarity(text: str, names: list[str]) -> list[float]:
    """0..1 per name: how well the person's words match it (the words of the name, typos
    tolerated): someone who types a service's name is looking for that service."""
    query = normalise(text)
    if not query:
        return [0.0] * len(names)
    return [fuzz.token_set_ratio(query, normalise(name)) / 100.0 for name in names]


def description_share(text: str, descriptions: list[str]) -> list[float]:
    """0..1 per description: the share of the person's words that it holds (typos tolerated,
    words of asking such as "need" or "besoin" left out)."""
    content = _content_words(text)
    return [_described(content, description) for description in descriptions]
