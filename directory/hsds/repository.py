"""Every query on the HSDS tables: fetching rows for records, writing flattened records, listing.

Functions take an open SQLAlchemy `Connection` (from `session.connection()`); the caller's
unit of work commits or rolls back. Bulk paths use SQLAlchemy Core, not the ORM: importing ten
thousand services must stay a matter of seconds.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)

from directory.hsds.assembly import Fetch, assemble
from directory.hsds.models import HSDS_TABLES
from directory.hsds.suspensions import suspended_service_ids
from directory.hsds.tree import (
    SERVICE,
    TABLES,
    Child,
    Flat,
    Record,
    Row,
    Shape,
)
from directory.hsds.upserts import upsert_rows
from directory.state import bump_version
from directory.taxonomy import KNOWN, PRIVACY_CONFIDENTIAL_ADDRESS, TAXONOMIES, term_id, term_record

CHUNK = 500
"""Values per IN (...) list and rows per INSERT batch."""

INSERT_ORDER = [str(model.__tablename__) for model in HSDS_TABLES]


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_column(pairs: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """`(column, key)` pairs as each column's keys, columns in order of their names."""
    by_column: dict[str, list[Any]] = defaultdict(list)
    for column, key in pairs:
        by_column[column].append(key)
    return dict(sorted(by_column.items()))


@cache
def _with_any_of(
    table_name: str, columns: tuple[str, ...], shown: tuple[str, ...] | None = None
) -> Select[Any]:
    """The `shown` columns (every one when None) of the rows whose value in one of `columns` is
    one of that column's keys (each passed as the list `in_<column>`): built once per table and
    columns, whatever the keys."""
    table = TABLES[table_name]
    query = select(table) if shown is None else select(*(table.c[name] for name in shown))
    return query.where(
        or_(*(table.c[column].in_(bindparam(f"in_{column}", expanding=True)) for column in columns))
    )


def _keys_of(by_column: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """The parameters of a `_with_any_of` query."""
    return {f"in_{column}": keys for column, keys in by_column.items()}


def db_fetch(connection: Connection) -> Fetch:
    """A `Fetch` that reads from the database: one query for every few hundred keys, whatever
    the columns they are looked up in."""

    def fetch(table: str, wanted: Mapping[str, Sequence[Any]]) -> list[Row]:
        pairs = [(column, key) for column, keys in wanted.items() for key in dict.fromkeys(keys)]
        rows: dict[Any, Row] = {}
        for chunk in _chunks(pairs):
            keys = _by_column(chunk)
            for row in connection.execute(_with_any_of(table, tuple(keys)), _keys_of(keys)):
                rows.setdefault(row.id, dict(row._mapping))
        return list(rows.values())

    return fetch


def _owned_ids(connection: Connection, level: Mapping[Child, set[str]]) -> dict[str, set[str]]:
    """The ids of the rows these children of these parents are, and of everything they own
    (metadata left out: it is the audit trail), by table: one query per table and level."""
    owned: dict[str, set[str]] = defaultdict(set)
    while level:
        by_table: dict[str, list[tuple[Child, set[str]]]] = defaultdict(list)
        for child, parent_ids in level.items():
            by_table[child.shape.table].append((child, parent_ids))
        following: dict[Child, set[str]] = defaultdict(set)
        for table_name, children in by_table.items():
            shown = ("id", *sorted({child.fk for child, _ in children}))
            pairs = [
                (child.fk, key) for child, parent_ids in children for key in sorted(parent_ids)
            ]
            found: list[dict[str, Any]] = []
            for chunk in _chunks(pairs):
                keys = _by_column(chunk)
                query = _with_any_of(table_name, tuple(keys), shown)
                found.extend(
                    dict(row._mapping) for row in connection.execute(query, _keys_of(keys))
                )
            for child, parent_ids in children:
                ids = {row["id"] for row in found if row[child.fk] in parent_ids}
                owned[table_name] |= ids
                for grandchild in child.shape.all_children:
                    if ids and grandchild.shape.table != "metadata":
                        following[grandchild] |= ids
        level = following
    return owned


def replaced_ids(
    connection: Connection, flat: Flat, *, stored: Mapping[str, set[str]] | None = None
) -> dict[str, set[str]]:
    """The ids of the stored rows that the collections `flat` replaces hold (and everything they
    own, the audit trail left out), by table. `stored`: for some tables, the ids of the parents
    known to be stored; the others own nothing (a foreign key names a stored row) and are not
    asked about."""
    replaced: dict[Child, set[str]] = defaultdict(set)
    for (parent_table, child), parent_ids in flat.replaces.items():
        if child.shape.table != "metadata":
            known = stored.get(parent_table) if stored else None
            replaced[child] |= parent_ids if known is None else parent_ids & known
    return _owned_ids(connection, {child: ids for child, ids in replaced.items() if ids})


def delete_rows(connection: Connection, ids: Mapping[str, Iterable[str]]) -> None:
    """Delete rows by table and id, children first."""
    for table_name in reversed(INSERT_ORDER):
        table = TABLES[table_name]
        for chunk in _chunks(sorted(ids.get(table_name, ()))):
            connection.execute(delete(table).where(table.c.id.in_(chunk)))


def upsert_flat(
    connection: Connection, flat: Flat, *, completed: Mapping[str, set[str]] | None = None
) -> None:
    """Upsert the rows of `flat`, parents first. A row whose id is in `completed` (by table) was
    written earlier in this transaction: only the columns it carries change."""
    for table_name in INSERT_ORDER:
        rows = flat.rows.get(table_name, {})
        done = completed.get(table_name, set()) if completed else set()
        upsert_rows(connection, table_name, [row for key, row in rows.items() if key not in done])
        update_columns(connection, table_name, [row for key, row in rows.items() if key in done])


def update_columns(connection: Connection, table_name: str, rows: Sequence[Row]) -> None:
    """Set the columns each row carries (and only those) on stored rows of the same id."""
    by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for row in rows:
        by_columns[tuple(row)].append(row)
    table = TABLES[table_name]
    for columns, group in by_columns.items():
        changed = [column for column in columns if column != "id"]
        if not changed:
            continue
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                {
                    column: bindparam(f"new_{column}", type_=table.c[column].type)
                    for column in changed
                }
            )
        )
        for chunk in _chunks(group):
            connection.execute(
                statement,
                [
                    {"row_id": row["id"], **{f"new_{column}": row[column] for column in changed}}
                    for row in chunk
                ],
            )


def write_flat(connection: Connection, flat: Flat) -> None:
    """Replace the collections `flat` replaces (children first), then upsert its rows, parents
    first."""
    delete_rows(connection, replaced_ids(connection, flat))
    upsert_flat(connection, flat)


def existing_ids(connection: Connection, table_name: str, ids: Iterable[str]) -> set[str]:
    table = TABLES[table_name]
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(connection.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


def ensure_taxonomy(connection: Connection, *, announce: bool = False) -> None:
    """Write Passerelle's taxonomies and every one of their terms as the code defines them: only
    the rows that are missing or differ (a write takes no lock on the rows it leaves alone).
    With `announce`, a row written is a change of everything (every record holds its terms)."""
    taxonomies = [
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description,
            "version": taxonomy.version,
        }
        for taxonomy in TAXONOMIES
    ]
    written = 0
    for table, wanted in (
        ("taxonomy", taxonomies),
        ("taxonomy_term", [term_record(code) for code in KNOWN]),
    ):
        target = TABLES[table]
        stored = {row["id"]: dict(row) for row in connection.execute(select(target)).mappings()}
        differing = [row for row in wanted if _differs(stored.get(row["id"]), row)]
        upsert_rows(connection, table, differing)
        written += len(differing)
    if announce and written:
        bump_version(connection)


def _differs(stored: Mapping[str, Any] | None, row: Mapping[str, Any]) -> bool:
    return stored is None or any(stored.get(key) != value for key, value in row.items())


# --- confidentiality ---------------------------------------------------------------------------


def confidential_location_ids(connection: Connection) -> set[str]:
    """Locations that must never leave the server: marked `privacy.confidential_address`
    themselves, or serving a service that is marked so."""
    attribute = TABLES["attribute"]
    sal = TABLES["service_at_location"]
    marked = select(attribute.c.link_id, attribute.c.link_entity).where(
        attribute.c.taxonomy_term_id == term_id(PRIVACY_CONFIDENTIAL_ADDRESS)
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

    def fetch(table: str, wanted: Mapping[str, Sequence[Any]]) -> list[Row]:
        if "location_id" in wanted and table != "service_at_location":
            shown = [value for value in wanted["location_id"] if value not in hidden]
            wanted = {**wanted, "location_id": shown}
        rows = inner(table, wanted)
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
    rows = fetch(shape.table, {"id": ids})
    by_id = {row["id"]: row for row in rows}
    ordered = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return assemble(fetch, shape, ordered)


def all_service_ids(connection: Connection) -> list[str]:
    service = TABLES["service"]
    return list(connection.execute(select(service.c.id).order_by(service.c.id)).scalars())


def service_records(
    connection: Connection,
    ids: Sequence[str] | None = None,
    *,
    include_confidential: bool = False,
    shape: Shape = SERVICE,
) -> list[Record]:
    """Service records of `shape`, full by default (all services when `ids` is None)."""
    wanted = all_service_ids(connection) if ids is None else ids
    return records(fetch_for(connection, include_confidential=include_confidential), shape, wanted)


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows per table: used by the privacy tests and `passerelle stats`."""
    counts = {}
    for name, table in TABLES.items():
        counts[name] = int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    return counts


def has_services(connection: Connection) -> bool:
    service = TABLES["service"]
    return connection.execute(select(service.c.id).limit(1)).first() is not None
