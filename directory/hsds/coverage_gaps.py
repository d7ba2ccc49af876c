"""Where the directory is thin: services per need x province (and Brussels) x language, counting
those that are active, reachable (a phone or a public address) and fresh (confirmed by the
service within `FRESH_MONTHS`), the empty and thin cells first. For curators and funders:
`passerelle coverage` and the portal's coverage page.

A service covers a province when one of its public sites lies there (by the gazetteer's nearest
locality), or when one of its service areas names the country, the province's region, the
province or a place in it; a confidential site counts only through its service's areas (the
public record gives no point for it). "Reachable": a phone (the service's, its organisation's or
a site's) or a public street address.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from directory.hsds.stale import months_before
from directory.places.gazetteer import Gazetteer
from directory.taxonomy import TERMS, code_of

FRESH_MONTHS = 12
THIN = 1
"""A cell with at most this many reachable services is thin (none: empty)."""

PROVINCES: dict[str, str] = {
    "BE-BRU": "Brussels",
    "BE-VAN": "Antwerp",
    "BE-VBR": "Flemish Brabant",
    "BE-VLI": "Limburg",
    "BE-VOV": "East Flanders",
    "BE-VWV": "West Flanders",
    "BE-WBR": "Walloon Brabant",
    "BE-WHT": "Hainaut",
    "BE-WLG": "Liège",
    "BE-WLX": "Luxembourg",
    "BE-WNA": "Namur",
}
"""ISO 3166-2 codes of Belgium's provinces and the Brussels-Capital Region -> English name."""
NEEDS = tuple(term.code.removeprefix("need.") for term in TERMS if term.code.startswith("need."))
ANY_LANGUAGE = ""


@dataclass(frozen=True, slots=True)
class Cell:
    need: str
    province: str
    language: str
    """A language code, or "" for services in any language."""
    active: int
    reachable: int
    fresh: int

    @property
    def level(self) -> str:
        """`empty` (no reachable service), `thin` (at most `THIN`) or `covered`."""
        if self.reachable == 0:
            return "empty"
        return "thin" if self.reachable <= THIN else "covered"


@dataclass(frozen=True, slots=True)
class Counted:
    """What the report needs of one service."""

    needs: frozenset[str]
    provinces: frozenset[str]
    languages: frozenset[str]
    reachable: bool
    fresh: bool


def _site_provinces(location: Mapping[str, Any], places: Gazetteer) -> frozenset[str]:
    """The province of a public site, by its point (a confidential site has none here)."""
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if latitude is None or longitude is None:
        return frozenset()
    found = places.province_of(float(latitude), float(longitude))
    return frozenset((found,)) if found else frozenset()


def counted(record: Mapping[str, Any], *, today: date, places: Gazetteer) -> Counted | None:
    """A public service record as the report counts it; None when it is not active."""
    if record.get("status") != "active":
        return None
    codes = {code_of(item) or "" for item in record.get("attributes") or []}
    provinces: set[str] = set()
    for area in record.get("service_areas") or []:
        provinces |= places.provinces_of_area(str(area.get("name") or area.get("extent") or ""))
    public_address = False
    for link in record.get("service_at_locations") or []:
        location = link.get("location") or {}
        if found := _site_provinces(location, places):
            provinces |= found
            public_address = public_address or bool(location.get("addresses"))
    organization = record.get("organization") or {}
    phones = (
        record.get("phones")
        or organization.get("phones")
        or any(
            (link.get("location") or {}).get("phones")
            for link in record.get("service_at_locations") or []
        )
    )
    assured = record.get("assured_date")
    fresh = bool(assured) and str(assured) >= months_before(today, FRESH_MONTHS).isoformat()
    reachable = bool(phones or public_address)
    return Counted(
        needs=frozenset(code.removeprefix("need.") for code in codes if code.startswith("need.")),
        provinces=frozenset(provinces),
        languages=frozenset(str(item.get("code")) for item in record.get("languages") or []),
        reachable=reachable,
        fresh=reachable and fresh,
    )


def coverage(
    records: Iterable[Mapping[str, Any]],
    *,
    today: date,
    places: Gazetteer,
    languages: Sequence[str] = (),
) -> list[Cell]:
    """Every cell of need x province x language ("" = any language, then each of `languages`),
    the empty and thin cells first (fewest reachable, then fewest fresh, then by name)."""
    services = [s for record in records if (s := counted(record, today=today, places=places))]
    cells = []
    for language in (ANY_LANGUAGE, *languages):
        speaking = [s for s in services if not language or language in s.languages]
        for need in NEEDS:
            serving = [s for s in speaking if need in s.needs]
            for province in PROVINCES:
                here = [s for s in serving if province in s.provinces]
                cells.append(
                    Cell(
                        need=need,
                        province=province,
                        language=language,
                        active=len(here),
                        reachable=sum(s.reachable for s in here),
                        fresh=sum(s.fresh for s in here),
                    )
                )
    return sorted(
        cells, key=lambda c: (c.reachable, c.fresh, c.active, c.language, c.need, c.province)
    )


def grid(cells: Iterable[Cell], language: str = ANY_LANGUAGE) -> dict[str, dict[str, Cell]]:
    """need -> province -> cell, for one language, in the taxonomy's and the provinces' order."""
    chosen = {(c.need, c.province): c for c in cells if c.language == language}
    return {
        need: {
            province: chosen[need, province] for province in PROVINCES if (need, province) in chosen
        }
        for need in NEEDS
    }
