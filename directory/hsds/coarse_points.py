"""Coarse points of confidential sites: what matching uses instead of their true position.

A `privacy.confidential_address` location whose true point is known (entered by a partner or a
curator, or imported, without `geo.approximate`) gets one coarse point, drawn once at random with
`secrets`, `MIN_OFFSET_KM` to `MAX_OFFSET_KM` from the true site and in the same Belgian region.
It is stored here, read by every worker and host, and kept until the true point moves (then a new
one is drawn). Ranking, `max_distance_km` and `distance_km` all use it: however many questions the
match API answers, they locate the coarse point at best, never the site.

A confidential location with no known true point (only a municipality centroid, or no
coordinates), or whose draws all left its region, has no coarse point: matching reaches it through
its service's areas or its region, and never says how far it is.

The table is not an HSDS table: nothing here is in `/hsds`, in an export (curators' included: a
curator's export carries the true point, and a database restored from it draws new coarse
points; a `pg_dump` backup keeps them) or in a match answer.
"""

import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime
from directory.hsds.repository import confidential_location_ids, service_records
from directory.hsds.tree import TABLES, Record
from directory.places.distance import EARTH_RADIUS_KM
from directory.taxonomy import COARSE, GEO_APPROXIMATE, term_id

__all__ = [
    "COARSE",
    "MAX_OFFSET_KM",
    "MIN_OFFSET_KM",
    "CoarsePoint",
    "draw_coarse_point",
    "matching_records",
    "refresh_coarse_points",
]

"""Key of a confidential location in a matching record: `{"latitude", "longitude", "region"}`
(latitude and longitude None without a coarse point). Never in an HSDS record."""
MIN_OFFSET_KM = 1.25
"""Nearest a coarse point may be: more than 1 km, with room for an attacker's rounding error."""
MAX_OFFSET_KM = 3.0
MAX_DRAWS = 64
"""Draws before giving up (a site on a region's edge): the site then has no coarse point."""

RegionOf = Callable[[float, float], str | None]
"""`(latitude, longitude) -> "BE-VLG" | "BE-WAL" | "BE-BRU" | None` (the gazetteer's)."""


class CoarsePoint(SQLModel, table=True):
    """The coarse point of one confidential location, and the true point it was drawn from.

    No foreign key: a record's locations are deleted and written again on every edit, and an
    unchanged true point must keep its coarse point (`refresh_coarse_points` drops orphans)."""

    __tablename__ = "coarse_point"

    location_id: str = Field(primary_key=True, max_length=36)
    true_latitude: float
    true_longitude: float
    latitude: float | None = None
    longitude: float | None = None
    """None when no draw stayed in the site's region: matched by region, with no distance."""
    drawn_at: datetime = Field(sa_type=UTCDateTime)


COARSE_POINT = CoarsePoint.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TruePoint:
    location_id: str
    latitude: float
    longitude: float


def _moved(latitude: float, longitude: float, *, km: float, bearing: float) -> tuple[float, float]:
    """The point `km` away from (latitude, longitude) towards `bearing` (radians from north)."""
    lat, lon, angle = math.radians(latitude), math.radians(longitude), km / EARTH_RADIUS_KM
    new_lat = math.asin(
        math.sin(lat) * math.cos(angle) + math.cos(lat) * math.sin(angle) * math.cos(bearing)
    )
    new_lon = lon + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat),
        math.cos(angle) - math.sin(lat) * math.sin(new_lat),
    )
    return math.degrees(new_lat), (math.degrees(new_lon) + 540.0) % 360.0 - 180.0


def draw_coarse_point(
    *, latitude: float, longitude: float, region_of: RegionOf
) -> tuple[float, float] | None:
    """A random point `MIN_OFFSET_KM`..`MAX_OFFSET_KM` from the site, uniform over that ring, in
    the site's region; None when `MAX_DRAWS` draws all left it."""
    chance = secrets.SystemRandom()
    region = region_of(latitude, longitude)
    for _ in range(MAX_DRAWS):
        km = math.sqrt(chance.uniform(MIN_OFFSET_KM**2, MAX_OFFSET_KM**2))
        point = _moved(latitude, longitude, km=km, bearing=chance.uniform(0.0, 2 * math.pi))
        if region_of(*point) == region:
            return point
    return None


def _default_region_of() -> RegionOf:
    from directory.places.gazetteer import gazetteer

    return gazetteer().region_of


def _true_points(connection: Connection) -> list[TruePoint]:
    """Confidential locations with a true point: coordinates not marked `geo.approximate`."""
    hidden = sorted(confidential_location_ids(connection))
    location, attribute = TABLES["location"], TABLES["attribute"]
    approximate = select(attribute.c.link_id).where(
        attribute.c.taxonomy_term_id == term_id(GEO_APPROXIMATE)
    )
    found: list[TruePoint] = []
    for start in range(0, len(hidden), 500):
        rows = connection.execute(
            select(location.c.id, location.c.latitude, location.c.longitude).where(
                location.c.id.in_(hidden[start : start + 500]),
                location.c.latitude.is_not(None),
                location.c.longitude.is_not(None),
                location.c.id.not_in(approximate),
            )
        )
        found += [TruePoint(row.id, float(row.latitude), float(row.longitude)) for row in rows]
    return found


def _stored(connection: Connection) -> dict[str, tuple[float, float]]:
    table = COARSE_POINT
    rows = connection.execute(
        select(table.c.location_id, table.c.true_latitude, table.c.true_longitude)
    )
    return {row.location_id: (row.true_latitude, row.true_longitude) for row in rows}


def refresh_coarse_points(connection: Connection, *, region_of: RegionOf | None = None) -> None:
    """Draw a coarse point for every confidential location whose true point is new or moved;
    keep the others; forget those no longer confidential or without a true point. Call it in
    the transaction that wrote the locations."""
    stored = _stored(connection)
    wanted = _true_points(connection)
    keep = {point.location_id for point in wanted}
    gone = sorted(set(stored) - keep)
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        connection.execute(delete(COARSE_POINT).where(COARSE_POINT.c.location_id.in_(chunk)))
    new = [p for p in wanted if stored.get(p.location_id) != (p.latitude, p.longitude)]
    if new:
        _draw(connection, new, region_of or _default_region_of())


def _draw(connection: Connection, points: Sequence[TruePoint], region_of: RegionOf) -> None:
    ids = [point.location_id for point in points]
    connection.execute(delete(COARSE_POINT).where(COARSE_POINT.c.location_id.in_(ids)))
    now = datetime.now(UTC)
    rows = []
    for point in points:
        coarse = draw_coarse_point(
            latitude=point.latitude, longitude=point.longitude, region_of=region_of
        )
        rows.append(
            {
                "location_id": point.location_id,
                "true_latitude": point.latitude,
                "true_longitude": point.longitude,
                "latitude": coarse[0] if coarse else None,
                "longitude": coarse[1] if coarse else None,
                "drawn_at": now,
            }
        )
    connection.execute(COARSE_POINT.insert(), rows)


# --- reading, for matching ---------------------------------------------------------------------


def _coarse_by_location(connection: Connection) -> dict[str, Any]:
    return {row.location_id: row for row in connection.execute(select(COARSE_POINT))}


def _matching_location(location: Record, coarse: Any, region_of: RegionOf) -> Record:
    """A confidential location as matching may know it: its attributes and schedules, and its
    coarse point if one was drawn from its current true point; no name, address or true point."""
    latitude, longitude = location.get("latitude"), location.get("longitude")
    current = coarse is not None and (coarse.true_latitude, coarse.true_longitude) == (
        latitude,
        longitude,
    )
    point = (coarse.latitude, coarse.longitude) if current else (None, None)
    known = latitude is not None and longitude is not None
    region = region_of(float(latitude or 0), float(longitude or 0)) if known else None
    return {
        "id": location["id"],
        "location_type": location.get("location_type"),
        "attributes": location.get("attributes") or [],
        "schedules": location.get("schedules") or [],
        COARSE: {"latitude": point[0], "longitude": point[1], "region": region},
    }


def matching_records(
    connection: Connection,
    *,
    region_of: RegionOf | None = None,
    ids: Sequence[str] | None = None,
) -> list[Record]:
    """Every service record (or those of `ids`) for the match index: confidential locations
    carry their coarse point (or only their region) in `COARSE`, and nothing else of where
    they are."""
    records = service_records(connection, ids, include_confidential=True)
    hidden = confidential_location_ids(connection)
    if not hidden:
        return records
    coarse = _coarse_by_location(connection)
    regions = region_of or _default_region_of()
    for record in records:
        for link in record.get("service_at_locations") or []:
            location = link.get("location")
            if location and location.get("id") in hidden:
                link["location"] = _matching_location(location, coarse.get(location["id"]), regions)
    return records


def stored_coarse_points(
    connection: Connection, location_ids: Iterable[str]
) -> dict[str, tuple[float | None, float | None]]:
    """The stored coarse points of these locations (for curators' tools and tests)."""
    wanted = sorted(set(location_ids))
    rows = connection.execute(
        select(COARSE_POINT.c.location_id, COARSE_POINT.c.latitude, COARSE_POINT.c.longitude).where(
            COARSE_POINT.c.location_id.in_(wanted)
        )
    )
    return {row.location_id: (row.latitude, row.longitude) for row in rows}
