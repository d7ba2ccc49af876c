"""HSDS `postcode` and `proximity` on `/service_at_locations`: which sites serve a postcode.

Without `proximity`, a site serves the postcode when its location has that postcode or one of
its service's named service areas covers it. With `proximity` (metres), a site serves it when its
location lies within that distance of the postcode's centre and, if its service names service
areas, one of them covers the postcode. Confidential locations are never among the sites.
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from directory.hsds.paging import SiteOfService
from directory.places.distance import haversine_km


def _within(site: SiteOfService, place: Any, metres: float) -> bool:
    if site.latitude is None or site.longitude is None:
        return False
    km = haversine_km(site.latitude, site.longitude, [place.latitude], [place.longitude])[0]
    return float(km) * 1000 <= metres


def sites_serving(
    sites: Iterable[SiteOfService],
    *,
    postcode: str,
    place: Any,
    covers: Callable[[str, Any], bool],
    proximity_m: float | None = None,
) -> set[str]:
    """The ids of the sites that serve `postcode` (whose gazetteer place is `place`)."""
    code = postcode.strip().upper()
    codes = {code, re.sub(r"^BE?-", "", code)}
    found = set()
    for site in sites:
        in_area = any(covers(area, place) for area in site.service_areas)
        if proximity_m is None:
            keep = bool(codes & site.postal_codes) or in_area
        else:
            keep = _within(site, place, proximity_m) and (in_area or not site.service_areas)
        if keep:
            found.add(site.id)
    return found
