"""Belgian municipalities named in the reader's language (DESIGN.md, "Place names").

`directory/geo/municipality_names.tsv` (written by `scripts/build_gazetteer.py` from Statbel's
Dutch, French and German names, with the few English names in common use) gives each
municipality its names per language. A reader whose language the file has (nl, fr, de, en) reads
that name; anyone else reads the official local name: Dutch in Flanders, German in the
German-speaking municipalities, French in Wallonia, French and Dutch in Brussels.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory.places.names import normalise

NAMES_PATH = Path(__file__).parent.parent / "geo" / "municipality_names.tsv"
LANGUAGES = ("nl", "fr", "de", "en")
"""The languages the file names municipalities in."""
BOTH = " / "
"""Between the French and the Dutch name of a Brussels municipality ("Bruxelles / Brussel")."""


@dataclass(frozen=True, slots=True)
class Municipality:
    region: str
    """ISO 3166-2 code of the region: "BE-VLG", "BE-WAL" or "BE-BRU"."""
    local: str
    """The official local name (both official names in Brussels)."""
    names: dict[str, str]
    """Language -> name, for the languages of `LANGUAGES` that have one."""

    def name_in(self, lang: str) -> str:
        return self.names.get(lang) or self.local


@dataclass(frozen=True, slots=True)
class Table:
    by_name: dict[str, Municipality]
    """Normalised name (in any of the file's languages) -> its municipality."""
    by_postcode: dict[str, Municipality]


@cache
def municipalities() -> Table:
    """The municipalities by name and by postcode, read once."""
    table = Table({}, {})
    with NAMES_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            names = {lang: row[lang] for lang in LANGUAGES if row[lang]}
            municipality = Municipality(row["region"], row["local"], names)
            for name in {row["local"], *names.values()}:
                table.by_name.setdefault(normalise(name), municipality)
            for postcode in row["postcodes"].split(","):
                table.by_postcode.setdefault(postcode, municipality)
    return table


def _reader(lang: str) -> str:
    return lang.split("-")[0].lower()


def place_name(
    name: str, *, lang: str, region: str | None = None, postcode: str | None = None
) -> str:
    """A Belgian municipality's name as a reader of `lang` knows it ("Gand" -> "Gent" in nl,
    "Ghent" in en); any other name as it is. With `region`, only a municipality of that region
    is renamed (a village abroad that shares a Belgian name keeps its own); with the postcode of
    a municipality, a spelling the file lacks ("Amberes", "Lüttich") is named from it."""
    table = municipalities()
    municipality = table.by_name.get(normalise(name))
    if municipality is None and postcode:
        municipality = table.by_postcode.get(postcode)
    if municipality is None or (region is not None and municipality.region != region):
        return name
    return municipality.name_in(lang.split("-")[0].lower())
