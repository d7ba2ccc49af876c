"""The HSDS API's paged lists: services (with its filters), service_at_locations, organizations,
taxonomies and terms, as ids in a stable order; the records themselves come from `repository`."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, exists, func, or_, select

from directory.hsds.suspensions import suspended_ids_query
from directory.hsds.tree import TABLES


@dataclass(frozen=True, slots=True)
class Page:
    total_items: int
    ids: list[str]


@dataclass(frozen=True, slots=True)
class ServiceFilter:
    """The HSDS API's filters on `/services` (and, through the service, `/service_at_locations`)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None


def _service_conditions(spec: ServiceFilter) -> list[Any]:
    service = TABLES["service"]
    attribute = TABLES["attribute"]
    term = TABLES["taxonomy_term"]
    organization = TABLES["organization"]
    conditions: list[Any] = [service.c.id.not_in(suspended_ids_query())]
    if spec.search:
        like = f"%{spec.search.lower()}%"
        org_name = select(organization.c.id).where(
            and_(
                organization.c.id == service.c.organization_id,
                func.lower(organization.c.name).like(like),
            )
        )
        conditions.append(
            or_(
                func.lower(service.c.name).like(like),
                func.lower(func.coalesce(service.c.description, "")).like(like),
                func.lower(func.coalesce(service.c.alternate_name, "")).like(like),
                exists(org_name),
            )
        )
    if spec.taxonomy_term_id:
        conditions.append(
            exists(
                select(attribute.c.id).where(
                    and_(
                        attribute.c.link_id == service.c.id,
                        attribute.c.taxonomy_term_id == spec.taxonomy_term_id,
                    )
                )
            )
        )
    if spec.taxonomy_id:
        conditions.append(
            exists(
                select(attribute.c.id)
                .join(term, term.c.id == attribute.c.taxonomy_term_id)
                .where(
                    and_(
                        attribute.c.link_id == service.c.id, term.c.taxonomy_id == spec.taxonomy_id
                    )
                )
            )
        )
    if spec.organization_id:
        conditions.append(service.c.organization_id == spec.organization_id)
    if spec.modified_after:
        conditions.append(service.c.last_modified >= spec.modified_after.astimezone(UTC))
    return conditions


def page_of(connection: Connection, query: Select[Any], *, page: int, per_page: int) -> Page:
    """One page of the ids `query` selects (ordered by id), with the total count."""
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = connection.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars()
    return Page(total_items=int(total), ids=list(rows))


def service_page(connection: Connection, spec: ServiceFilter, *, page: int, per_page: int) -> Page:
    service = TABLES["service"]
    query = select(service.c.id).where(*_service_conditions(spec)).order_by(service.c.id)
    return page_of(connection, query, page=page, per_page=per_page)


def service_at_location_page(
    connection: Connection,
    spec: ServiceFilter,
    *,
    hidden_locations: set[str],
    page: int,
    per_page: int,
    only: Collection[str] | None = None,
) -> Page:
    """A page of service_at_location ids (`only` these, when given)."""
    sal = TABLES["service_at_location"]
    service = TABLES["service"]
    query = (
        select(sal.c.id)
        .join(service, service.c.id == sal.c.service_id)
        .where(*_service_conditions(spec))
        .order_by(sal.c.id)
    )
    if hidden_locations:
        query = query.where(sal.c.location_id.not_in(sorted(hidden_locations)))
    if only is not None:
        query = query.where(sal.c.id.in_(sorted(only)))
    return page_of(connection, query, page=page, per_page=per_page)


@dataclass(frozen=True, slots=True)
class SiteOfService:
    """Where one service_at_location is, for the postcode and proximity filters."""

    id: str
    postal_codes: frozenset[str]
    latitude: float | None
    longitude: float | None
    service_areas: tuple[str, ...]


def sites_of_services(connection: Connection, *, hidden_locations: set[str]) -> list[SiteOfService]:
    """Every public service_at_location with its location's postcodes and point and its
    service's named service areas (confidential locations left out)."""
    sal, location = TABLES["service_at_location"], TABLES["location"]
    address, area = TABLES["address"], TABLES["service_area"]
    rows = connection.execute(
        select(sal.c.id, sal.c.service_id, location.c.id, location.c.latitude, location.c.longitude)
        .join(location, location.c.id == sal.c.location_id)
        .where(location.c.id.not_in(sorted(hidden_locations)))
    ).all()
    codes: dict[str, set[str]] = {}
    for location_id, code in connection.execute(
        select(address.c.location_id, address.c.postal_code)
    ):
        if code:
            codes.setdefault(str(location_id), set()).add(str(code).strip().upper())
    areas: dict[str, list[str]] = {}
    for service_id, name in connection.execute(select(area.c.service_id, area.c.name)):
        if name:
            areas.setdefault(str(service_id), []).append(str(name))
    return [
        SiteOfService(
            id=str(sal_id),
            postal_codes=frozenset(codes.get(str(location_id), ())),
            latitude=None if lat is None else float(lat),
            longitude=None if lon is None else float(lon),
            service_areas=tuple(areas.get(str(service_id), ())),
        )
        for sal_id, service_id, location_id, lat, lon in rows
    ]


def _named_like(table: Any, search: str | None) -> list[Any]:
    """Rows whose name or description holds `search` (any case), for HSDS `search`."""
    if not search:
        return []
    like = f"%{search.lower()}%"
    return [
        or_(
            func.lower(table.c.name).like(like),
            func.lower(func.coalesce(table.c.description, "")).like(like),
        )
    ]


def simple_page(
    connection: Connection,
    table_name: str,
    *,
    page: int,
    per_page: int,
    search: str | None = None,
    **equals: Any,
) -> Page:
    """A page of ids of one table, optionally filtered by column equality and `search`."""
    table = TABLES[table_name]
    query = select(table.c.id).where(*_named_like(table, search)).order_by(table.c.id)
    for column, value in equals.items():
        if value is not None:
            query = query.where(table.c[column] == value)
    return page_of(connection, query, page=page, per_page=per_page)


def organization_page(
    connection: Connection, search: str | None, *, page: int, per_page: int
) -> Page:
    organization = TABLES["organization"]
    query = select(organization.c.id).order_by(organization.c.id)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(organization.c.name).like(like),
                func.lower(func.coalesce(organization.c.alternate_name, "")).like(like),
                func.lower(organization.c.description).like(like),
            )
        )
    return page_of(connection, query, page=page, per_page=per_page)


def term_page(
    connection: Connection,
    *,
    taxonomy_id: str | None,
    parent_id: str | None,
    top_only: bool,
    page: int,
    per_page: int,
    search: str | None = None,
) -> Page:
    term = TABLES["taxonomy_term"]
    query = select(term.c.id).where(*_named_like(term, search)).order_by(term.c.id)
    if taxonomy_id:
        query = query.where(term.c.taxonomy_id == taxonomy_id)
    if parent_id:
        query = query.where(term.c.parent_id == parent_id)
    if top_only:
        query = query.where(term.c.parent_id.is_(None))
    return page_of(connection, query, page=page, per_page=per_page)
