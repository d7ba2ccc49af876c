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
4. "St"/"Ste" read as Sint, Saint or Sankt;
5. a typo (a few edits, by name length) of a Belgian name or of a foreign place of 50,000+
   inhabitants; fewest edits first, then the order of 2. Otherwise None, never a wild guess.
"""

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from directory.place_names import (
    BELGIUM_NAMES,
    PROVINCES,
    REGION_NAMES,
    normalise,
    province_named,
)

__all__ = ["Gazetteer", "Place", "gazetteer", "geocode_online", "normalise"]

DEFAULT_PATH = Path(__file__).parent / "geo" / "gazetteer.npz"
KINDS: tuple[str, ...] = ("postcode", "municipality", "place")
REGIONS: tuple[str | None, ...] = (None, "BE-VLG", "BE-WAL", "BE-BRU")
EARTH_RADIUS_KM = 6371.0088
BELGIUM_REACH_KM = 15.0
"""`region_of` answers None farther than this from every Belgian locality."""
SUGGESTION_SCORE = 70.0
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
        self._province = arrays["province"]
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
        self._fuzzy_index = np.flatnonzero(arrays["fuzzy"])
        self._fuzzy_names = [self._names[i] for i in self._fuzzy_index]
        belgium = self._countries.index("BE")
        self._belgian = np.flatnonzero(self._country == belgium)
        self._localities = self._pc_main[self._pc_main >= 0]
        self._border = arrays["border"]
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
        for variant in _saint_variants(key):
            if (pair := self._exact(variant)) is not None:
                return self._pair_place(pair)
        return self._fuzzy(key)

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Up to `limit` known names close to `name`, for "Did you mean ...?"."""
        key = _split_postcode(normalise(name))[1]
        if not key or limit < 1:
            return []
        found = process.extract(
            key, self._fuzzy_names, scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE, limit=None
        )
        pairs = [(-score, self._first_pair(int(self._fuzzy_index[i]))) for _, score, i in found]
        pairs.sort(key=lambda scored: (scored[0], self._pair_rank[scored[1]]))
        names: dict[str, str] = {}
        entries: set[int] = set()
        for _, pair in pairs:
            entry = int(self._pair_entry[pair])
            if entry in entries:
                continue
            entries.add(entry)
            official = self._pair_official[pair]
            spelling = self._spelling(
                self._pair_spelling[pair] if official else self._entry_name[entry]
            )
            names.setdefault(spelling.casefold(), spelling)
            if len(names) == limit:
                break
        return list(names.values())

    def region_named(self, name: str) -> str | None:
        """ISO 3166-2 code of the Belgian region a name means, in any of our languages."""
        return REGION_NAMES.get(normalise(name))

    def area_covers(self, area: str, place: Place) -> bool:
        """Whether a service area (Belgium, a region, province or municipality) reaches a place."""
        key = normalise(area)
        if not key:
            return False
        if key in BELGIUM_NAMES:
            return place.country == "BE"
        if place.country != "BE":
            return False
        if (region := REGION_NAMES.get(key)) is not None:
            return self._region_for(place) == region
        if (province := province_named(key)) is not None:
            return self._province_for(place) == province
        postcode = self._postcode_for(place)
        return postcode is not None and postcode in self._postcodes_named(key)

    def region_of(self, latitude: float, longitude: float) -> str | None:
        """The region of the nearest Belgian locality; None outside Belgium (or nearer abroad)."""
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        nearest = self._nearest(latitude, longitude, self._belgian)
        if nearest is None:
            return None
        return REGIONS[int(self._region[nearest])]

    def _nearest(self, latitude: float, longitude: float, among: npt.NDArray[Any]) -> int | None:
        distances = haversine_km(latitude, longitude, self._latitude[among], self._longitude[among])
        best = int(np.argmin(distances))
        if distances[best] > BELGIUM_REACH_KM:
            return None
        border = haversine_km(
            latitude, longitude, self._latitude[self._border], self._longitude[self._border]
        )
        if border.size and float(border.min()) < distances[best]:
            return None
        return int(among[best])

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
        edits = _allowed_edits(key)
        if not edits:
            return None
        found = process.extract(
            key, self._fuzzy_names, scorer=OSA.distance, score_cutoff=edits, limit=None
        )
        if not found:
            return None
        scored = [
            (distance, self._first_pair(int(self._fuzzy_index[i]))) for _, distance, i in found
        ]
        _, pair = min(scored, key=lambda item: (item[0], self._pair_rank[item[1]]))
        return self._pair_place(pair)

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
        if place.postcode and place.postcode.isdigit() and self._pc_main[int(place.postcode)] >= 0:
            return int(place.postcode)
        nearest = self._nearest(place.latitude, place.longitude, self._localities)
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
        """The best pair named `key`, in the spelling the user typed if it is one of the place's."""
        pairs = self._pairs(key)
        if not pairs:
            return None
        entry = self._pair_entry[pairs[0]]
        typed = unicodedata.normalize("NFC", " ".join(typed.split())).casefold()
        for pair in pairs:
            if self._pair_entry[pair] == entry and self._spelling_of(pair).casefold() == typed:
                return pair
        return pairs[0]

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


def _saint_variants(key: str) -> Iterator[str]:
    words = key.split()
    if not any(word in _SAINTS for word in words):
        return
    choices = [_SAINTS.get(word, (word,)) for word in words]
    for combination in product(*choices):
        yield " ".join(combination)


def _allowed_edits(key: str) -> int:
    letters = len(key.replace(" ", ""))
    if letters < 4:
        return 0
    if letters < 6:
        return 1
    return 2 if letters < 12 else 3


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
