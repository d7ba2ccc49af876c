"""Tenancy: every row of a partner's record belongs to that record or to the partner.

A partner's record (a merge patch applied to its service, or a new service it proposes) is
flattened into rows; `flatten` forces each nested row's parent key (a phone's `service_id` under
`phones`, its `contact_id` under `contacts[0].phones`). These rules cover everything else
(findings F2 and F3 of the December 2026 security review):

- **Keys.** Any other foreign key a row carries (a phone's `location_id`, `service_id`,
  `organization_id`, `contact_id`, `service_at_location_id`; a language's `phone_id`; a schedule's
  `location_id`; a contact's `organization_id`; a service's `program_id`...; every foreign key of
  the HSDS tables) must name this service, one of this record's own service_at_locations, contacts
  or phones, the partner's own organisation, or a location or program the partner owns. Such a key
  is kept as sent (HSDS allows the phone of a service at one of its locations), never rewritten;
  any other value is refused with 422 naming its path (`contacts[0].phones[0].service_id`).
- **What is already published stands.** A key the published record already holds, on the same row,
  is not checked again: a curator's import may have linked records, and the partner stays able to
  edit the rest of its service.
- **Who owns a location.** Its `organization_id`; a location without one belongs to the one
  organisation whose services use it, and to no partner when several do (a curator edits it).
  Other organisations' services being linked to a location never take it from its owner, so the
  owner is never locked out. A partner's new location is given the partner's `organization_id`.
- **Another organisation's location** may stay linked exactly as it is published (the location and
  every child unchanged), but cannot be newly linked (by id or as an embedded stub), changed, nor
  have its children replaced (`addresses: []`).
- **Visibility.** A new `privacy.confidential_address` on the service hides every location it is
  linked to, so it is refused while one of them is not the partner's own.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from directory.errors import FieldError
from directory.hsds.tree import SERVICE, TABLES, Flat, Record, flatten
from directory.taxonomy import term_id

CONFIDENTIAL = "privacy.confidential_address"
SEVERAL = "(several organisations)"
"""The owner of a location that several organisations use and none is named for: no partner."""
NOT_OWNED = frozenset({"metadata", "taxonomy", "taxonomy_term"})
"""Tables whose keys are not the partner's to point: the audit trail and the shared taxonomy."""
THIS_RECORD = frozenset({"service", "service_at_location", "contact", "phone"})
"""Targets a key may name only within this record."""


def location_owners(connection: Connection, ids: set[str]) -> dict[str, str | None]:
    """Each stored location's owner: its organisation, else the one organisation whose services
    use it (SEVERAL when more than one does, None when none does)."""
    if not ids:
        return {}
    location, sal, service = TABLES["location"], TABLES["service_at_location"], TABLES["service"]
    named: dict[str, str | None] = {}
    for row in connection.execute(
        select(location.c.id, location.c.organization_id).where(location.c.id.in_(sorted(ids)))
    ):
        named[row.id] = row.organization_id
    users: dict[str, set[str]] = {}
    for row in connection.execute(
        select(sal.c.location_id, service.c.organization_id)
        .join(service, service.c.id == sal.c.service_id)
        .where(sal.c.location_id.in_(sorted(named)))
    ):
        if row.organization_id:
            users.setdefault(row.location_id, set()).add(row.organization_id)
    return {
        location_id: owner or _sole_user(users.get(location_id, set()))
        for location_id, owner in named.items()
    }


def _sole_user(users: set[str]) -> str | None:
    if len(users) > 1:
        return SEVERAL
    return next(iter(users), None)


def program_owners(connection: Connection, ids: set[str]) -> dict[str, str | None]:
    program = TABLES["program"]
    rows = connection.execute(
        select(program.c.id, program.c.organization_id).where(program.c.id.in_(sorted(ids)))
    )
    return {row.id: row.organization_id for row in rows}


@dataclass(frozen=True, slots=True)
class Tenancy:
    """What a proposed record may point at: its own rows, and what its partner owns."""

    flat: Flat
    before: Flat | None
    organization_id: str
    owners: dict[tuple[str, str], str | None]
    """(location or program, id) -> owner, for every stored one the record names."""

    def owns(self, table: str, row_id: str) -> bool:
        """A location or program of the partner's: stored as its own, or new in this record."""
        if (table, row_id) in self.owners:
            return self.owners[(table, row_id)] == self.organization_id
        return row_id in self.flat.rows.get(table, {})

    def published(self, table: str, row_id: str) -> dict[str, Any]:
        return self.before.rows.get(table, {}).get(row_id, {}) if self.before else {}

    def path(self, table: str, row_id: str) -> str:
        return self.flat.paths.get((table, row_id), table) or table


def tenancy(
    connection: Connection, flat: Flat, *, before: Flat | None, organization_id: str
) -> Tenancy:
    named: dict[str, set[str]] = {"location": set(), "program": set()}
    for key in _keys(flat):
        if key.target in named:
            named[key.target].add(key.value)
    for table, ids in named.items():
        ids.update(flat.rows.get(table, {}))
    owners = {
        **{("location", k): v for k, v in location_owners(connection, named["location"]).items()},
        **{("program", k): v for k, v in program_owners(connection, named["program"]).items()},
    }
    return Tenancy(flat, before, organization_id, owners)


@dataclass(frozen=True, slots=True)
class Key:
    """One foreign key a row carries: `phones` row `row_id`'s `location_id` names `value`."""

    table: str
    row_id: str
    column: str
    target: str
    value: str


def _keys(flat: Flat) -> Iterator[Key]:
    """Every foreign key the rows carry, but those into the audit trail and the taxonomy."""
    for table, rows in flat.rows.items():
        if table in NOT_OWNED:
            continue
        for foreign_key in TABLES[table].foreign_keys:
            column, target = foreign_key.parent.name, foreign_key.column.table.name
            if target in NOT_OWNED:
                continue
            for row_id, row in rows.items():
                if row.get(column) is not None:
                    yield Key(table, row_id, column, target, row[column])


def tenancy_errors(
    connection: Connection,
    flat: Flat,
    *,
    before: Flat | None,
    record: Record,
    before_record: Record | None,
    organization_id: str,
) -> list[FieldError]:
    """Every way the proposed record would reach into another organisation's listings."""
    state = tenancy(connection, flat, before=before, organization_id=organization_id)
    errors = [
        *key_errors(state),
        *foreign_location_errors(state, record, before_record),
        *visibility_errors(state),
    ]
    return list({(error.field, error.message): error for error in errors}.values())


def key_errors(state: Tenancy) -> list[FieldError]:
    """Foreign keys (other than the forced parent) naming a row outside the partner's reach."""
    errors = []
    for key in _keys(state.flat):
        if state.published(key.table, key.row_id).get(key.column) == key.value:
            continue
        problem = _key_problem(state, key.target, key.value)
        if problem:
            where = _join(state.path(key.table, key.row_id), key.column)
            errors.append(FieldError("service", where, problem))
    return errors


def _key_problem(state: Tenancy, target: str, value: str) -> str | None:
    if target == "organization":
        return None if value == state.organization_id else "this is another organisation"
    if target in ("location", "program"):
        if state.owns(target, value):
            return None
        return f"this {target} belongs to another organisation"
    if target in THIS_RECORD and value in state.flat.rows.get(target, {}):
        return None
    return f"no {target} {value} in this service's record: point only at its own rows"


def _join(path: str, column: str) -> str:
    return f"{path}.{column}" if path and path != "service" else column


def linked_locations(record: Record | None) -> dict[str, list[Any]]:
    """Location id -> the location objects embedded in the record's service_at_locations."""
    found: dict[str, list[Any]] = {}
    for link in (record or {}).get("service_at_locations") or []:
        if isinstance(link, dict) and isinstance(link.get("location_id"), str):
            found.setdefault(link["location_id"], [])
            if isinstance(link.get("location"), dict):
                found[link["location_id"]].append(link["location"])
    return found


def foreign_location_errors(
    state: Tenancy, record: Record, before_record: Record | None
) -> list[FieldError]:
    """Another organisation's location may only stay as it is published."""
    proposed, published = linked_locations(record), linked_locations(before_record)
    errors = []
    for location_id in state.flat.rows.get("location", {}):
        if state.owns("location", location_id):
            continue
        where = state.path("location", location_id)
        was = published.get(location_id)
        if not was:
            errors.append(FieldError("service", f"{where}.id", _foreign("location")))
            continue
        for sent in proposed.get(location_id, []):
            errors.extend(
                FieldError("service", f"{where}.{key}", _foreign("location"))
                for key in sorted(sent.keys() | was[0].keys())
                if sent.get(key) != was[0].get(key)
            )
    return errors


def _foreign(table: str) -> str:
    return f"this {table} belongs to another organisation: only its owner can change it"


def visibility_errors(state: Tenancy) -> list[FieldError]:
    """A new confidential mark on the service would hide the locations it is linked to."""
    if state.before and _service_marks(state.before):
        return []
    marks = _service_marks(state.flat)
    foreign = sorted(
        str(link["location_id"])
        for link in state.flat.rows.get("service_at_location", {}).values()
        if link.get("location_id") and not state.owns("location", link["location_id"])
    )
    if not marks or not foreign:
        return []
    message = (
        f"the service is linked to a location of another organisation ({', '.join(foreign)}): "
        "marking the service confidential would hide it; mark your own locations instead"
    )
    return [FieldError("service", state.path("attribute", row_id), message) for row_id in marks]


def _service_marks(flat: Flat) -> list[str]:
    """The ids of the confidential marks on the service itself."""
    services = flat.rows.get("service", {})
    return [
        row_id
        for row_id, row in flat.rows.get("attribute", {}).items()
        if row.get("taxonomy_term_id") == term_id(CONFIDENTIAL) and row.get("link_id") in services
    ]


def claim_new_locations(connection: Connection, record: Record, *, organization_id: str) -> None:
    """Give the partner's organisation to the new locations its record embeds (in place)."""
    embedded = [
        place
        for places in linked_locations(record).values()
        for place in places
        if isinstance(place.get("id"), str) and "organization_id" not in place
    ]
    if not embedded:
        return
    location = TABLES["location"]
    stored = set(
        connection.execute(
            select(location.c.id).where(location.c.id.in_(sorted({p["id"] for p in embedded})))
        ).scalars()
    )
    for place in embedded:
        if place["id"] not in stored:
            place["organization_id"] = organization_id


# --- what a change touches (for the curator) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Touch:
    """A service or location a change would write to or link, and whose it is."""

    resource_type: str
    id: str
    name: str
    organization_id: str | None
    organization_name: str | None


def touches(connection: Connection, records: list[Record]) -> list[Touch]:
    """Every service and location the records carry or point at (the change's service first)."""
    flat = Flat()
    for record in records:
        flatten(record, SERVICE, into=flat)
    wanted: dict[str, dict[str, None]] = {"service": {}, "location": {}}
    if records and isinstance(records[0].get("id"), str):
        wanted["service"][records[0]["id"]] = None
    for table in wanted:
        wanted[table].update(dict.fromkeys(flat.rows.get(table, {})))
    for key in _keys(flat):
        if key.target in wanted:
            wanted[key.target][key.value] = None
    found = [
        *_touched_services(connection, flat, list(wanted["service"])),
        *_touched_locations(connection, flat, list(wanted["location"])),
    ]
    names = _organization_names(connection, {t.organization_id or "" for t in found})
    return [
        Touch(t.resource_type, t.id, t.name, t.organization_id, names.get(t.organization_id or ""))
        for t in found
    ]


def _touched_services(connection: Connection, flat: Flat, ids: list[str]) -> list[Touch]:
    service = TABLES["service"]
    stored = {
        row.id: row
        for row in connection.execute(
            select(service.c.id, service.c.name, service.c.organization_id).where(
                service.c.id.in_(ids)
            )
        )
    }
    result = []
    for service_id in ids:
        row = stored.get(service_id)
        sent = flat.rows.get("service", {}).get(service_id, {})
        name = row.name if row else sent.get("name") or ""
        owner = row.organization_id if row else sent.get("organization_id")
        result.append(Touch("service", service_id, name, owner, None))
    return result


def _touched_locations(connection: Connection, flat: Flat, ids: list[str]) -> list[Touch]:
    location = TABLES["location"]
    names = {
        row.id: row.name
        for row in connection.execute(
            select(location.c.id, location.c.name).where(location.c.id.in_(ids))
        )
    }
    owners = location_owners(connection, set(ids))
    result = []
    for location_id in sorted(ids, key=lambda i: (str(names.get(i, "")), i)):
        sent = flat.rows.get("location", {}).get(location_id, {})
        name = names.get(location_id) or sent.get("name") or ""
        owner = owners.get(location_id, sent.get("organization_id"))
        owner = None if owner == SEVERAL else owner
        result.append(Touch("location", location_id, str(name), owner, None))
    return result


def _organization_names(connection: Connection, ids: set[str]) -> dict[str, str]:
    organization = TABLES["organization"]
    rows = connection.execute(
        select(organization.c.id, organization.c.name).where(organization.c.id.in_(sorted(ids)))
    )
    return {row.id: row.name for row in rows}
