"""Build the offline gazetteer `directory/geo/gazetteer.npz` from the shared GeoNames/Statbel files.

    python scripts/build_gazetteer.py [../shared/data/geo]

Reads be_postcodes.tsv, be_municipalities.tsv and places_eu.tsv.gz (see directory/geo/README.md for
what is kept) and writes numpy arrays only: one sorted table of normalised names pointing at
entries (Belgian municipalities, postcode localities, GeoNames places), float32 coordinates and
small integer codes. Run it again whenever the source files change, then commit the result.
"""

import csv
import gzip
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from directory.places.gazetteer import DEFAULT_PATH, KINDS, REGIONS, haversine_km
from directory.places.local_names import NAMES_PATH
from directory.places.names import PROVINCES, normalise

SOURCE = Path("../shared/data/geo")
NEIGHBOURS = {"NL", "LU", "FR", "DE"}
MIN_POPULATION = 15_000
"""Foreign places kept everywhere in Europe from this population on ..."""
MIN_POPULATION_NEIGHBOURS = 5_000
"""... from this one in the Netherlands, Luxembourg, France and Germany ..."""
BORDER_KM = 30.0
"""... and every source place (500+ inhabitants) this close to a Belgian postcode."""
MAJOR_CITY = 200_000
"""A foreign city this big outranks a Belgian locality of the same name (never a municipality)."""
FUZZY_POPULATION = 50_000
"""Typos are forgiven for Belgian names and for foreign places this big."""
MERGE_KM = 8.0
GERMAN_SPEAKING = {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}
"""Their name_nl column holds the German name, the one to show."""
COMMON_NAMES = {"21004": ("Bxl",), "21012": ("Molenbeek",), "21014": ("Sint-Joost", "Saint-Josse")}
"""Short names everyone in Brussels uses that the sources lack (GeoNames gives "Molenbeek" to a
village near Leuven); they count as official names of these municipalities."""
ENGLISH_NAMES = {
    "11002": "Antwerp", "21004": "Brussels", "31005": "Bruges", "33011": "Ypres",
    "35013": "Ostend", "44021": "Ghent",
}  # fmt: skip
"""English names in common use that differ from the local ones (the others read the local name)."""
REGION_OF_COLUMN = {"Vlaanderen": "BE-VLG", "Wallonie": "BE-WAL", "Bruxelles-Capitale": "BE-BRU"}
REGION_OF_ADMIN1 = {"VLG": "BE-VLG", "WAL": "BE-WAL", "BRU": "BE-BRU"}
PROVINCE_OF_REFNIS = {
    "1": "BE-VAN",
    "3": "BE-VWV",
    "4": "BE-VOV",
    "5": "BE-WHT",
    "6": "BE-WLG",
    "7": "BE-VLI",
    "8": "BE-WLX",
    "9": "BE-WNA",
    "23": "BE-VBR",
    "24": "BE-VBR",
    "25": "BE-WBR",
}


@dataclass
class Entry:
    name: str
    latitude: float
    longitude: float
    country: str
    kind: str
    region: str = ""
    province: str = ""
    postcode: int = 0
    population: int = 0
    names: dict[tuple[str, str], bool] = field(default_factory=dict)
    """(normalised name, spelling) -> official?, in the order the sources list them."""

    def add_name(self, spelling: str, *, official: bool) -> None:
        key = normalise(spelling)
        if key:
            self.names[key, spelling] = self.names.get((key, spelling), False) or official

    @property
    def keys(self) -> set[str]:
        return {key for key, _ in self.names}


def province_of_refnis(refnis: str) -> str:
    if refnis.startswith("21"):
        return ""
    return PROVINCE_OF_REFNIS.get(refnis[:2]) or PROVINCE_OF_REFNIS[refnis[0]]


def region_of_province(province: str) -> str:
    return "BE-VLG" if province.startswith("BE-V") else "BE-WAL"


def display_name(row: dict[str, str], region: str) -> str:
    """The name the municipality goes by locally (French in Brussels, as its postcodes are)."""
    dutch = region == "BE-VLG" or row["refnis"] in GERMAN_SPEAKING
    return (row["name_nl"] if dutch else row["name_fr"]) or row["name_nl"] or row["name_fr"]


def local_name(row: dict[str, str], region: str) -> str:
    """The official name where the municipality is: both in Brussels, French first."""
    if region != "BE-BRU" or row["name_nl"] == row["name_fr"]:
        return display_name(row, region)
    return f"{row['name_fr']} / {row['name_nl']}"


def municipality_names(source: Path) -> list[dict[str, str]]:
    """Per municipality: its region, official local name, names in nl, fr, de, en; postcodes."""
    rows = []
    for row in read_tsv(source / "be_municipalities.tsv"):
        province = province_of_refnis(row["refnis"])
        region = region_of_province(province) if province else "BE-BRU"
        german = row["refnis"] in GERMAN_SPEAKING
        rows.append(
            {
                "refnis": row["refnis"],
                "region": region,
                "local": local_name(row, region),
                "nl": row["name_nl"],
                "fr": row["name_fr"],
                "de": row["name_nl"] if german else row["name_de"],
                "en": ENGLISH_NAMES.get(row["refnis"], ""),
                "postcodes": row["postcodes"],
            }
        )
    return rows


def write_municipality_names(source: Path, path: Path) -> None:
    rows = municipality_names(source)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def usable_alias(name: str) -> bool:
    """A proper-noun spelling in Latin or Cyrillic script (lower-case romanisations are noise)."""
    if not 2 <= len(name) <= 60 or not any(c.isupper() for c in name):
        return False
    scripts = (unicodedata.name(c, "").split(" ")[0] for c in name if c.isalpha())
    return all(script in {"LATIN", "CYRILLIC"} for script in scripts)


def municipalities(source: Path) -> tuple[list[Entry], dict[int, list[int]]]:
    entries: list[Entry] = []
    postcodes: dict[int, list[int]] = {}
    for row in read_tsv(source / "be_municipalities.tsv"):
        province = province_of_refnis(row["refnis"])
        codes = [int(code) for code in row["postcodes"].split(",")]
        region = region_of_province(province) if province else "BE-BRU"
        entry = Entry(
            display_name(row, region),
            float(row["lat"]),
            float(row["lon"]),
            "BE",
            "municipality",
            region,
            province,
            codes[0],
        )
        for spelling in (
            row["name_nl"],
            row["name_fr"],
            row["name_de"],
            *COMMON_NAMES.get(row["refnis"], ()),
        ):
            if spelling:
                entry.add_name(spelling, official=True)
        postcodes[len(entries)] = codes
        entries.append(entry)
    return entries, postcodes


def postcode_localities(source: Path, province_of_postcode: dict[int, str]) -> list[Entry]:
    entries, seen = [], set()
    for row in read_tsv(source / "be_postcodes.tsv"):
        code, key = int(row["postcode"]), normalise(row["place"])
        if (code, key) in seen:
            continue
        seen.add((code, key))
        region = REGION_OF_COLUMN[row["region"]]
        province = province_of_postcode.get(code, "")
        if province and region_of_province(province) != region:
            print(f"warning: postcode {code} in {region} but in province {province}")
        entry = Entry(
            row["place"],
            float(row["lat"]),
            float(row["lon"]),
            "BE",
            "postcode",
            region,
            province,
            code,
        )
        entry.add_name(row["place"], official=True)
        entries.append(entry)
    return entries


def main_localities(localities: list[Entry], muni_names: dict[int, set[str]]) -> dict[int, int]:
    """Per postcode, the locality named like its municipality, else the first one listed."""

    def named_like_municipality(entry: Entry) -> bool:
        return bool(entry.keys & muni_names.get(entry.postcode, set()))

    main: dict[int, int] = {}
    for index, entry in enumerate(localities):
        current = main.get(entry.postcode)
        if current is None or (
            named_like_municipality(entry) and not named_like_municipality(localities[current])
        ):
            main[entry.postcode] = index
    return main


def nearest(entries: list[Entry], latitude: float, longitude: float) -> tuple[int, float]:
    lats = np.array([e.latitude for e in entries])
    lons = np.array([e.longitude for e in entries])
    distances = haversine_km(latitude, longitude, lats, lons)
    index = int(np.argmin(distances))
    return index, float(distances[index])


def merge_geonames_belgium(
    rows: list[dict[str, str]], belgian: list[Entry], localities: list[Entry]
) -> list[Entry]:
    """Give Belgian GeoNames places' names and population to the entry they describe.

    A place no municipality or postcode locality of that name within MERGE_KM describes is kept.
    """
    by_name: dict[str, list[Entry]] = defaultdict(list)
    for entry in belgian:
        for (key, _), official in entry.names.items():
            if official:
                by_name[key].append(entry)
    kept = []
    for row in rows:
        latitude, longitude = float(row["lat"]), float(row["lon"])
        spellings = [row["name"], *row["alternatenames"].split("|")]
        target = None
        for spelling in spellings:
            candidates = [
                e
                for e in by_name.get(normalise(spelling), [])
                if haversine_km(latitude, longitude, e.latitude, e.longitude) <= MERGE_KM
            ]
            if candidates:
                target = min(
                    candidates,
                    key=lambda e: (
                        e.kind != "municipality",
                        haversine_km(latitude, longitude, e.latitude, e.longitude),
                    ),
                )
                break
        if target is None:
            index, _ = nearest(localities, latitude, longitude)
            near = localities[index]
            target = Entry(
                row["name"],
                latitude,
                longitude,
                "BE",
                "place",
                REGION_OF_ADMIN1[row["admin1"]],
                near.province,
                near.postcode,
            )
            target.add_name(row["name"], official=True)
            kept.append(target)
        target.population = max(target.population, int(row["population"]))
        add_aliases(target, spellings)
    return kept


def add_aliases(entry: Entry, spellings: Iterable[str]) -> None:
    for spelling in spellings:
        if spelling and usable_alias(spelling):
            entry.add_name(spelling, official=False)


def foreign_places(
    rows: list[dict[str, str]], localities: list[Entry]
) -> tuple[list[Entry], set[int]]:
    lats = np.array([e.latitude for e in localities])
    lons = np.array([e.longitude for e in localities])
    entries: list[Entry] = []
    border: set[int] = set()
    for row in rows:
        latitude, longitude = float(row["lat"]), float(row["lon"])
        population, country = int(row["population"]), row["cc"]
        near = float(np.min(haversine_km(latitude, longitude, lats, lons))) <= BORDER_KM
        big = population >= (MIN_POPULATION_NEIGHBOURS if country in NEIGHBOURS else MIN_POPULATION)
        if not (near or big):
            continue
        if near:
            border.add(len(entries))
        entry = Entry(row["name"], latitude, longitude, country, "place", population=population)
        entry.add_name(row["name"], official=True)
        add_aliases(entry, row["alternatenames"].split("|"))
        entries.append(entry)
    return entries, border


def rank_key(entry: Entry, official: bool, index: int) -> tuple[int, int, int, int, int]:
    if entry.country == "BE":
        tier = 0 if entry.kind == "municipality" else 2
    else:
        tier = 1 if entry.population >= MAJOR_CITY else 3
    kind = ("municipality", "postcode", "place").index(entry.kind)
    return tier, not official, kind, -entry.population, index


def blob(strings: list[str], separator: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(separator.join(strings).encode("utf-8"), dtype=np.uint8)


def build(source: Path) -> dict[str, npt.NDArray[np.generic]]:
    munis, muni_postcodes = municipalities(source)
    province_of_postcode = {
        code: munis[m].province for m, codes in muni_postcodes.items() for code in codes
    }
    muni_names: dict[int, set[str]] = defaultdict(set)
    for m, codes in muni_postcodes.items():
        for code in codes:
            muni_names[code] |= munis[m].keys
    localities = postcode_localities(source, province_of_postcode)
    listed = {entry.postcode for entry in localities}
    for m, codes in muni_postcodes.items():
        munis[m].postcode = next(code for code in codes if code in listed)
    rows = list(read_tsv(source / "places_eu.tsv.gz"))
    places_be = merge_geonames_belgium(
        [r for r in rows if r["cc"] == "BE"], munis + localities, localities
    )
    foreign, border = foreign_places([r for r in rows if r["cc"] != "BE"], localities)
    entries = munis + localities + places_be + foreign
    first_foreign = len(munis) + len(localities) + len(places_be)
    main = main_localities(localities, muni_names)

    pairs = [
        (key, e, spelling, official)
        for e, entry in enumerate(entries)
        for (key, spelling), official in entry.names.items()
    ]
    order = sorted(
        range(len(pairs)), key=lambda p: rank_key(entries[pairs[p][1]], pairs[p][3], pairs[p][1])
    )
    rank = np.empty(len(pairs), dtype=np.int32)
    rank[order] = np.arange(len(pairs), dtype=np.int32)
    by_name = sorted(range(len(pairs)), key=lambda p: (pairs[p][0], rank[p]))
    names = sorted({key for key, *_ in pairs})
    name_index = {key: n for n, key in enumerate(names)}
    spellings = sorted(
        {entry.name for entry in entries} | {spelling for _, _, spelling, _ in pairs}
    )
    spelling_index = {spelling: s for s, spelling in enumerate(spellings)}
    spelling_offsets = np.cumsum(
        [0] + [len(s.encode("utf-8")) + 1 for s in spellings], dtype=np.int64
    )

    name_start = np.zeros(len(names) + 1, dtype=np.int32)
    for p in by_name:
        name_start[name_index[pairs[p][0]] + 1] += 1
    fuzzy = np.zeros(len(names), dtype=np.bool_)
    for key, e, _, _ in pairs:
        if entries[e].country == "BE" or entries[e].population >= FUZZY_POPULATION:
            fuzzy[name_index[key]] = True

    countries = sorted({entry.country for entry in entries})
    pc_main = np.full(10_000, -1, dtype=np.int32)
    for code, index in main.items():
        pc_main[code] = len(munis) + index
    pc_province = np.zeros(10_000, dtype=np.uint8)
    for entry in localities:
        if entry.province:
            pc_province[entry.postcode] = PROVINCES.index(entry.province) + 1
    muni_codes = [muni_postcodes[m] for m in range(len(munis))]

    return {
        "latitude": np.array([e.latitude for e in entries], dtype=np.float32),
        "longitude": np.array([e.longitude for e in entries], dtype=np.float32),
        "country": np.array([countries.index(e.country) for e in entries], dtype=np.uint8),
        "countries": np.array(countries, dtype="<U2"),
        "region": np.array([REGIONS.index(e.region or None) for e in entries], dtype=np.uint8),
        "kind": np.array([KINDS.index(e.kind) for e in entries], dtype=np.uint8),
        "postcode": np.array([e.postcode for e in entries], dtype=np.uint16),
        "population": np.array([e.population for e in entries], dtype=np.uint32),
        "entry_name": np.array([spelling_index[e.name] for e in entries], dtype=np.int32),
        "names": blob(names, "\n"),
        "name_start": np.cumsum(name_start, dtype=np.int32),
        "fuzzy": fuzzy,
        "pair_entry": np.array([pairs[p][1] for p in by_name], dtype=np.int32),
        "pair_spelling": np.array([spelling_index[pairs[p][2]] for p in by_name], dtype=np.int32),
        "pair_rank": rank[by_name],
        "pair_official": np.array([pairs[p][3] for p in by_name], dtype=np.bool_),
        "spellings": blob(spellings, "\n"),
        "spelling_offsets": spelling_offsets,
        "pc_main": pc_main,
        "pc_province": pc_province,
        "muni_pc_start": np.cumsum([0] + [len(c) for c in muni_codes], dtype=np.int32),
        "muni_pcs": np.array([c for codes in muni_codes for c in codes], dtype=np.uint16),
        "border": np.array(sorted(first_foreign + b for b in border), dtype=np.int32),
    }


def main(source: Path) -> None:
    arrays = build(source)
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DEFAULT_PATH, **arrays)  # type: ignore[arg-type]
    size = DEFAULT_PATH.stat().st_size / 1e6
    places, names, pairs = (len(arrays[k]) for k in ("latitude", "fuzzy", "pair_entry"))
    print(f"{DEFAULT_PATH}: {size:.1f} MB")
    print(f"{places} places, {names} names, {pairs} (name, place) pairs")
    write_municipality_names(source, NAMES_PATH)
    print(f"{NAMES_PATH}: names of the municipalities in nl, fr, de and en")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
