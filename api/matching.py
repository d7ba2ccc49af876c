"""`MatchService`: the in-memory index built from the database, kept fresh, and one `match` call.

Every worker builds its index at start-up from all active services (confidential locations
included, for distances: they never leave the server) and rebuilds it when the directory's
version changes, checked at most every `refresh_seconds` by a background task. When the database
cannot be reached, matching goes on from the last index.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.match_models import (
    MatchOrganization,
    MatchPlace,
    MatchRequest,
    MatchResponse,
    MatchResult,
    Notice,
    ServiceSummary,
)
from directory.bundled import RECOGNISED_TRAFFICKING_CENTRES
from directory.emergency_numbers import EMERGENCY_NUMBER
from directory.errors import FieldError, InvalidInput
from directory.places import Place, gazetteer
from directory.repository import service_records
from directory.state import current_version
from directory.suspensions import suspended_service_ids
from matcher.index import Index, build_index
from matcher.listing import listing_from_record
from matcher.messages import Notice as SafetyNotice
from matcher.messages import message
from matcher.person import Person
from matcher.rank import Ranking, Result, rank
from web.messages import render

log = logging.getLogger("passerelle")
LOCAL_TIME = ZoneInfo("Europe/Brussels")


class PlaceLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


class Places(Protocol):
    """The gazetteer's interface (`directory.places.Gazetteer`)."""

    def by_postcode(self, postcode: str) -> Any: ...
    def resolve(self, name: str) -> Any: ...
    def suggest(self, name: str, limit: int = 5) -> list[str]: ...
    def area_covers(self, area: str, place: Any) -> bool: ...
    def region_of(self, latitude: float, longitude: float) -> str | None: ...


PointMaker = Callable[[float, float, str | None], Any]
"""`(lat, lon, region) -> Place`: a place for bare coordinates, for service-area checks."""
Geocoder = Callable[[str], Any]
"""`name -> Place | None`: the opt-in online geocoder, asked only for names the gazetteer lacks."""


def load_listings(engine: Engine) -> tuple[int, list[Any]]:
    """The directory's version and the listings of every service, read in one transaction."""
    with engine.connect() as connection:
        version = current_version(connection)
        suspended = suspended_service_ids(connection)
        found = service_records(connection, include_confidential=True)
    # A suspended listing is neither public nor matched (the curator's decision, audited).
    return version, [listing_from_record(r) for r in found if r["id"] not in suspended]


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
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Rebuild the index if the directory changed; keep the last one if the database fails."""
        with self._lock:
            try:
                with self.engine.connect() as connection:
                    version = current_version(connection)
                if version == self.version:
                    return False
                version, listings = load_listings(self.engine)
            except SQLAlchemyError as error:
                log.warning("matching from the last index: %s", type(error).__name__)
                return False
            started = time.perf_counter()
            self.index = build_index(listings, recognised=self.recognised)
            self.version = version
            log.info(
                "match index: %d services, version %d, %.2f s",
                self.index.size,
                version,
                time.perf_counter() - started,
            )
            return True

    async def keep_fresh(self) -> None:
        """Check the directory's version every `refresh_seconds`, forever (cancelled at exit)."""
        while True:
            await asyncio.sleep(self.refresh_seconds)
            await asyncio.to_thread(self.refresh)

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

    def person(self, request: MatchRequest, lang: str | None = None) -> Person:
        place, in_area = self._place(request)
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

    def match(self, request: MatchRequest, lang: str) -> MatchResponse:
        """Rank the directory for this request; reasons, cautions and notices in `lang`."""
        person = self.person(request, lang)
        ranking = rank(self.index, person, now=datetime.now(UTC))
        return answer(ranking, lang)


class _Point:
    def __init__(self, latitude: float, longitude: float) -> None:
        self.name = ""
        self.latitude = latitude
        self.longitude = longitude


def _unknown(field: str, text: str) -> InvalidInput:
    return InvalidInput(text, [FieldError("body", f"location.{field}", text)])


def _result(result: Result, lang: str) -> MatchResult:
    listing = result.listing
    site = result.site
    hidden = site is not None and site.confidential
    distance = result.distance_km
    if distance is not None:
        distance = float(round(distance)) if hidden else round(distance, 1)
    return MatchResult(
        service=ServiceSummary(
            id=listing.id,
            name=listing.name,
            organization=MatchOrganization(
                id=listing.organization_id, name=listing.organization_name
            ),
            languages=list(listing.languages),
            phones=[phone.number for phone in listing.phones],
            url=listing.url,
            verified=listing.verified,
            sources=list(listing.sources),
        ),
        location=None
        if site is None or hidden
        else MatchPlace(
            name=site.name,
            address=site.address,
            latitude=site.latitude,
            longitude=site.longitude,
        ),
        distance_km=distance,
        score=result.score,
        matched_needs=list(result.matched_needs),
        reasons=[render(reason, lang) for reason in result.reasons],
        cautions=[render(caution, lang) for caution in result.cautions],
    )


def _notice(notice: SafetyNotice, lang: str) -> Notice:
    text = render(notice.message, lang)
    if not notice.phone_confirmed:
        caution = message("line_not_confirmed", phone=EMERGENCY_NUMBER)
        text = f"{text} {render(caution, lang)}"
    return Notice(
        kind=notice.kind, text=text, phone=notice.phone, phone_confirmed=notice.phone_confirmed
    )


def answer(ranking: Ranking, lang: str) -> MatchResponse:
    return MatchResponse(
        results=[_result(result, lang) for result in ranking.results],
        notices=[_notice(notice, lang) for notice in ranking.notices],
        unmet_needs=list(ranking.unmet_needs),
    )


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
