"""How place names are compared, and the names of Belgium, its regions and provinces.

`normalise` folds case, accents, punctuation and Cyrillic script (Bulgarian transliteration, so
"София" meets GeoNames' "Sofiya"), so that the gazetteer is built and searched with one rule.

A searched name is also taken apart here: a Belgian postcode and the words around it, words that
say "the centre of", "St" and "Ste" written out, a country's name or code, and how many typing
errors a name of its length may carry.
"""

import re
import unicodedata
from collections.abc import Iterator, Mapping
from itertools import product

import pycountry

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a",
    "ь": "", "ю": "yu", "я": "ya", "ё": "yo", "ы": "y", "э": "e", "є": "ye", "і": "i", "ї": "yi",
    "ґ": "g", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz", "ў": "u",
}  # fmt: skip
_LETTERS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
            "ı": "i", "ħ": "h", "ŀ": "l", "ŧ": "t"}  # fmt: skip
_APOSTROPHES = dict.fromkeys("'’‘`´ʼʻ", "")
_FOLD = str.maketrans({**_CYRILLIC, **_LETTERS, **_APOSTROPHES})
_SEPARATORS = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Unaccented lower-case words, one space apart: "Sint-Joost" -> "sint joost"."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(_SEPARATORS.sub(" ", bare).split())


def _table(names: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(name): code for code, spellings in names.items() for name in spellings}


BELGIUM_NAMES = frozenset(
    normalise(name)
    for name in (
        "Belgium", "Belgique", "België", "Belgien", "Bélgica", "Belgia", "Белгия", "BE", "BEL",
        "Kingdom of Belgium", "Royaume de Belgique", "Koninkrijk België", "Königreich Belgien",
    )
)  # fmt: skip

REGION_NAMES = _table(
    {
        "BE-VLG": (
            "Vlaanderen", "Flanders", "Flandre", "Flandres", "Flandern", "Flandes", "Flandra",
            "Фландрия", "Vlaams Gewest", "Flemish Region", "Région flamande", "Flämische Region",
            "Región Flamenca", "Regiunea Flamandă", "Фламандски регион", "BE-VLG", "VLG",
        ),
        "BE-WAL": (
            "Wallonie", "Wallonia", "Wallonië", "Wallonien", "Valonia", "Валония", "Waals Gewest",
            "Walloon Region", "Région wallonne", "Wallonische Region", "Región Valona",
            "Regiunea Valonă", "Валонски регион", "BE-WAL", "WAL",
        ),
        "BE-BRU": (
            "Bruxelles", "Brussel", "Brussels", "Brüssel", "Bruselas", "Bruxelas", "Bruxel",
            "Брюксел", "Brussels-Capital Region", "Brussels Capital Region", "Brussels-Capital",
            "Brussels Region", "Région de Bruxelles-Capitale", "Région bruxelloise",
            "Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest", "Brussels Gewest",
            "Hoofdstedelijk Gewest Brussel", "Region Brüssel-Hauptstadt", "Brüssel-Hauptstadt",
            "Región de Bruselas-Capital", "Regiunea Capitalei Bruxelles", "Регион Брюксел-столица",
            "BE-BRU", "BRU",
        ),
    }
)  # fmt: skip
"""Normalised region name -> ISO 3166-2 code of the Belgian region."""

PROVINCES: tuple[str, ...] = (
    "BE-VAN", "BE-VBR", "BE-VLI", "BE-VOV", "BE-VWV",
    "BE-WBR", "BE-WHT", "BE-WLG", "BE-WLX", "BE-WNA",
)  # fmt: skip
"""ISO 3166-2 codes of the ten provinces; the gazetteer stores a province as 1 + its index here."""

PROVINCE_NAMES = _table(
    {
        "BE-VBR": ("Vlaams-Brabant", "Brabant flamand", "Flämisch-Brabant", "Flemish Brabant",
                   "Brabante Flamenco", "Brabantul Flamand"),
        "BE-VLI": ("Limburg", "Limburgo"),
        "BE-VOV": ("Oost-Vlaanderen", "Flandre-Orientale", "Ostflandern", "East Flanders",
                   "Flandes Oriental", "Flandra de Est"),
        "BE-VWV": ("West-Vlaanderen", "Flandre-Occidentale", "Westflandern", "West Flanders",
                   "Flandes Occidental", "Flandra de Vest"),
        "BE-WBR": ("Waals-Brabant", "Brabant wallon", "Wallonisch-Brabant", "Walloon Brabant",
                   "Brabante Valón", "Brabantul Valon"),
        "BE-WHT": ("Henegouwen", "Hainaut", "Hennegau", "Henao"),
    }
)  # fmt: skip
"""Province names that name nothing else in Belgium, so they need no "province" to be understood."""

QUALIFIED_PROVINCE_NAMES = {
    **PROVINCE_NAMES,
    **_table(
        {
            "BE-VAN": ("Antwerpen", "Anvers", "Antwerp", "Amberes", "Anversa"),
            "BE-VLI": ("Limbourg",),
            "BE-WLG": ("Luik", "Liège", "Lüttich", "Lieja", "Liegi"),
            "BE-WLX": ("Luxemburg", "Luxembourg", "Luxemburgo"),
            "BE-WNA": ("Namen", "Namur"),
        }
    ),
}
"""Every province name, understood when the words say it is a province ("Province de Namur")."""

PROVINCE_WORDS = frozenset(
    normalise(word)
    for word in ("provincie", "province", "provinz", "provincia", "prov", "провинция")
)
_FILLERS = frozenset({"de", "du", "des", "of", "the", "van", "von", "di", "la", "le", "del"})


def province_named(name: str) -> str | None:
    """ISO 3166-2 code of the Belgian province the (normalised) name means, or None."""
    words = name.split()
    if not PROVINCE_WORDS.intersection(words):
        return PROVINCE_NAMES.get(name)
    words = [word for word in words if word not in PROVINCE_WORDS]
    while words and words[0] in _FILLERS:
        words.pop(0)
    return QUALIFIED_PROVINCE_NAMES.get(" ".join(words))


# --- what a searched name is made of -------------------------------------------------------------

GENERIC_WORDS = frozenset(
    normalise(word)
    for word in (
        *("centrum", "centre", "center", "centro", "city", "stad", "ville", "stadt", "downtown"),
        *("oraș", "град", "център"),
    )
)
"""Words that say "the centre of" rather than which place."""
SAINTS = {"st": ("sint", "saint", "sankt"), "ste": ("sainte",)}


def split_postcode(key: str) -> tuple[int | None, str]:
    """A Belgian-looking postcode ("1000", "b 1000", "be 1000") and the words around it."""
    words = key.split()
    postcode = None
    kept: list[str] = []
    for word in words:
        if word.isdigit():
            if len(word) == 4 and word[0] != "0" and postcode is None:
                postcode = int(word)
                if kept and kept[-1] in {"b", "be"}:
                    kept.pop()
            continue
        kept.append(word)
    return postcode, " ".join(kept)


def variants(key: str) -> Iterator[str]:
    """The name without words like "centre", and with "St"/"Ste" written out."""
    words = key.split()
    specific = [word for word in words if word not in GENERIC_WORDS]
    if specific and specific != words:
        yield " ".join(specific)
    if any(word in SAINTS for word in specific):
        for combination in product(*[SAINTS.get(word, (word,)) for word in specific]):
            yield " ".join(combination)


def allowed_edits(key: str) -> int:
    letters = len(key.replace(" ", ""))
    if letters < 5:
        return 0
    return 1 if letters < 8 else 2


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code in English ("France", "FR", "FRA")."""
    if name in BELGIUM_NAMES:
        return "BE"
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


REGION_PROVINCES: dict[str, tuple[str, ...]] = {
    "BE-BRU": ("BE-BRU",),
    "BE-VLG": tuple(code for code in PROVINCES if code.startswith("BE-V")),
    "BE-WAL": tuple(code for code in PROVINCES if code.startswith("BE-W")),
}
"""The provinces of each region (the Brussels-Capital Region, in none, stands for itself)."""
