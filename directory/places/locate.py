"""Where a searched place is when the offline gazetteer does not know it: OpenStreetMap's
Nominatim, the only network call Passerelle makes, opt-in (`PASSERELLE_ONLINE_GEOCODER`)."""

import re

from directory.places.gazetteer import Place, gazetteer


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
