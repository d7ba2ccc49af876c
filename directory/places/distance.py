"""Distances on the Earth: great-circle kilometres, and a plane tangent to Belgium for nearest-
neighbour searches."""

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
EARTH_RADIUS_KM = 6371.0088
_BELGIAN_LATITUDE = np.radians(50.5)


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


def to_plane(latitudes: FloatArray, longitudes: FloatArray) -> FloatArray:
    """Kilometres east and north on a plane tangent to Belgium (within 1% there; far stays far)."""
    east = np.radians(longitudes) * np.cos(_BELGIAN_LATITUDE) * EARTH_RADIUS_KM
    return np.stack([east, np.radians(latitudes) * EARTH_RADIUS_KM])
