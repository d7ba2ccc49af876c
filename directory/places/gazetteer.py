"""Offline places: a person's town, municipality, district or postcode to coordinates.

The gazetteer (`directory/geo/gazetteer.npz`, built by `scripts/build_gazetteer.py`) holds every
Belgian postcode locality and municipality with their Dutch, French and German names and the
GeoNames alternates (English, Spanish, Romanian... spellings), plus European places. It is a set
of numpy arrays; the only Python objects made at load time are the sorted normalised names.

How `resolve` chooses, in this order:
1. a Belgian postcode in the text ("1000", "B-1000", "1050 Ixelles") wins;
2. an exact name (after `normalise`): a Belgian municipality first, then a foreign city of
   200,000+ inhabitants, then other Belgian localities, then other foreign places; official names
   before alternates, bigger places first;
3. a region name is not a place: Flanders and Wallonia give None (use `region_named`), the
   Brussels-Capital Region gives the City of Brussels (postcode 1000);
4. words like "centre"/"centrum" dropped, "St"/"Ste" read as Sint, Saint or Sankt;
5. a country name ("France") or a word like "centre" alone is not a place: None;
6. a typo of a Belgian name or of a foreign place of 50,000+ inhabitants: one edit (a letter
   added, dropped, changed or two swapped) for 5 to 7 letters, two from 8 on, none below 5, and
   the first letter right; fewest edits first, then the order of 2. A typo as close to two places
   more than 25 km apart (both Belgian or both foreign) is ambiguous. Otherwise None, never a
   wild guess: `suggest` offers the close names for a "Did you mean ...?".

The display name is the spelling that matched ("Anvers", "Lüttich"), an official one when the
user's spelling differs only by accents or case ("liege" -> "Liège"). Nothing here reads the
network; `geocode_online` (Nominatim) is opt-in and sends the text to a third party.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pycountry
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from directory.places.names import (
    BELGIUM_NAMES,
    PROVINCES,
    REGION_NAMES,
    normalise,
    province_named,
)

__all__ = ["Gazetteer", "Place", "gazetteer", "geocode_online", "normalise"]

DEFAULT_PATH = Path(__file__).parent.parent / "geo" / "gazetteer.npz"
KINDS: tuple[str, ...] = ("postcode", "municipality", "place")
REGIONS: tuple[str | None, ...] = (None, "BE-VLG", "BE-WAL", "BE-BRU")
REGION_PROVINCES: dict[str, tuple[str, ...]] = {
    "BE-BRU": ("BE-BRU",),
    "BE-VLG": tuple(code for code in PROVINCES if code.startswith("BE-V")),
    "BE-WAL": tuple(code for code in PROVINCES if code.startswith("BE-W")),
}
"""The provinces of each region (the Brussels-Capital Region, in none, stands for itself)."""
EARTH_RADIUS_KM = 6371.0088
BELGIUM_REACH_KM = 15.0
"""`region_of` answers None farther than this from every Belgian locality."""
SUGGESTION_SCORE = 70.0
AMBIGUOUS_KM = 25.0
"""A typo as close to two places this far apart means neither."""
_GENERIC_WORDS = frozenset(
    normalise(word)
    for word in (
        *("centrum", "centre", "center", "centro", "city", "stad", "ville", "stadt", "downtown"),
        *("oraș", "град", "център"),
    )
)
_BELGIAN_LATITUDE = np.radians(50.5)
_POSTCODE = re.compile(r"(?:BE?\s*-?\s*)?(\d{4})")
_SAINTS = {"st": ("sint", "saint", "sankt"), "ste": ("sainte",)}

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Place:
    name: str
    """Display name as the user would recognise it: the name that matched ("Anvers", "Lüttich")."""
    latitude: float
    longitude: float
    country: str
    """ISO 3166-1 alpha-2 ("BE")."""
    region: str | None
    """Belgian region as ISO 3166-2: "BE-VLG", "BE-WAL" or "BE-BRU"; None outside Belgium."""
    postcode: str | None
    """A locality's postcode; a municipality's first; the nearest one for other Belgian places."""
    kind: str
    """ "postcode" | "municipality" | "place"."""


def haversine_km(
    latitude: float, longitude: float, latitudes: npt.ArrayLike, longitudes: npt.ArrayLike
) -> FloatArray:
    """Great-circle distances from one point to many, in kilometres."""
    lat1, lon1 = np.radians(latitude), np.radians(longitude)
    lat2 = np.radians(np.asarray(latitudes, dtype=np.float64))
    lon2 = np.radians(np.asarray(longitudes, dtype=np.float64))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)), dtype=np.float64)


class Gazetteer:
    """Names and postcodes to places, from the arrays written by `scripts/build_gazetteer.py`."""

    def __init__(self, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
        self._latitude = arrays["latitude"].astype(np.float64)
        self._longitude = arrays["longitude"].astype(np.float64)
        self._countries = [str(code) for code in arrays["countries"]]
        self._country = arrays["country"]
        self._region = arrays["region"]
        self._kind = arrays["kind"]
        self._postcode = arrays["postcode"]
        self._entry_name = arrays["entry_name"]
        self._names = arrays["names"].tobytes().decode("utf-8").split("\n")
        self._name_start = arrays["name_start"]
        self._pair_entry = arrays["pair_entry"]
        self._pair_spelling = arrays["pair_spelling"]
        self._pair_rank = arrays["pair_rank"]
        self._pair_official = arrays["pair_official"]
        self._spellings = arrays["spellings"].tobytes()
        self._spelling_offsets = arrays["spelling_offsets"]
        self._pc_main = arrays["pc_main"]
        self._pc_province = arrays["pc_province"]
        self._muni_pc_start = arrays["muni_pc_start"]
        self._muni_pcs = arrays["muni_pcs"]
        by_length = sorted(np.flatnonzero(arrays["fuzzy"]), key=lambda i: len(self._names[i]))
        self._fuzzy_index = np.array(by_length, dtype=np.int64)
        self._fuzzy_names = [self._names[i] for i in by_length]
        self._fuzzy_lengths = [len(name) for name in self._fuzzy_names]
        belgium = self._countries.index("BE")
        self._belgian = np.flatnonzero(self._country == belgium)
        self._localities = self._pc_main[self._pc_main >= 0]
        self._belgian_xy = self._plane(self._belgian)
        self._localities_xy = self._plane(self._localities)
        self._border_xy = self._plane(arrays["border"])
        self._belgium_code = belgium

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        with np.load(path or DEFAULT_PATH) as data:
            return cls({key: data[key] for key in data.files})

    def by_postcode(self, postcode: str) -> Place | None:
        """The main locality of a Belgian postcode ("1000", "B-1000", "BE-1000"), or None."""
        found = _POSTCODE.fullmatch(postcode.strip().upper())
        if found is None or not 1000 <= int(found[1]) <= 9999:
            return None
        entry = int(self._pc_main[int(found[1])])
        return None if entry < 0 else self._place(entry, self._spelling(self._entry_name[entry]))

    def resolve(self, name: str) -> Place | None:
        """The place a name or postcode means (see the module docstring), or None."""
        key = normalise(name)
        postcode, key = _split_postcode(key)
        if postcode is not None and self._pc_main[postcode] >= 0:
            return self._in_postcode(postcode, key)
        if not key:
            return None
        pair = self._exact(key, typed=name)
        if pair is not None and self._is_belgian(pair):
            return self._pair_place(pair)
        region = REGION_NAMES.get(key)
        if region is not None:
            return self._brussels(key) if region == "BE-BRU" else None
        if pair is not None:
            return self._pair_place(pair)
        for variant in _variants(key):
            if (pair := self._exact(variant)) is not None:
                return self._pair_place(pair)
        if _country_code(key) or all(word in _GENERIC_WORDS for word in key.split()):
            return None
        return self._fuzzy(key)

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Up to `limit` known names close to `name`, for "Did you mean ...?"."""
        key = _split_postcode(normalise(name))[1]
        if not key or limit < 1:
            return []
        reach = SUGGESTION_SCORE / (200 - SUGGESTION_SCORE)
        start, pool = self._of_length(int(len(key) * reach), int(len(key) / reach) + 1)
        found = process.extract(
            key, pool, scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE, limit=None
        )
        scored = sorted(
            (-score, int(self._pair_rank[pair]), pair)
            for _, score, i in found
            for pair in [self._first_pair(int(self._fuzzy_index[start + i]))]
        )
        chosen: dict[str, str] = {}
        entries: set[int] = set()
        for *_, pair in scored:
            entry = int(self._pair_entry[pair])
            if entry not in entries and len(chosen) < limit:
                entries.add(entry)
                official = self._pair_official[pair]
                spelling = self._spelling(
                    self._pair_spelling[pair] if official else self._entry_name[entry]
                )
                chosen.setdefault(spelling.casefold(), spelling)
        return list(chosen.values())

    def region_named(self, name: str) -> str | None:
        """ISO 3166-2 code of the Belgian region a name means, in any of our languages."""
        return REGION_NAMES.get(normalise(name))

    def area_covers(self, area: str, place: Place) -> bool:
        """Whether a service area (Belgium, a region, province or municipality) reaches a place."""
        key = normalise(area)
        if not key:
            return False
        if (region := REGION_NAMES.get(key)) is not None:
            return place.country == "BE" and self._region_for(place) == region
        if (country := _country_code(key)) is not None:
            return place.country == country
        if place.country != "BE":
            return False
        if (province := province_named(key)) is not None:
            return self._province_for(place) == province
        postcode = self._postcode_for(place)
        return postcode is not None and postcode in self._postcodes_named(key)

    def region_of(self, latitude: float, longitude: float) -> str | None:
        """The region of the nearest Belgian locality; None outside Belgium (or nearer abroad)."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        nearest = self._nearest(latitude, longitude, self._belgian, self._belgian_xy)
        if nearest is None:
            return None
        return REGIONS[int(self._region[nearest])]

    def province_of(self, latitude: float, longitude: float) -> str | None:
        """The province of the nearest Belgian locality, "BE-BRU" in the Brussels-Capital Region
        (which is in no province); None outside Belgium."""
        region = self.region_of(latitude, longitude)
        if region is None or region == "BE-BRU":
            return region
        return self._province_for(Place("", latitude, longitude, "BE", region, None, "place"))

    def provinces_of_area(self, area: str) -> frozenset[str]:
        """The provinces (and "BE-BRU") a service area reaches: all for Belgium, a region's, a
        province, or the province of a place; none for an area abroad or unknown."""
        key = normalise(area)
        if key in BELGIUM_NAMES:
            return frozenset((*PROVINCES, "BE-BRU"))
        if (region := REGION_NAMES.get(key)) is not None:
            return frozenset(REGION_PROVINCES[region])
        if (province := province_named(key)) is not None:
            return frozenset((province,))
        place = self.resolve(area) if key else None
        if place is None or place.country != "BE":
            return frozenset()
        found = self.province_of(place.latitude, place.longitude)
        return frozenset((found,)) if found else frozenset()

    def _nearest(
        self, latitude: float, longitude: float, among: npt.NDArray[Any], among_xy: FloatArray
    ) -> int | None:
        """The nearest of `among` within reach of Belgium, unless a place abroad is nearer."""
        point = _to_plane(np.array([latitude]), np.array([longitude]))
        distances = ((among_xy - point) ** 2).sum(axis=0)
        best = int(np.argmin(distances))
        if distances[best] > BELGIUM_REACH_KM**2:
            return None
        abroad = ((self._border_xy - point) ** 2).sum(axis=0)
        if abroad.size and float(abroad.min()) < distances[best]:
            return None
        return int(among[best])

    def _plane(self, entries: npt.NDArray[Any]) -> FloatArray:
        return _to_plane(self._latitude[entries], self._longitude[entries])

    def _in_postcode(self, postcode: int, key: str) -> Place | None:
        """A locality named `key` with this postcode, else the postcode's main locality."""
        for pair in self._pairs(key):
            entry = self._pair_entry[pair]
            if self._postcode[entry] == postcode and self._kind[entry] != KINDS.index(
                "municipality"
            ):
                return self._pair_place(pair)
        return self.by_postcode(f"{postcode:04d}")

    def _brussels(self, key: str) -> Place | None:
        city = next(
            (w for w in key.split() if len(w) > 3 and REGION_NAMES.get(w) == "BE-BRU"), None
        )
        pair = self._exact(city or "bruxelles")
        return None if pair is None else self._pair_place(pair)

    def _fuzzy(self, key: str) -> Place | None:
        """The place a typo means, if it starts with the right letter and is not ambiguous."""
        edits = _allowed_edits(key)
        if not edits:
            return None
        start, names = self._of_length(len(key) - edits, len(key) + edits)
        found = process.extract(key, names, scorer=OSA.distance, score_cutoff=edits, limit=None)
        scored = sorted(
            (distance, int(self._pair_rank[pair]), pair)
            for name, distance, i in found
            if name[0] == key[0]
            for pair in [self._first_pair(int(self._fuzzy_index[start + i]))]
        )
        if not scored:
            return None
        best = scored[0]
        for other in scored[1:]:
            if other[0] > best[0]:
                break
            if self._is_belgian(other[2]) == self._is_belgian(best[2]) and self._apart(
                best[2], other[2]
            ):
                return None
        return self._pair_place(best[2])

    def _of_length(self, shortest: int, longest: int) -> tuple[int, list[str]]:
        """The names open to typos between these lengths, and where they start in the pool."""
        start = bisect_left(self._fuzzy_lengths, shortest)
        return start, self._fuzzy_names[start : bisect_right(self._fuzzy_lengths, longest)]

    def _apart(self, pair: int, other: int) -> bool:
        """Whether two pairs name places too far apart to be one place (an ambiguous typo)."""
        one, two = int(self._pair_entry[pair]), int(self._pair_entry[other])
        distance = haversine_km(
            self._latitude[one], self._longitude[one], self._latitude[two], self._longitude[two]
        )
        return bool(distance > AMBIGUOUS_KM)

    def _postcodes_named(self, key: str) -> set[int]:
        """Postcodes of the Belgian municipalities, else the postcode localities, with this name."""
        municipality, locality = KINDS.index("municipality"), KINDS.index("postcode")
        entries = [int(self._pair_entry[pair]) for pair in self._pairs(key)]
        belgian = [e for e in entries if self._country[e] == self._belgium_code]
        munis = [e for e in belgian if self._kind[e] == municipality]
        if munis:
            return {
                int(code)
                for m in munis
                for code in self._muni_pcs[self._muni_pc_start[m] : self._muni_pc_start[m + 1]]
            }
        return {int(self._postcode[e]) for e in belgian if self._kind[e] == locality}

    def _postcode_for(self, place: Place) -> int | None:
        given = place.postcode or ""
        if len(given) == 4 and given.isdigit() and self._pc_main[int(given)] >= 0:
            return int(given)
        nearest = self._nearest(
            place.latitude, place.longitude, self._localities, self._localities_xy
        )
        return None if nearest is None else int(self._postcode[nearest])

    def _region_for(self, place: Place) -> str | None:
        return place.region or self.region_of(place.latitude, place.longitude)

    def _province_for(self, place: Place) -> str | None:
        postcode = self._postcode_for(place)
        code = 0 if postcode is None else int(self._pc_province[postcode])
        return PROVINCES[code - 1] if code else None

    def _pairs(self, key: str) -> range:
        index = bisect_left(self._names, key)
        if index == len(self._names) or self._names[index] != key:
            return range(0)
        return range(int(self._name_start[index]), int(self._name_start[index + 1]))

    def _exact(self, key: str, typed: str = "") -> int | None:
        """The best pair named `key`: an official spelling, else the alias the user typed."""
        pairs = self._pairs(key)
        if not pairs:
            return None
        entry = self._pair_entry[pairs[0]]
        same = [pair for pair in pairs if self._pair_entry[pair] == entry]
        typed = unicodedata.normalize("NFC", " ".join(typed.split())).casefold()
        as_typed = [pair for pair in same if self._spelling_of(pair).casefold() == typed]
        official = [pair for pair in same if self._pair_official[pair]]
        return (
            [pair for pair in as_typed if self._pair_official[pair]] + official + as_typed + same
        )[0]

    def _spelling_of(self, pair: int) -> str:
        return self._spelling(self._pair_spelling[pair])

    def _first_pair(self, name_index: int) -> int:
        return int(self._name_start[name_index])

    def _is_belgian(self, pair: int) -> bool:
        return bool(self._country[self._pair_entry[pair]] == self._belgium_code)

    def _pair_place(self, pair: int) -> Place:
        return self._place(int(self._pair_entry[pair]), self._spelling(self._pair_spelling[pair]))

    def _spelling(self, index: np.integer[Any] | int) -> str:
        start, end = self._spelling_offsets[index], self._spelling_offsets[index + 1] - 1
        return self._spellings[start:end].decode("utf-8")

    def _place(self, entry: int, name: str) -> Place:
        postcode = int(self._postcode[entry])
        return Place(
            name=name,
            latitude=round(float(self._latitude[entry]), 5),
            longitude=round(float(self._longitude[entry]), 5),
            country=self._countries[self._country[entry]],
            region=REGIONS[self._region[entry]],
            postcode=f"{postcode:04d}" if postcode else None,
            kind=KINDS[self._kind[entry]],
        )


def _to_plane(latitudes: FloatArray, longitudes: FloatArray) -> FloatArray:
    """Kilometres east and north on a plane tangent to Belgium (within 1% there; far stays far)."""
    east = np.radians(longitudes) * np.cos(_BELGIAN_LATITUDE) * EARTH_RADIUS_KM
    return np.stack([east, np.radians(latitudes) * EARTH_RADIUS_KM])


def _split_postcode(key: str) -> tuple[int | None, str]:
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


def _variants(key: str) -> Iterator[str]:
    """The name without words like "centre", and with "St"/"Ste" written out."""
    words = key.split()
    specific = [word for word in words if word not in _GENERIC_WORDS]
    if specific and specific != words:
        yield " ".join(specific)
    if any(word in _SAINTS for word in specific):
        for combination in product(*[_SAINTS.get(word, (word,)) for word in specific]):
            yield " ".join(combination)


def _country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or code in English ("France", "FR", "FRA")."""
    if name in BELGIUM_NAMES:
        return "BE"
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _allowed_edits(key: str) -> int:
    letters = len(key.replace(" ", ""))
    if letters < 5:
        return 0
    return 1 if letters < 8 else 2


@cache
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once per process."""
    return Gazetteer.load()


def geocode_online(query: str, *, timeout: float = 3.0) -> Place | None:
    """Ask OpenStreetMap's Nominatim. Opt-in only: it sends the text to a third party."""
    from geopy.exc import GeopyError
    from geopy.geocoders import Nominatim

    try:
        found = Nominatim(user_agent="passerelle", timeout=timeout).geocode(
            query, addressdetails=True, exactly_one=True
        )
    except GeopyError:
        return None
    if found is None:
        return None
    address = found.raw.get("address", {})
    country = str(address.get("country_code", "")).upper()
    latitude, longitude = float(found.latitude), float(found.longitude)
    postcode = str(address.get("postcode", ""))
    belgian = country == "BE"
    return Place(
        name=str(found.address).split(",")[0],
        latitude=latitude,
        longitude=longitude,
        country=country,
        region=gazetteer().region_of(latitude, longitude) if belgian else None,
        postcode=postcode if belgian and re.fullmatch(r"\d{4}", postcode) else None,
        kind="place",
    )
