"""The in-memory index: one numpy row per (service, location) plus one per remote service.

Hard filters are boolean masks, needs and residence statuses are bitmasks, languages a bitmask
over the 64 commonest codes (rarer codes keep a boolean column each), coordinates float32
radians. A query touches every row only through vectorised numpy operations.
"""

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from directory.emergency_numbers import EMERGENCY_NUMBER, POLICE_NUMBER
from directory.hsds.accessibility import ACCESS_WORDS
from directory.places.distance import EARTH_RADIUS_KM
from directory.taxonomy import (
    AUDIENCE_MINORS,
    CONDITION_EXIT_COMMITMENT_REQUIRED,
    CONDITION_POLICE_COMPLAINT_REQUIRED,
    OFFERS_ANONYMOUS,
    OFFERS_FREE,
    OFFERS_OPEN_24_7,
    OFFERS_REMOTE,
    PRIVACY_MAY_SHARE_WITH_AUTHORITIES,
    REQUIRES_RESIDENCE_IN_AREA,
    REQUIRES_RESIDENCE_PERMIT,
    Need,
)
from matcher.goals import goal_fit
from matcher.listing import Listing, Site
from matcher.person import GENDERS, STATUSES

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]

NEED_BIT: dict[str, int] = {need.value: 1 << position for position, need in enumerate(Need)}
STATUS_BIT: dict[str, int] = {status: 1 << position for position, status in enumerate(STATUSES)}
GENDER_BIT: dict[str, int] = {
    word: 1 << position for position, word in enumerate(sorted(set(GENDERS.values())))
}
ACCESS_BIT: dict[str, int] = {word: 1 << position for position, word in enumerate(ACCESS_WORDS)}
EPOCH = date(1970, 1, 1)
LANGUAGE_BITS = 64


def need_bits(needs: Iterable[str]) -> int:
    return sum(NEED_BIT[need] for need in set(needs) if need in NEED_BIT)


def _bits(words: Iterable[str], table: dict[str, int]) -> int:
    return sum(table[word] for word in set(words) if word in table)


@dataclass
class Index:
    listings: list[Listing]
    recognised: frozenset[str]
    """Organisation ids of the recognised trafficking-victim centres."""
    # per service
    needs: npt.NDArray[np.uint32] = field(init=False)
    welcome: npt.NDArray[np.uint8] = field(init=False)
    genders: npt.NDArray[np.uint8] = field(init=False)
    languages: npt.NDArray[np.uint64] = field(init=False)
    rare_languages: dict[str, Bools] = field(init=False)
    language_bit: dict[str, int] = field(init=False)
    min_age: Floats = field(init=False)
    max_age: Floats = field(init=False)
    assured_day: Floats = field(init=False)
    beds: Floats = field(init=False)
    beds_time: npt.NDArray[np.float64] = field(init=False)
    fit: dict[str, Floats] = field(init=False)
    flags: dict[str, Bools] = field(init=False)
    any_flag: dict[str, bool] = field(init=False)
    """Per flag, whether any service has it (to skip work no service needs)."""
    interpretation_score: Floats = field(init=False)
    """The language criterion's score of a service that does not speak the person's languages:
    0.6 with interpretation, else 0.2."""
    area_set: Ints = field(init=False)
    area_sets: list[tuple[str, ...]] = field(init=False)
    area_numbers: dict[tuple[str, ...], int] = field(init=False, default_factory=dict)
    with_openings: list[int] = field(init=False)
    # per row
    row_service: Ints = field(init=False)
    row_needs: npt.NDArray[np.uint32] = field(init=False)
    row_site: Ints = field(init=False)
    xyz: Floats = field(init=False)
    """Per row, the unit vector of its coordinates on the sphere (NaN without coordinates)."""
    located: Bools = field(init=False)
    remote_row: Bools = field(init=False)
    unreachable_row: Bools = field(init=False)
    """Per row: its service lists no way to get in touch (`Listing.reachable`)."""
    regional_row: Bools = field(init=False)
    """Per row, a site with no point (confidential, true point unknown): in reach through its
    areas like a remote service, never by distance."""
    per_day: dict[tuple[str, float], Floats] = field(init=False, default_factory=dict)
    """Arrays that depend only on today's date (months since verification), kept for the day."""
    row_area_set: Ints = field(init=False)
    row_access_yes: npt.NDArray[np.uint8] = field(init=False)
    """Per row, the `access.` words its location says it has (`ACCESS_BIT`); 0 for a row
    with no location."""
    row_access_no: npt.NDArray[np.uint8] = field(init=False)
    """Per row, the `access.` words its location says it does not have."""

    def __post_init__(self) -> None:
        self.listings = [item for item in self.listings if item.status == "active"]
        self._services(self.listings)
        self._rows(self.listings)

    @property
    def size(self) -> int:
        return len(self.listings)

    def _services(self, items: Sequence[Listing]) -> None:
        self._languages(items)
        self.area_sets = []
        for name, value in self._service_columns(items).items():
            _set_column(self, name, value)
        self._derived()

    def _service_columns(self, items: Sequence[Listing]) -> dict[str, npt.NDArray[Any]]:
        """Every per-service array for `items`, by name (`flag:<name>`, `fit:<goal>`,
        `rare:<code>` for the dictionaries)."""
        inf = np.float32(np.inf)
        flags = {name: [code in i.codes for i in items] for name, code in FLAG_CODES.items()}
        flags["interpretation"] = [i.interpretation for i in items]
        flags["recognised"] = [i.organization_id in self.recognised for i in items]
        flags["youth_only"] = [i.words("audience") == {"minors"} for i in items]
        flags["own_phone"] = [_own_phone(i) for i in items]
        flags["reachable"] = [i.reachable for i in items]
        columns: dict[str, npt.NDArray[Any]] = {
            "needs": np.array([need_bits(i.needs) for i in items], dtype=np.uint32),
            "welcome": np.array([_bits(i.words("welcome"), STATUS_BIT) for i in items], np.uint8),
            "genders": np.array([_bits(i.words("audience"), GENDER_BIT) for i in items], np.uint8),
            "languages": np.array(
                [_bits(i.languages, self.language_bit) for i in items], dtype=np.uint64
            ),
            "min_age": np.array([i.minimum_age or -inf for i in items], dtype=np.float32),
            "max_age": np.array(
                [inf if i.maximum_age is None else i.maximum_age for i in items], dtype=np.float32
            ),
            "assured_day": np.array([_day(i.assured_date) for i in items], dtype=np.float32),
            "beds": np.array([np.nan if i.beds is None else i.beds for i in items], np.float32),
            "beds_time": np.array(
                [i.beds_updated.timestamp() if i.beds_updated else np.nan for i in items],
                np.float64,
            ),
            "area_set": np.array([self._area_number(i.service_areas) for i in items], np.int32),
        }
        for goal in ("exit", "stay_safer", "undecided"):
            columns[f"fit:{goal}"] = np.array([goal_fit(i, goal) for i in items], np.float32)
        for name, values in flags.items():
            columns[f"flag:{name}"] = np.array(values, dtype=np.bool_)
        for code in self.rare_languages:
            columns[f"rare:{code}"] = np.array([code in i.languages for i in items], np.bool_)
        return columns

    def _derived(self) -> None:
        """What follows from the per-service arrays and the listings."""
        self.interpretation_score = np.where(self.flags["interpretation"], 0.6, 0.2).astype(
            np.float32
        )
        self.any_flag = {name: bool(flag.any()) for name, flag in self.flags.items()}
        self.with_openings = [n for n, i in enumerate(self.listings) if i.openings]

    def _languages(self, items: Sequence[Listing]) -> None:
        counts: dict[str, int] = {}
        for item in items:
            for code in item.languages:
                counts[code] = counts.get(code, 0) + 1
        common = sorted(counts, key=lambda code: (-counts[code], code))
        self.language_bit = {code: 1 << n for n, code in enumerate(common[:LANGUAGE_BITS])}
        self.rare_languages = {code: np.zeros(0, np.bool_) for code in common[LANGUAGE_BITS:]}
        self.flags, self.fit = {}, {}

    def _area_number(self, areas: tuple[str, ...]) -> int:
        """The number of this set of areas in `area_sets` (-1: no areas, reachable anywhere)."""
        if not areas:
            return -1
        number = self.area_numbers.setdefault(areas, len(self.area_sets))
        if number == len(self.area_sets):
            self.area_sets.append(areas)
        return number

    def _rows(self, items: Sequence[Listing]) -> None:
        for name, value in self._row_columns(items, range(len(items))).items():
            setattr(self, name, value)
        self.row_needs = self.needs[self.row_service]
        self.located = ~np.isnan(self.xyz[0])
        self.unreachable_row = ~self.flags["reachable"][self.row_service]

    def _row_columns(
        self, items: Sequence[Listing], numbers: Sequence[int]
    ) -> dict[str, npt.NDArray[Any]]:
        """The per-row arrays of `items`, services number `numbers` in this index."""
        service: list[int] = []
        site: list[int] = []
        lat: list[float] = []
        lon: list[float] = []
        remote: list[bool] = []
        regional: list[bool] = []
        areas: list[int] = []
        access_yes: list[int] = []
        access_no: list[int] = []
        for n, item in zip(numbers, items, strict=True):
            for s, place in enumerate(item.sites):
                access_yes.append(_bits(place.access_yes, ACCESS_BIT))
                access_no.append(_bits(place.access_no, ACCESS_BIT))
                service.append(n)
                site.append(s)
                lat.append(np.nan if place.latitude is None else place.latitude)
                lon.append(np.nan if place.longitude is None else place.longitude)
                remote.append(False)
                regional.append(not place.located)
                areas.append(self._site_areas(n, item, place))
            if item.remote or not item.sites:
                access_yes.append(0)
                access_no.append(0)
                service.append(n)
                site.append(-1)
                lat.append(np.nan)
                lon.append(np.nan)
                remote.append(item.remote)
                regional.append(False)
                areas.append(int(self.area_set[n]))
        return {
            "row_service": np.array(service, dtype=np.int32),
            "row_area_set": np.array(areas, dtype=np.int32),
            "row_site": np.array(site, dtype=np.int32),
            "xyz": unit_vectors(np.array(lat, dtype=np.float64), np.array(lon, dtype=np.float64)),
            "remote_row": np.array(remote, dtype=np.bool_),
            "regional_row": np.array(regional, dtype=np.bool_),
            "row_access_yes": np.array(access_yes, dtype=np.uint8),
            "row_access_no": np.array(access_no, dtype=np.uint8),
        }

    def _site_areas(self, n: int, item: Listing, place: Site) -> int:
        """Where a site with no point (a confidential one) is in reach: its service's areas,
        else its region."""
        if place.located or item.service_areas or place.region is None:
            return int(self.area_set[n])
        return self._area_number((place.region,))

    def with_changes(self, changed: Mapping[str, Listing | None]) -> "Index | None":
        """A new index where only these services' rows differ (None: left out, no longer
        active), this one untouched (a match reading it meanwhile sees it whole); None when
        that cannot be done in place (a service added, its sites or languages beyond what the
        index holds): then build a new one."""
        position = {item.id: n for n, item in enumerate(self.listings)}
        wanted = {key: value for key, value in changed.items() if key in position}
        if len(wanted) != len(changed) or not wanted:
            return None
        if any(value is None or value.status != "active" for value in wanted.values()):
            return None
        items = [value for value in wanted.values() if value is not None]
        numbers = [position[item.id] for item in items]
        known = set(self.language_bit) | set(self.rare_languages)
        if any(code not in known for item in items for code in item.languages):
            return None
        new = copy.copy(self)
        new.listings = list(self.listings)
        for n, item in zip(numbers, items, strict=True):
            new.listings[n] = item
        new.area_sets, new.area_numbers = list(self.area_sets), dict(self.area_numbers)
        new.flags, new.fit = dict(self.flags), dict(self.fit)
        new.rare_languages, new.per_day = dict(self.rare_languages), {}
        where = np.array(numbers, dtype=np.intp)
        for name, value in new._service_columns(items).items():
            column = _column(new, name).copy()
            column[where] = value
            _set_column(new, name, column)
        rows = np.flatnonzero(np.isin(self.row_service, where))
        fresh = new._row_columns(items, numbers)
        if len(rows) != len(fresh["row_service"]):
            return None
        order = np.argsort(fresh["row_service"], kind="stable")
        if not np.array_equal(self.row_service[rows], fresh["row_service"][order]):
            return None
        for name, value in fresh.items():
            column = getattr(new, name).copy()
            column[..., rows] = value[..., order]
            setattr(new, name, column)
        new.row_needs = new.needs[new.row_service]
        new.located = ~np.isnan(new.xyz[0])
        new.unreachable_row = ~new.flags["reachable"][new.row_service]
        new._derived()
        return new

    def daily(self, name: str, day: float, compute: Callable[[], Floats]) -> Floats:
        """`compute()`, kept until the day changes (for arrays that depend only on the date)."""
        cached = self.per_day.get((name, day))
        if cached is None:
            if any(key[1] != day for key in self.per_day):
                self.per_day.clear()
            cached = self.per_day[(name, day)] = compute()
        return cached

    def speaks(self, codes: Iterable[str]) -> Bools:
        """Per service: speaks at least one of these languages."""
        wanted = _bits(codes, self.language_bit)
        mask: Bools = (self.languages & np.uint64(wanted)) != 0
        for code in codes:
            if code in self.rare_languages:
                mask = mask | self.rare_languages[code]
        return mask

    def distances_km(self, latitude: float, longitude: float) -> Floats:
        """Great-circle distance from a point to every row (NaN for rows without coordinates),
        from the chord between unit vectors: no trigonometry per row."""
        x0, y0, z0 = unit_vectors(np.array([latitude]), np.array([longitude]))[:, 0]
        x, y, z = self.xyz
        chord = np.sqrt((x - x0) ** 2 + (y - y0) ** 2 + (z - z0) ** 2)
        # 2 asin(c / 2) = c + c^3 / 24 + 3 c^5 / 640 ...: within 1e-6 up to 1000 km
        km: Floats = chord * (
            np.float32(EARTH_RADIUS_KM) + np.float32(EARTH_RADIUS_KM / 24) * chord * chord
        )
        return km


def unit_vectors(latitude: npt.NDArray[np.float64], longitude: npt.NDArray[np.float64]) -> Floats:
    """3 x n float32 unit vectors of points given in degrees."""
    lat, lon = np.radians(latitude), np.radians(longitude)
    xyz = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    vectors: Floats = xyz.astype(np.float32)
    return vectors


FLAG_CODES: dict[str, str] = {
    "free": OFFERS_FREE,
    "anonymous": OFFERS_ANONYMOUS,
    "open_24_7": OFFERS_OPEN_24_7,
    "remote": OFFERS_REMOTE,
    "minors": AUDIENCE_MINORS,
    "requires_permit": REQUIRES_RESIDENCE_PERMIT,
    "exit_required": CONDITION_EXIT_COMMITMENT_REQUIRED,
    "police_required": CONDITION_POLICE_COMPLAINT_REQUIRED,
    "shares": PRIVACY_MAY_SHARE_WITH_AUTHORITIES,
    "residents_only": REQUIRES_RESIDENCE_IN_AREA,
}


def days_since_epoch(moment: datetime) -> float:
    return (moment.astimezone(UTC).date() - EPOCH).days


def build_index(listings: Iterable[Listing], *, recognised: Iterable[str] = ()) -> Index:
    return Index(list(listings), frozenset(recognised))


def _table(index: Index, name: str) -> tuple[dict[str, Any] | None, str]:
    """The dictionary of the index that holds column `name` (None: an attribute), and its key."""
    kind, _, key = name.partition(":")
    tables: dict[str, dict[str, Any]] = {
        "flag": index.flags,
        "fit": index.fit,
        "rare": index.rare_languages,
    }
    return tables.get(kind), key


def _column(index: Index, name: str) -> npt.NDArray[Any]:
    table, key = _table(index, name)
    found: npt.NDArray[Any] = getattr(index, name) if table is None else table[key]
    return found


def _set_column(index: Index, name: str, value: npt.NDArray[Any]) -> None:
    table, key = _table(index, name)
    if table is None:
        setattr(index, name, value)
    else:
        table[key] = value


def _day(day: date | None) -> float:
    return np.nan if day is None else (day - EPOCH).days


def _own_phone(listing: Listing) -> bool:
    """A number of the service's own to call (not only 112 or 101, which notices give anyway)."""
    phone = listing.best_phone
    return phone is not None and phone.number not in (EMERGENCY_NUMBER, POLICE_NUMBER)
