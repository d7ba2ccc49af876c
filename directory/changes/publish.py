"""Publishing a service record: the importer's path, with one audit row per changed field.

`write_record` returns the record as it is now stored, worked out from the rows it wrote (the
same nesting as a read, over those rows in memory), so that the caller need not read it again.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select, update

from directory.changes.ownership import validate
from directory.changes.working import canonical
from directory.hsds.assembly import assemble, memory_fetch
from directory.hsds.audit import field_rows
from directory.hsds.coarse_points import refresh_coarse_points
from directory.hsds.importer import prepare
from directory.hsds.repository import db_fetch, ensure_taxonomy, records, write_flat
from directory.hsds.tree import ATTRIBUTE, SERVICE, TABLES, Flat, Record, flatten
from directory.hsds.upserts import upsert_rows
from directory.state import bump_version
from directory.taxonomy import code_of


def utc_now() -> datetime:
    return datetime.now(UTC)


def write_record(
    connection: Connection,
    *,
    old: Record | None,
    new: Record,
    organization_id: str,
    who: str,
    checked: bool = False,
) -> Record:
    """Publish `new` in place of `old` and return it as stored (see above). Unless the caller
    `checked` it already (`new` then holds nothing a validated proposal did not), it is validated
    like any proposal first."""
    if checked:
        flat: Flat = prepare(connection, [new])[0]
    else:
        flat = validate(connection, new, before=old, organization_id=organization_id)
    for row in field_rows(new["id"], old, new, who=who, now=utc_now()):
        flat.rows["metadata"][row["id"]] = row
    write_flat(connection, flat)
    refresh_coarse_points(connection)
    bump_version(connection, _services_sharing(connection, new, old))
    return stored_form(flat, str(new["id"]))


def write_attribute(
    connection: Connection, *, old: Record, new: Record, code: str, who: str
) -> Record:
    """Publish `new`, which differs from `old` only in the service's one attribute of `code` (free
    beds): that attribute's row alone is written, the service's write time, and the audit rows
    of what changed; the rest of the record stays as stored. Returns the record as stored."""
    service_id = str(new["id"])
    (written,) = [a for a in new.get("attributes", []) if code_of(a) == code]
    replaced = [
        str(a["id"])
        for a in old.get("attributes", [])
        if code_of(a) == code and a.get("id") != written["id"]
    ]
    attribute, service = TABLES["attribute"], TABLES["service"]
    now = utc_now()
    ensure_taxonomy(connection, announce=True)
    if replaced:
        connection.execute(delete(attribute).where(attribute.c.id.in_(replaced)))
    upsert_rows(
        connection, "attribute", [flatten(written, ATTRIBUTE).rows["attribute"][written["id"]]]
    )
    connection.execute(update(service).where(service.c.id == service_id).values(last_modified=now))
    upsert_rows(connection, "metadata", field_rows(service_id, old, new, who=who, now=now))
    bump_version(connection, [service_id])
    (stored,) = records(db_fetch(connection), ATTRIBUTE, [str(written["id"])])
    others = [a for a in old.get("attributes", []) if code_of(a) != code]
    result: Record = canonical({**old, "attributes": [*others, stored]})
    return result


def stored_form(flat: Flat, service_id: str) -> Record:
    """The working form of the service record made of `flat`'s rows: what a read of them gives."""
    rows = {table: list(found.values()) for table, found in flat.rows.items()}
    service = flat.rows["service"][service_id]
    record: Record = canonical(assemble(memory_fetch(rows), SERVICE, [service])[0])
    return record


def _services_sharing(connection: Connection, new: Record, old: Record | None) -> set[str]:
    """The service written and every service at one of its locations or in its program (their
    records hold those rows too, and changed with them)."""
    locations = {
        str(link["location"]["id"])
        for record in (new, old or {})
        for link in record.get("service_at_locations") or []
        if isinstance(link, dict)
        and isinstance(link.get("location"), dict)
        and link["location"].get("id")
    }
    programs = {str(program) for record in (new, old or {}) if (program := _program_of(record))}
    sal, service = TABLES["service_at_location"], TABLES["service"]
    found = {str(new["id"])}
    if locations:
        found.update(
            connection.execute(
                select(sal.c.service_id).where(sal.c.location_id.in_(sorted(locations)))
            ).scalars()
        )
    if programs:
        found.update(
            connection.execute(
                select(service.c.id).where(service.c.program_id.in_(sorted(programs)))
            ).scalars()
        )
    return found


def _program_of(record: Record) -> object:
    program = record.get("program")
    return program.get("id") if isinstance(program, dict) else record.get("program_id")
