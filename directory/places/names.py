"""How place names are compared, and the names of Belgium, its regions and provinces.

`normalise` folds case, accents, punctuation and Cyrillic script (Bulgarian transliteration, so
"София" meets GeoNames' "Sofiya"), so that the gazetteer is built and searched with one rule.
"""

import re
import unicodedata
from collections.abc import Mapping

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
