"""Every query on the HSDS tables: fetching rows for records, writing flattened records, listing.

Functions take an open SQLAlchemy `Connection` (from `session.connection()`); the caller's
unit of work commits or rolls back. Bulk paths use SQLAlchemy Core, not the ORM: importing ten
thousand services must stay a matter of seconds.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from directory.hsds_tree import (
    SERVICE,
    TABLES,
    Child,
    Fetch,
    Flat,
    Record,
    Row,
    Shape,
    assemble,
)
from directory.models import HSDS_TABLES
from directory.suspensions import suspended_ids_query, suspended_service_ids
from directory.taxonomy import KNOWN, TAXONOMIES, term_id, term_record

CHUNK = 500
"""Values per IN (...) list and rows per INSERT batch."""

INSERT_ORDER = [str(model.__tablename__) for model in HSDS_TABLES]


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def db_fetch(connection: Connection) -> Fetch:
    """A `Fetch` that reads from the database, a few hundred keys per query."""

    def fetch(table: str, column: str, values: Sequence[Any]) -> list[Row]:
        target = TABLES[table]
        rows: list[Row] = []
        for chunk in _chunks(list(dict.fromkeys(values))):
            result = connection.execute(select(target).where(target.c[column].in_(chunk)))
            rows.extend(dict(row._mapping) for row in result)
        return rows

    return fetch


def _insert(connection: Connection) -> Any:
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def upsert_rows(connection: Connection, table_name: str, rows: Sequence[Row]) -> None:
    """Insert rows, or replace every column of the rows whose id already exists."""
    if not rows:
        return
    table = TABLES[table_name]
    columns = list(table.c.keys())
    statement = _insert(connection)(table)
    statement = statement.on_conflict_do_update(
        index_elements=["id"],
        set_={column: statement.excluded[column] for column in columns if column != "id"},
    )
    for chunk in _chunks(rows):
        connection.execute(
            statement, [{column: row.get(column) for column in columns} for row in chunk]
        )


def delete_owned(connection: Connection, child: Child, parent_ids: Sequence[str]) -> None:
    """Delete the `child` rows of these parents and everything they own (metadata stays: audit)."""
    table = TABLES[child.shape.table]
    ids: list[str] = []
    for chunk in _chunks(list(parent_ids)):
        ids.extend(
            connection.execute(select(table.c.id).where(table.c[child.fk].in_(chunk))).scalars()
        )
    if not ids:
        return
    for grandchild in child.shape.all_children:
        if grandchild.shape.table != "metadata":
            delete_owned(connection, grandchild, ids)
    for chunk in _chunks(ids):
        connection.execute(delete(table).where(table.c.id.in_(chunk)))


def write_flat(connection: Connection, flat: Flat) -> None:
    """Replace the collections `flat` replaces, then upsert its rows, parents first."""
    for (_parent_table, child), parent_ids in flat.replaces.items():
        if child.shape.table != "metadata":
            delete_owned(connection, child, sorted(parent_ids))
    for table_name in INSERT_ORDER:
        upsert_rows(connection, table_name, list(flat.rows.get(table_name, {}).values()))


def existing_ids(connection: Connection, table_name: str, ids: Iterable[str]) -> set[str]:
    table = TABLES[table_name]
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(connection.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


def ensure_taxonomy(connection: Connection) -> None:
    """Write Passerelle's taxonomies and every one of their terms as the code defines them: only
    the rows that are missing or differ (a write takes no lock on the rows it leaves alone)."""
    taxonomies = [
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "version": taxonomy.version,
        }
        for taxonomy in TAXONOMIES
    ]
    for table, wanted in (
        ("taxonomy", taxonomies),
        ("taxonomy_term", [term_record(code) for code in KNOWN]),
    ):
        target = TABLES[table]
        stored = {row["id"]: dict(row) for row in connection.execute(select(target)).mappings()}
        upsert_rows(
            connection,
            table,
            [row for row in wanted if _differs(stored.get(row["id"]), row)],
        )


def _differs(stored: Mapping[str, Any] | None, row: Mapping[str, Any]) -> bool:
    return stored is None or any(stored.get(key) != value for key, value in row.items())


# --- confidentiality ---------------------------------------------------------------------------


def confidential_location_ids(connection: Connection) -> set[str]:
    """Locations that must never leave the server: marked `privacy.confidential_address`
    themselves, or serving a service that is marked so."""
    attribute = TABLES["attribute"]
    sal = TABLES["service_at_location"]
    marked = select(attribute.c.link_id, attribute.c.link_entity).where(
        attribute.c.taxonomy_term_id == term_id("privacy.confidential_address")
    )
    locations: set[str] = set()
    services: list[str] = []
    for link_id, entity in connection.execute(marked):
        if entity == "location":
            locations.add(link_id)
        else:
            services.append(link_id)
    for chunk in _chunks(services):
        locations.update(
            connection.execute(
                select(sal.c.location_id).where(sal.c.service_id.in_(chunk))
            ).scalars()
        )
    return {location for location in locations if location is not None}


def public_fetch(connection: Connection) -> Fetch:
    """A `Fetch` that never yields a confidential location, nor a link to one, nor a suspended
    service."""
    hidden = confidential_location_ids(connection)
    suspended = suspended_service_ids(connection)
    inner = db_fetch(connection)
    if not hidden and not suspended:
        return inner

    def fetch(table: str, column: str, values: Sequence[Any]) -> list[Row]:
        if column == "location_id" and table != "service_at_location":
            values = [value for value in values if value not in hidden]
        rows = inner(table, column, values)
        if suspended and table in ("service", "service_at_location"):
            key = "id" if table == "service" else "service_id"
            rows = [row for row in rows if row[key] not in suspended]
        if table == "location":
            return [row for row in rows if row["id"] not in hidden]
        if table == "service_at_location":
            return [row for row in rows if row["location_id"] not in hidden]
        return rows

    return fetch


def fetch_for(connection: Connection, *, include_confidential: bool) -> Fetch:
    return db_fetch(connection) if include_confidential else public_fetch(connection)


# --- reading records ---------------------------------------------------------------------------


def records(fetch: Fetch, shape: Shape, ids: Sequence[str]) -> list[Record]:
    """Full records of `shape` for `ids`, in the order of `ids`; unknown ids are left out."""
    rows = fetch(shape.table, "id", ids)
    by_id = {row["id"]: row for row in rows}
    ordered = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return assemble(fetch, shape, ordered)


def all_service_ids(connection: Connection) -> list[str]:
    service = TABLES["service"]
    return list(connection.execute(select(service.c.id).order_by(service.c.id)).scalars())


def service_records(
    connection: Connection, ids: Sequence[str] | None = None, *, include_confidential: bool = False
) -> list[Record]:
    """Full service records (all services when `ids` is None)."""
    wanted = all_service_ids(connection) if ids is None else ids
    return records(
        fetch_for(connection, include_confidential=include_confidential), SERVICE, wanted
    )


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


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows per table: used by the privacy tests and `passerelle stats`."""
    counts = {}
    for name, table in TABLES.items():
        counts[name] = int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    return counts


def has_services(connection: Connection) -> bool:
    service = TABLES["service"]
    return connection.execute(select(service.c.id).limit(1)).first() is not None
