"""`MatchService`: the in-memory index built from the database, kept fresh, and one `match` call.

Every worker builds its index at start-up from all active services (confidential locations
included, by their coarse points only: see `directory.hsds.coarse_points`). Each published
change then rewrites only that service's rows, in a new index that replaces the old one at once
(`api.index_feed`, `matcher.index.Index.with_changes`); a background task looks for changes
every `refresh_seconds`, and at once when PostgreSQL notifies one (`api.listen`). When the
database cannot be reached, matching goes on from the last index.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from api.index_feed import (
    ChangeCursor,
    Unindexable,
    changed_listings,
    load_listings,
    needs_full_read,
    present_numbers,
    read_changes,
)
from api.listen import refresh_forever
from api.match_answer import answer, summary, understood_place
from api.match_models import (
    MatchRequest,
    MatchResponse,
    ServiceSummary,
)
from directory.bundled import RECOGNISED_TRAFFICKING_CENTRES
from directory.errors import FieldError, InvalidInput
from directory.places.gazetteer import Place, gazetteer
from directory.state import Changed
from matcher.index import Index, build_index
from matcher.person import Person
from matcher.rank import rank
from matcher.text import vocabulary

log = logging.getLogger("passerelle")
LOCAL_TIME = ZoneInfo("Europe/Brussels")


class Places(Protocol):
    """The gazetteer's interface (`directory.places.gazetteer.Gazetteer`)."""

    def by_postcode(self, postcode: str) -> Any: ...
    def resolve(self, name: str) -> Any: ...
    def suggest(self, name: str, limit: int = 5) -> list[str]: ...
    def area_covers(self, area: str, place: Any) -> bool: ...
    def region_of(self, latitude: float, longitude: float) -> str | None: ...


PointMaker = Callable[[float, float, str | None], Any]
"""`(lat, lon, region) -> Place`: a place for bare coordinates, for service-area checks."""
Geocoder = Callable[[str], Any]
"""`name -> Place | None`: the opt-in online geocoder, asked only for names the gazetteer lacks."""


class MatchService:
    def __init__(
        self,
        engine: Engine,
        *,
        places: Places | None,
        point: PointMaker | None = None,
        recognised: Iterable[str] = (),
        refresh_seconds: float = 3.0,
        geocoder: Geocoder | None = None,
    ) -> None:
        self.engine = engine
        self.places = places
        self.point = point
        self.geocoder = geocoder
        self.recognised = frozenset(recognised)
        self.refresh_seconds = refresh_seconds
        self.version: int | None = None
        self.index: Index = build_index([], recognised=self.recognised)
        self.stale: str | None = None
        """Why matching uses an older or incomplete index (the directory's data), or None."""
        self.changes = ChangeCursor()
        """Which changes of the directory the index holds."""
        self._lock = threading.Lock()
        vocabulary()  # read the free-text phrases once, before the first search

    def refresh(self) -> bool:
        """Rewrite the services that changed in a new index (the whole directory is read at
        start-up, after an import, or while a record cannot be indexed), which replaces the old
        one at once. Keeps the last index if the database fails or a record cannot be indexed
        (`stale` says why, and every refresh tries again)."""
        with self._lock:
            try:
                with self.engine.connect() as connection:
                    changes = read_changes(connection, self.changes)
                    if self.version is not None and self.stale is None:
                        if not changes:
                            return False
                        if not needs_full_read(changes):
                            return self._update(connection, changes)
                version, listings = load_listings(self.engine)
            except SQLAlchemyError as error:
                log.warning("matching from the last index: %s", type(error).__name__)
                return False
            except Unindexable as error:
                if self.version is None:  # start-up: no earlier index to keep
                    self._mark_stale(f"cannot index service(s) {error}: matching without them")
                    return self._rebuild(error.version, error.listings, complete=False)
                self._mark_stale(
                    f"cannot index service(s) {error}: matching from version {self.version} "
                    "until they are fixed"
                )
                return False
            except Exception as error:  # noqa: BLE001 - matching goes on whatever happened
                self._mark_stale(f"not rebuilt ({type(error).__name__}): matching from the last")
                return False
            return self._rebuild(version, listings, complete=True)

    def _update(self, connection: Connection, changes: list[Changed]) -> bool:
        """Rewrite the changed services in a new index (or build one from the listings kept)."""
        started = time.perf_counter()
        ids = sorted({str(change.service_id) for change in changes})
        listings, problems = changed_listings(connection, ids)
        if problems:
            raise Unindexable(problems, [])
        index = self.index.with_changes(listings)
        if index is None:
            kept = {item.id: item for item in self.index.listings}
            kept.update(listings)
            index = build_index(
                [kept[key] for key in sorted(kept) if kept[key] is not None],
                recognised=self.recognised,
            )
        self.index = index
        self.changes.applied(changes)
        self.version = self.changes.version
        log.info(
            "match index: %d service(s) changed, version %d, %.3f s",
            len(ids),
            self.version,
            time.perf_counter() - started,
        )
        return True

    def _mark_stale(self, reason: str) -> None:
        """Log why the index is behind, once for each new reason (not at every retry)."""
        if reason != self.stale:
            log.error("match index: %s", reason)
        self.stale = reason

    def _rebuild(self, version: int, listings: list[Any], *, complete: bool) -> bool:
        started = time.perf_counter()
        try:
            index = build_index(listings, recognised=self.recognised)
        except Exception as error:  # noqa: BLE001 - keep the last index, try again later
            self._mark_stale(f"not rebuilt ({type(error).__name__}): matching from the last")
            return False
        self.index, self.version = index, version
        self.changes.reset(version, self._present(version))
        if complete and self.stale is not None:
            log.info("match index: every service can be indexed again")
            self.stale = None
        log.info(
            "match index: %d services, version %d, %.2f s",
            self.index.size,
            version,
            time.perf_counter() - started,
        )
        return True

    def _present(self, version: int) -> list[int]:
        try:
            with self.engine.connect() as connection:
                return present_numbers(connection, version)
        except SQLAlchemyError:
            return list(range(version + 1))  # nothing known to be missing: wait for nothing

    async def keep_fresh(self) -> None:
        """Refresh at every change notification and every `refresh_seconds` (`api.listen`)."""
        await refresh_forever(self.engine, self.refresh, self.refresh_seconds, self._mark_stale)

    # --- one search ---------------------------------------------------------------------------

    def _place(self, request: MatchRequest) -> tuple[Any | None, Callable[[str], bool] | None]:
        where = request.location
        if where is None:
            return None, None
        place: Any | None = None
        if where.postcode is not None:
            place = self.places.by_postcode(where.postcode) if self.places else None
            if place is None:
                raise _unknown("postcode", f"unknown postcode {where.postcode!r}")
        elif where.place is not None:
            place = self.places.resolve(where.place) if self.places else None
            if place is None and self.geocoder is not None:
                place = self.geocoder(where.place)
            if place is None:
                suggestions = self.places.suggest(where.place) if self.places else []
                hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
                raise _unknown("place", f"unknown place {where.place!r}{hint}")
        elif where.lat is not None and where.lon is not None:
            if self.places is None or self.point is None:
                return _Point(where.lat, where.lon), None
            region = self.places.region_of(where.lat, where.lon)
            place = self.point(where.lat, where.lon, region)
        if place is None:
            return None, None
        places = self.places
        assert places is not None
        return place, lambda area: places.area_covers(area, place)

    def person(
        self,
        request: MatchRequest,
        lang: str | None,
        place: Any | None,
        in_area: Callable[[str], bool] | None,
    ) -> Person:
        situation = request.situation
        return Person(
            latitude=None if place is None else float(place.latitude),
            longitude=None if place is None else float(place.longitude),
            in_area=in_area if place is not None else None,
            max_distance_km=request.max_distance_km,
            languages=tuple(request.languages),
            status=request.documentation_status,
            goal=request.goal,
            needs=tuple(need.value for need in request.needs),
            gender=request.gender,
            age=request.age,
            in_danger_now=bool(situation and situation.in_danger_now),
            controlled_by_someone=bool(situation and situation.controlled_by_someone),
            anonymous_only=request.anonymous_only,
            free_only=request.free_only,
            accessibility=tuple(dict.fromkeys(word.value for word in request.accessibility)),
            text=request.text,
            limit=request.limit,
            now=datetime.now(LOCAL_TIME),
            reads=lang,
        )

    async def match_async(self, request: MatchRequest, lang: str) -> MatchResponse:
        """`match` for async routes: in the event loop (it only computes), or in a worker thread
        when the online geocoder may be asked (a network call)."""
        if self.geocoder is None:
            return self.match(request, lang)
        return await asyncio.to_thread(self.match, request, lang)

    def summaries(self, service_ids: Iterable[str]) -> list[ServiceSummary]:
        """What the index holds of these services (active, not suspended), in that order: the
        pages' stand-in for the directory while its database cannot be reached."""
        wanted = dict.fromkeys(service_ids)
        found = {item.id: item for item in self.index.listings if item.id in wanted}
        return [summary(found[service_id]) for service_id in wanted if service_id in found]

    def match(self, request: MatchRequest, lang: str) -> MatchResponse:
        """Rank the directory for this request; reasons, cautions and notices in `lang`."""
        place, in_area = self._place(request)
        person = self.person(request, lang, place, in_area)
        ranking = rank(self.index, person, now=datetime.now(UTC))
        return answer(ranking, lang, place=understood_place(place, lang))


class _Point:
    def __init__(self, latitude: float, longitude: float) -> None:
        self.name = ""
        self.latitude = latitude
        self.longitude = longitude


def _unknown(field: str, text: str) -> InvalidInput:
    return InvalidInput(text, [FieldError("body", f"location.{field}", text)])


def places_for_matching() -> dict[str, Any]:
    """The gazetteer, a maker of places for coordinates and the recognised centres, for
    `MatchService(...)`."""

    def point(latitude: float, longitude: float, region: str | None) -> Place:
        country = "BE" if region else ""
        return Place("", latitude, longitude, country, region, None, "place")

    return {"places": gazetteer(), "point": point, "recognised": recognised_centres()}


def recognised_centres() -> frozenset[str]:
    """Organisation ids of the recognised trafficking-victim centres of the bundled directory."""
    return RECOGNISED_TRAFFICKING_CENTRES
