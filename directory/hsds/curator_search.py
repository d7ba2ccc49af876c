"""The curators' search: services by their name, their organisation's name, a place (a site's
name, town or postcode) or a code (`need.housing`, or the service's id); organisations by name.
Suspended services are found too (curators need them most)."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select

from directory.hsds.suspensions import SUSPENSION
from directory.hsds.tree import TABLES

LIMIT = 50


@dataclass(frozen=True, slots=True)
class FoundService:
    id: str
    name: str
    status: str
    organization_id: str
    organization_name: str
    suspended: bool


@dataclass(frozen=True, slots=True)
class FoundOrganization:
    id: str
    name: str
    services: int


def _contains(column: ColumnElement[str], words: str) -> ColumnElement[bool]:
    return func.lower(column).contains(words, autoescape=True)


def _service_matches(words: str, exact: str) -> ColumnElement[bool]:
    service, organization = TABLES["service"], TABLES["organization"]
    link, location, address = (
        TABLES["service_at_location"],
        TABLES["location"],
        TABLES["address"],
    )
    attribute, term = TABLES["attribute"], TABLES["taxonomy_term"]
    at_place = exists(
        select(link.c.id)
        .join(location, location.c.id == link.c.location_id)
        .outerjoin(address, address.c.location_id == location.c.id)
        .where(
            link.c.service_id == service.c.id,
            or_(
                _contains(location.c.name, words),
                _contains(address.c.city, words),
                address.c.postal_code == exact,
            ),
        )
    )
    with_code = exists(
        select(attribute.c.id)
        .join(term, term.c.id == attribute.c.taxonomy_term_id)
        .where(attribute.c.link_id == service.c.id, func.lower(term.c.code) == words)
    )
    return or_(
        _contains(service.c.name, words),
        _contains(organization.c.name, words),
        service.c.id == exact,
        at_place,
        with_code,
    )


def find_services(connection: Connection, text: str) -> list[FoundService]:
    """Services whose name, organisation, place or code matches `text` (at most `LIMIT`)."""
    exact = text.strip()
    words = exact.lower()
    if not words:
        return []
    service, organization = TABLES["service"], TABLES["organization"]
    rows = connection.execute(
        select(
            service.c.id,
            service.c.name,
            service.c.status,
            service.c.organization_id,
            organization.c.name.label("organization_name"),
            SUSPENSION.c.service_id.label("suspended"),
        )
        .outerjoin(organization, organization.c.id == service.c.organization_id)
        .outerjoin(SUSPENSION, SUSPENSION.c.service_id == service.c.id)
        .where(_service_matches(words, exact))
        .order_by(service.c.name, service.c.id)
        .limit(LIMIT)
    )
    return [
        FoundService(
            id=row.id,
            name=row.name,
            status=row.status,
            organization_id=row.organization_id or "",
            organization_name=row.organization_name or "",
            suspended=row.suspended is not None,
        )
        for row in rows
    ]


def find_organizations(connection: Connection, text: str) -> list[FoundOrganization]:
    """Organisations whose name holds `text`, with how many services each has."""
    words = text.strip().lower()
    if not words:
        return []
    service, organization = TABLES["service"], TABLES["organization"]
    rows = connection.execute(
        select(organization.c.id, organization.c.name, func.count(service.c.id).label("services"))
        .outerjoin(service, service.c.organization_id == organization.c.id)
        .where(or_(_contains(organization.c.name, words), organization.c.id == text.strip()))
        .group_by(organization.c.id, organization.c.name)
        .order_by(organization.c.name, organization.c.id)
        .limit(LIMIT)
    )
    return [FoundOrganization(row.id, row.name, int(row.services)) for row in rows]


def organization_names(connection: Connection) -> list[tuple[str, str]]:
    """Every organisation's (id, name), by name: the audit's filter offers them."""
    organization = TABLES["organization"]
    rows = connection.execute(
        select(organization.c.id, organization.c.name).order_by(
            organization.c.name, organization.c.id
        )
    )
    return [(row.id, row.name) for row in rows]
