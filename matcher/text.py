"""Free text turned into needs, and a fuzzy score of names and descriptions (a shortlist only).

Two curated vocabularies: words and short phrases that name a need (`VOCABULARY`, in the
interface languages) and phrases that tell a situation (`matcher.phrases`, also in pt, ar and
tr). Both are read once into a `Vocabulary`; a person's words are then matched phrase by phrase,
each word tolerating a typo or two (`allowed_edits`), the words of a phrase in order with a
few others between them (`MAX_GAP`). Nothing of the person's text is kept or cached.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from directory.taxonomy import DocumentationStatus
from matcher.index import Index
from matcher.person import Person
from matcher.phrases import SITUATIONS

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
        "mst", "vih", "dépistage", "préservatif", "soa", "soa test", "condoom",
        "anticonceptie", "sti test", "geschlechtskrankheit", "kondom", "verhütung", "sida",
        "prezervativ", "спин", "хив", "презерватив", "тест", "condón",
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

MAX_GAP = 2
"""Words of the person's that may come between two words of a phrase ("ik slaap 's nachts op
straat" says "slaap op straat")."""
MAX_WORDS = 200
"""Words of a text read for needs (the API takes at most 1000 characters)."""
_FOLD = str.maketrans({"ı": "i", "ى": "ي", "ة": "ه"})
"""Letters typed either way: Turkish dotless i, Arabic alef maksura and teh marbuta."""


def normalise(text: str) -> str:
    """Lower case, without accents on Latin letters (Cyrillic kept), punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^\w]+", " ", bare).strip()


def allowed_edits(word: str) -> int:
    """Typos forgiven in a word: none below 5 letters, one up to 7, two from 8 on."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a person's words tell: needs, and whether to prefer services open to people
    without papers. Never a residence status or a danger flag."""

    needs: tuple[str, ...] = ()
    without_papers: bool = False


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    needs: tuple[str, ...]
    without_papers: bool


class Vocabulary:
    """Phrases indexed by their first word, and the words by first letter for typos."""

    def __init__(self, phrases: Iterable[_Phrase]) -> None:
        self.starting: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            self.starting.setdefault(phrase.words[0], []).append(phrase)
        words = sorted(
            {word for group in self.starting.values() for p in group for word in p.words}
        )
        self.words = frozenset(words)
        self.by_letter: dict[str, list[str]] = {}
        for word in words:
            if allowed_edits(word):
                self.by_letter.setdefault(word[0], []).append(word)

    def spellings(self, typed: str) -> set[str]:
        """The vocabulary's words that `typed` may mean: itself, or close ones starting alike."""
        found = {typed} if typed in self.words else set()
        edits = allowed_edits(typed)
        if edits:
            pool = self.by_letter.get(typed[0], [])
            for word, distance, _ in process.extract(
                typed, pool, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                if distance <= allowed_edits(word):
                    found.add(word)
        return found

    def understand(self, text: str | None) -> Understanding:
        if not text:
            return Understanding()
        read = [self.spellings(word) for word in normalise(text).split()[:MAX_WORDS]]
        needs: dict[str, None] = {}
        without_papers = False
        for position, spellings in enumerate(read):
            for word in sorted(spellings):
                for phrase in self.starting.get(word, ()):
                    if _follows(read, phrase.words, 1, position):
                        needs.update(dict.fromkeys(phrase.needs))
                        without_papers = without_papers or phrase.without_papers
        return Understanding(tuple(needs), without_papers)


def _follows(read: Sequence[set[str]], words: tuple[str, ...], k: int, at: int) -> bool:
    """Whether `words[k:]` come after position `at`, in order, each within `MAX_GAP` words."""
    if k == len(words):
        return True
    last = min(len(read), at + 2 + MAX_GAP)
    return any(words[k] in read[j] and _follows(read, words, k + 1, j) for j in range(at + 1, last))


def _phrase(text: str, needs: Iterable[str], without_papers: bool = False) -> _Phrase | None:
    words = tuple(normalise(text).split())
    return _Phrase(words, tuple(sorted(needs)), without_papers) if words else None


@cache
def vocabulary() -> Vocabulary:
    """Both vocabularies, read once (at the first search or the index build)."""
    by_words: dict[str, set[str]] = {}
    for need, words in VOCABULARY.items():
        for word in words:
            by_words.setdefault(word, set()).add(need)
    phrases = [_phrase(text, needs) for text, needs in by_words.items()]
    phrases += [
        _phrase(text, situation.needs, situation.without_papers)
        for situation in SITUATIONS
        for texts in situation.phrases.values()
        for text in texts
    ]
    return Vocabulary(phrase for phrase in phrases if phrase is not None)


def understand(text: str | None) -> Understanding:
    """The needs a person's words name, in the order they appear (typos tolerated), and
    whether they say the person may have no papers."""
    return vocabulary().understand(text)


def needs_in_text(text: str | None) -> tuple[str, ...]:
    """The needs a person's words name, in the order they appear (typos tolerated)."""
    return understand(text).needs


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


def _close_words(content: list[str], words: frozenset[str]) -> list[frozenset[str]]:
    """Per content word of the person's: the given words it may mean (itself, or typos)."""
    return [
        frozenset(
            {word}
            | {
                found
                for found, _, _ in process.extract(
                    word, words, scorer=fuzz.ratio, score_cutoff=DESCRIPTION_WORD_CUTOFF, limit=None
                )
            }
        )
        for word in content
    ]


def _content_words(text: str) -> list[str]:
    words = dict.fromkeys(normalise(text).split())
    return [w for w in words if len(w) >= MIN_CONTENT_LENGTH and w not in REQUEST_WORDS]


def name_similarity(text: str, names: list[str]) -> list[float]:
    """0..1 per name: how well the person's words match it (the words of the name, typos
    tolerated): someone who types a service's name is looking for that service."""
    query = normalise(text)
    if not query:
        return [0.0] * len(names)
    keys = list(dict.fromkeys(_name_key(name) for name in names))  # organisations repeat
    scores = process.cdist([query], keys, scorer=fuzz.token_set_ratio, dtype=np.float32)[0]
    by_key = dict(zip(keys, scores.tolist(), strict=True))
    return [by_key[_name_key(name)] / 100.0 for name in names]


@lru_cache(maxsize=32768)
def _name_key(name: str) -> str:
    """A service's or organisation's name, normalised once (directory data, not a person's)."""
    return normalise(name)


def description_share(text: str, descriptions: list[str]) -> list[float]:
    """0..1 per description: the share of the person's words that it holds (typos tolerated,
    words of asking such as "need" or "besoin" left out)."""
    content = _content_words(text)
    described = [_words(description) for description in descriptions]
    if not content:
        return [0.0] * len(descriptions)
    close = _close_words(content, frozenset().union(*described))
    return [sum(bool(c & words) for c in close) / len(content) for words in described]


NAME_BONUS = 0.25
"""For a service whose name the person typed: enough to come first among services alike."""
TEXT_BONUS = 0.05
"""For a service whose description holds the person's words: a tie-breaker."""
PAPERS_BONUS = 0.05
"""For a service open to people without papers when the person's words say they may have none
(and no status was given): a preference, never a filter."""
MATCH_CUTOFF = 0.8


def text_bonuses(index: Index, text: str | None, rows: list[int]) -> dict[int, float]:
    """Rows of the shortlist whose name or description matches the person's words, with the
    bonus each earns."""
    if not text:
        return {}
    listings = [index.listings[int(index.row_service[r])] for r in rows]
    by_name = name_similarity(text, [item.name for item in listings])
    by_organization = name_similarity(text, [item.organization_name for item in listings])
    by_words = description_share(text, [item.description for item in listings])
    bonus: dict[int, float] = {}
    for row, name, organization, words in zip(
        rows, by_name, by_organization, by_words, strict=True
    ):
        if max(name, organization) >= MATCH_CUTOFF:
            bonus[row] = NAME_BONUS
        elif words >= MATCH_CUTOFF:
            bonus[row] = TEXT_BONUS
    return bonus


def prefer_open(person: Person, understood: Understanding) -> bool:
    """The person's words say they may have no papers, and they gave no status (a stated one
    decides; the words never set it)."""
    return understood.without_papers and not person.known_status


def open_without_papers(index: Index, rows: list[int]) -> set[int]:
    """Rows of the shortlist whose service says it is open to people without papers."""
    return {
        r
        for r in rows
        if DocumentationStatus.undocumented
        in index.listings[int(index.row_service[r])].words("welcome")
    }
