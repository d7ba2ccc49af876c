"""Partners' changes and curators' decisions: propose, amend, publish at once, approve, reject.

Every write goes through the importer's checks (`importer.prepare`) and its writer, adds one HSDS
`metadata` row per changed field (`updated_by` is a role, never a person) and bumps the directory
version so that matchers reload. Each operation first locks the service's row (a row lock on
PostgreSQL, the write lock on SQLite), so that decisions are taken on what is really stored.
"""

import copy
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from directory import changes as store
from directory import merge_patch, tenancy
from directory.changes import Change, ChangeKind, ChangeStatus
from directory.coarse_points import refresh_coarse_points
from directory.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
)
from directory.hsds_tree import SERVICE, TABLES, Flat, Record, unknown_fields
from directory.importer import prepare
from directory.limits import BEDS_MAX, BEDS_PROBLEM, length_problems
from directory.repository import ensure_taxonomy, service_records, write_flat
from directory.state import bump_version
from directory.suspensions import SUSPENSION
from directory.taxonomy import BY_CODE, LINK_TYPE, attribute_record, derived_id, term_record

FORBIDDEN = ("id", "organization_id", "organization")
"""Fields a partner's merge patch may not change."""
CLOSED = frozenset({"inactive", "defunct"})
CONFIDENTIAL = "privacy.confidential_address"
BEDS = "capacity.beds_available"
HIDDEN_KEYS = frozenset({"metadata", "last_modified"})
"""Kept out of working records: the audit trail and the write time are not the partner's to edit."""

RESOURCE_TYPES = {
    "attributes": "attribute",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "addresses": "address",
    "accessibility": "accessibility",
    "location": "location",
    "organization": "organization",
    "program": "program",
    "taxonomy_term": "taxonomy_term",
}


def _now() -> datetime:
    return datetime.now(UTC)


def clean(value: Any) -> Any:
    """A record without its audit rows and write time (recursively)."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in HIDDEN_KEYS}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def canonical(value: Any) -> Any:
    """A record as it will be stored: our own taxonomy terms in place of whatever the partner sent
    for a passerelle code, audit rows and write time left out."""
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        if all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items):
            items.sort(key=lambda item: str(item["id"]))
        return items
    if not isinstance(value, dict):
        return value
    result = {k: canonical(v) for k, v in value.items() if k not in HIDDEN_KEYS}
    code = _code(result)
    if code in BY_CODE and isinstance(result.get("taxonomy_term"), dict):
        term = term_record(code)
        result.update(taxonomy_term=term, taxonomy_term_id=term["id"])
        result.setdefault("link_type", LINK_TYPE)
    return result


def version_of(record: Record) -> str:
    """The published version: sha256 of the record (audit rows and write time left out)."""
    return hashlib.sha256(store.dumps(clean(record)).encode()).hexdigest()


def etag_of(base_version: str, change: Change | None) -> str:
    """The partner's working version: the published record plus its waiting change."""
    waiting = f"{change.id}:{change.revision}" if change else ""
    digest = hashlib.sha256(f"{base_version}|{waiting}".encode()).hexdigest()
    return f'"{digest[:40]}"'


def if_match_allows(header: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*`, or one of the listed entity tags (weak ones compared strongly)."""
    if header.strip() == "*":
        return True
    tags = [tag.strip() for tag in header.split(",")]
    return etag in tags


# --- reading -------------------------------------------------------------------------------------


def service_owner(connection: Connection, service_id: str) -> str | None:
    """The organisation of a stored service ('' when it has none), or None if there is none."""
    service = TABLES["service"]
    row = connection.execute(
        select(service.c.organization_id).where(service.c.id == service_id)
    ).first()
    if row is None:
        return None
    return str(row.organization_id or "")


def owner_of(connection: Connection, service_id: str) -> str | None:
    """The organisation of a stored service, or of a new one waiting for review; None if none."""
    owner = service_owner(connection, service_id)
    if owner is not None:
        return owner
    change = store.waiting_change(connection, service_id)
    return change.organization_id if change and change.kind is ChangeKind.create else None


def published_record(connection: Connection, service_id: str) -> Record | None:
    """The stored record, confidential addresses included, audit rows left out."""
    found = service_records(connection, [service_id], include_confidential=True)
    return canonical(found[0]) if found else None


@dataclass(frozen=True, slots=True)
class Working:
    """A service as a partner sees it: published, plus the change waiting for review."""

    service_id: str
    organization_id: str
    published: Record
    base_version: str
    change: Change | None

    @property
    def record(self) -> Record:
        return self.change.record if self.change else self.published

    @property
    def is_new(self) -> bool:
        """A proposed service not yet approved: nothing published, its record waits."""
        return not self.published

    @property
    def etag(self) -> str:
        return etag_of(self.base_version, self.change)


def working(connection: Connection, *, service_id: str, organization_id: str | None) -> Working:
    """The working version; NotFound for another organisation's service (as for none at all).
    A new service waiting for review is the partner's too: its record is the waiting one."""
    owner = service_owner(connection, service_id)
    if owner is None:
        return _waiting_new(connection, service_id=service_id, organization_id=organization_id)
    if organization_id is not None and owner != organization_id:
        raise NotFound(f"no service with id {service_id}")
    published = published_record(connection, service_id)
    assert published is not None
    return Working(
        service_id=service_id,
        organization_id=owner,
        published=published,
        base_version=version_of(published),
        change=store.waiting_change(connection, service_id),
    )


def _waiting_new(
    connection: Connection, *, service_id: str, organization_id: str | None
) -> Working:
    change = store.waiting_change(connection, service_id)
    if (
        change is None
        or change.kind is not ChangeKind.create
        or (organization_id is not None and change.organization_id != organization_id)
    ):
        raise NotFound(f"no service with id {service_id}")
    return Working(
        service_id=service_id,
        organization_id=change.organization_id,
        published={},
        base_version="",
        change=change,
    )


def lock_service(connection: Connection, service_id: str) -> None:
    """Hold the service's row until the transaction ends (SQLite: the database's write lock)."""
    service = TABLES["service"]
    connection.execute(
        update(service).where(service.c.id == service_id).values(name=service.c.name)
    )


def lock_organization(connection: Connection, organization_id: str) -> None:
    organization = TABLES["organization"]
    connection.execute(
        update(organization)
        .where(organization.c.id == organization_id)
        .values(name=organization.c.name)
    )


# --- checks --------------------------------------------------------------------------------------


def _where(record: Any) -> str:
    record_id = record.get("id") if isinstance(record, dict) else None
    return f"service {record_id}" if record_id else "service"


def check_patch(patch: Any, current: Record) -> None:
    """A merge patch must be an object, leave the identity alone and not touch the audit trail."""
    if not isinstance(patch, dict):
        raise InvalidInput(
            "a JSON merge patch is an object",
            [FieldError("(body)", "(patch)", "expected a JSON object")],
        )
    errors = [
        FieldError(_where(current), name, f"{name} cannot be changed by a partner")
        for name in FORBIDDEN
        if name in patch and patch[name] != current.get(name)
    ]
    errors.extend(
        FieldError(_where(current), path, "the audit trail cannot be edited")
        for path in _hidden_paths(patch)
    )
    errors.extend(_too_long(_where(current), patch))
    errors.extend(_unknown_field_errors(patch))
    if errors:
        raise InvalidInput("the patch changes fields a partner cannot change", errors)


def _too_long(where: str, sent: Any) -> list[FieldError]:
    """Texts longer than their field takes (the portal's limits, `directory.limits`)."""
    return [FieldError(where, item.path, item.message) for item in length_problems(sent)]


def _unknown_field_errors(record: Record) -> list[FieldError]:
    return [
        FieldError("service", path, "not a field of an HSDS service record")
        for path in unknown_fields(record, SERVICE)
        if path.rsplit(".", 1)[-1] != "last_modified"
    ]


def _hidden_paths(value: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{path}.{key}" if path else key
            if key in HIDDEN_KEYS and key != "last_modified":
                found.append(here)
            else:
                found.extend(_hidden_paths(inner, here))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_hidden_paths(inner, f"{path}[{index}]"))
    return found


def _ids(flat: Flat) -> dict[str, set[str]]:
    return {table: set(rows) for table, rows in flat.rows.items()}


def _stored_rows(connection: Connection, table: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    target = TABLES[table]
    rows = connection.execute(select(target).where(target.c.id.in_(sorted(ids))))
    return {row.id: dict(row._mapping) for row in rows}


def _changed(stored: dict[str, Any], row: dict[str, Any]) -> bool:
    return any(stored.get(key) != value for key, value in row.items())


def ownership_errors(
    connection: Connection, flat: Flat, *, before: Flat | None, organization_id: str
) -> list[FieldError]:
    """Rows of other records a proposed record would take over or change: never allowed.

    Owned rows (phones, attributes...) must be new or already this service's; what they point at
    and the locations they reach must be the partner's own (`directory.tenancy`)."""
    known = _ids(before) if before else {}
    errors: list[FieldError] = []
    for table, rows in flat.rows.items():
        if table in ("service", "metadata", "location") or not rows:
            continue
        stored = _stored_rows(connection, table, set(rows))
        for row_id, row in rows.items():
            where = flat.paths.get((table, row_id), table) or table
            problem = _ownership_problem(
                table, row, stored.get(row_id), row_id in known.get(table, set()), organization_id
            )
            if problem:
                errors.append(FieldError("service", f"{where}.id" if where else "id", problem))
    owners = tenancy.location_owners(connection, set(flat.rows.get("location", {})))
    errors.extend(_foreign_location_marks(flat, known, owners, organization_id))
    return errors


def _foreign_location_marks(
    flat: Flat, known: dict[str, set[str]], owners: dict[str, str | None], organization_id: str
) -> list[FieldError]:
    """New attributes on a location of another organisation (say, marking its address
    confidential) would change that organisation's listing."""
    errors = []
    for row_id, row in flat.rows.get("attribute", {}).items():
        link_id = row.get("link_id") or ""
        if link_id in owners and owners[link_id] != organization_id:
            if row_id not in known.get("attribute", set()):
                where = flat.paths.get(("attribute", row_id), "attributes")
                errors.append(
                    FieldError("service", f"{where}.link_id", "a location of another organisation")
                )
    return errors


def _ownership_problem(
    table: str, row: dict[str, Any], stored: dict[str, Any] | None, ours: bool, org: str
) -> str | None:
    if table == "program":
        owner = stored["organization_id"] if stored is not None else None
        if row.get("organization_id") not in (None, org) or (
            stored is not None and _changed(stored, row) and owner != org
        ):
            return f"this {table} belongs to another organisation"
        return None
    if table in ("organization", "taxonomy", "taxonomy_term"):
        if stored is not None and _changed(stored, row):
            return f"this {table} cannot be changed by a partner"
        if stored is None and table == "organization":
            return "no such organization"
        return None
    if stored is not None and not ours:
        return f"{row.get('id')} is already used by another record"
    return None


def validate(
    connection: Connection, record: Record, *, before: Record | None, organization_id: str
) -> Flat:
    """Check a proposed record exactly like an import, plus ownership; raise naming each field."""
    ensure_taxonomy(connection)
    flat, _ = prepare(connection, [record])
    before_flat = prepare(connection, [before])[0] if before else None
    errors = ownership_errors(connection, flat, before=before_flat, organization_id=organization_id)
    errors += tenancy.tenancy_errors(
        connection,
        flat,
        before=before_flat,
        record=record,
        before_record=before,
        organization_id=organization_id,
    )
    if errors:
        raise InvalidInput(f"{len(errors)} problem(s): nothing was changed", errors)
    return flat


# --- writing -------------------------------------------------------------------------------------


def field_changes(
    service_id: str, old: Record | None, new: Record
) -> list[merge_patch.FieldChange]:
    return list(
        merge_patch.changes(old or {}, new, resource=("service", service_id), kinds=RESOURCE_TYPES)
    )


def audit_rows(
    service_id: str, old: Record | None, new: Record, *, who: str, now: datetime
) -> list[dict[str, Any]]:
    """One HSDS metadata row per changed field, on the object that holds the field."""
    rows = []
    for item in field_changes(service_id, old, new):
        action = "create" if item.old is None else "delete" if item.new is None else "update"
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "resource_id": item.resource_id,
                "resource_type": item.resource_type,
                "last_action_date": now,
                "last_action_type": action,
                "field_name": item.field,
                "previous_value": item.old_text,
                "replacement_value": item.new_text,
                "updated_by": who,
            }
        )
    return rows


def write_record(
    connection: Connection, *, old: Record | None, new: Record, organization_id: str, who: str
) -> None:
    """Publish `new` through the importer's path, with an audit row per changed field."""
    flat = validate(connection, new, before=old, organization_id=organization_id)
    for row in audit_rows(new["id"], old, new, who=who, now=_now()):
        flat.rows["metadata"][row["id"]] = row
    write_flat(connection, flat)
    refresh_coarse_points(connection)
    bump_version(connection, _services_sharing(connection, new, old))


def _services_sharing(connection: Connection, new: Record, old: Record | None) -> set[str]:
    """The service written and every service at one of its locations (theirs changed too)."""
    locations = {
        str(link["location"]["id"])
        for record in (new, old or {})
        for link in record.get("service_at_locations") or []
        if isinstance(link, dict)
        and isinstance(link.get("location"), dict)
        and link["location"].get("id")
    }
    sal = TABLES["service_at_location"]
    found = {str(new["id"])}
    if locations:
        found.update(
            connection.execute(
                select(sal.c.service_id).where(sal.c.location_id.in_(sorted(locations)))
            ).scalars()
        )
    return found


# --- partners ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a partner's request did: the waiting change (if any), the new ETag, what went public."""

    change_id: str | None
    etag: str
    published: list[str]


def _objects_by_id(record: Any, into: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    found = {} if into is None else into
    if isinstance(record, dict):
        if isinstance(record.get("id"), str):
            found.setdefault(record["id"], record)
        for value in record.values():
            _objects_by_id(value, found)
    elif isinstance(record, list):
        for value in record:
            _objects_by_id(value, found)
    return found


def _code(attribute: Any) -> str | None:
    term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
    code = term.get("code") if isinstance(term, dict) else None
    return code if isinstance(code, str) else None


def urgent_part(published: Record, proposed: Record) -> tuple[Record, list[str]]:
    """`published` with what cannot wait taken from `proposed`: closing the service, marking an
    address confidential. Returns the new published record and what was taken."""
    result = copy.deepcopy(published)
    taken: list[str] = []
    status = proposed.get("status")
    if status in CLOSED and status != published.get("status"):
        result["status"] = status
        taken.append("status")
    targets = _objects_by_id(result)
    for owner_id, owner in _objects_by_id(proposed).items():
        marks = [a for a in owner.get("attributes", []) or [] if _code(a) == CONFIDENTIAL]
        target = targets.get(owner_id)
        if not marks or target is None or "attributes" not in target:
            continue
        if not any(_code(a) == CONFIDENTIAL for a in target["attributes"]):
            target["attributes"] = [*target["attributes"], marks[0]]
            taken.append(f"{CONFIDENTIAL} on {owner_id}")
    return result, taken


def _keep_waiting(
    connection: Connection,
    state: Working,
    *,
    published: Record,
    proposed: Record,
    now: datetime,
) -> str | None:
    """Store what still waits for review (insert, amend or drop the waiting change)."""
    base = version_of(published)
    remainder = merge_patch.derive(published, proposed)
    change = state.change
    if not remainder:
        if change and not store.decide_change(
            connection, change, status=ChangeStatus.superseded, who="partner", now=now
        ):
            raise PreconditionFailed("the service changed meanwhile: fetch it again")
        return None
    if change:
        _amend(connection, change, base_version=base, patch=remainder, record=proposed, now=now)
        return change.id
    change_id = str(uuid.uuid4())
    try:
        with connection.begin_nested():
            store.insert_change(
                connection,
                change_id=change_id,
                service_id=state.service_id,
                organization_id=state.organization_id,
                kind=ChangeKind.update,
                base_version=base,
                patch=remainder,
                record=proposed,
                now=now,
            )
    except IntegrityError:
        raise PreconditionFailed("the service changed meanwhile: fetch it again") from None
    return change_id


def propose(
    connection: Connection,
    *,
    organization_id: str,
    service_id: str,
    if_match: str,
    patch: Any,
) -> Outcome:
    """Apply a partner's merge patch to its working version: what cannot wait is published at once,
    the rest waits for a curator. Raises NotFound, PreconditionFailed (412) or InvalidInput."""
    lock_service(connection, service_id)
    state = working(connection, service_id=service_id, organization_id=organization_id)
    if not if_match_allows(if_match, state.etag):
        raise PreconditionFailed("the service changed since you read it: fetch it again")
    check_patch(patch, state.record)
    proposed = canonical(merge_patch.apply(state.record, patch))
    tenancy.claim_new_locations(connection, proposed, organization_id=organization_id)
    if state.is_new:
        return _amend_new(connection, state, proposed, organization_id=organization_id)
    validate(connection, proposed, before=state.published, organization_id=organization_id)
    published, taken = urgent_part(state.published, proposed)
    if taken:
        write_record(
            connection,
            old=state.published,
            new=published,
            organization_id=organization_id,
            who="partner",
        )
        published = published_record(connection, service_id) or published
    now = _now()
    change_id = _keep_waiting(connection, state, published=published, proposed=proposed, now=now)
    after = working(connection, service_id=service_id, organization_id=organization_id)
    return Outcome(change_id=change_id, etag=after.etag, published=taken)


def _amend(
    connection: Connection,
    change: Change,
    *,
    base_version: str,
    patch: Record,
    record: Record,
    now: datetime,
) -> None:
    """Replace the waiting change; PreconditionFailed if someone moved it on since it was read."""
    if not store.amend_change(
        connection, change, base_version=base_version, patch=patch, record=record, now=now
    ):
        raise PreconditionFailed("the service changed meanwhile: fetch it again")


def _amend_new(
    connection: Connection, state: Working, proposed: Record, *, organization_id: str
) -> Outcome:
    """A new service still waiting for review, corrected: the whole record keeps waiting."""
    assert state.change is not None
    lock_organization(connection, organization_id)  # as approving a new service does
    validate(connection, proposed, before=None, organization_id=organization_id)
    _amend(connection, state.change, base_version="", patch=proposed, record=proposed, now=_now())
    after = working(connection, service_id=state.service_id, organization_id=organization_id)
    return Outcome(change_id=state.change.id, etag=after.etag, published=[])


def publish_at_once(
    connection: Connection,
    *,
    organization_id: str | None,
    service_id: str,
    edit: Callable[[Record], Record],
    who: str = "partner",
) -> Outcome:
    """Publish `edit` of the service now (capacity, "still accurate"), and carry it into the
    waiting change so that approving that change later does not undo it."""
    lock_service(connection, service_id)
    state = working(connection, service_id=service_id, organization_id=organization_id)
    if state.is_new:
        raise Conflict("this new service waits for review: nothing of it is published yet")
    new = edit(copy.deepcopy(state.published))
    write_record(
        connection, old=state.published, new=new, organization_id=state.organization_id, who=who
    )
    published = published_record(connection, service_id) or new
    change_id = None
    if state.change:
        proposed = canonical(edit(copy.deepcopy(state.change.record)))
        change_id = _keep_waiting(
            connection, state, published=published, proposed=proposed, now=_now()
        )
    after = working(connection, service_id=service_id, organization_id=organization_id)
    return Outcome(change_id=change_id, etag=after.etag, published=["*"])


def with_beds(beds: int) -> Callable[[Record], Record]:
    """An edit that sets the service's `capacity.beds_available` attribute to `beds`."""
    if isinstance(beds, bool) or not isinstance(beds, int) or not 0 <= beds <= BEDS_MAX:
        raise InvalidInput(
            f"free beds {BEDS_PROBLEM}", [FieldError("body", "beds_available", BEDS_PROBLEM)]
        )

    def edit(record: Record) -> Record:
        attributes = [a for a in record.get("attributes", []) if _code(a) != BEDS]
        attribute_id = derived_id("attribute", record["id"], BEDS)
        attributes.append(attribute_record(attribute_id, record["id"], BEDS, value=str(beds)))
        record["attributes"] = sorted(attributes, key=lambda a: str(a.get("id")))
        return record

    return edit


def confirmed(today: date) -> Callable[[Record], Record]:
    """An edit that marks the service as checked today ("still accurate")."""

    def edit(record: Record) -> Record:
        record["assured_date"] = today.isoformat()
        return record

    return edit


def propose_new(connection: Connection, *, organization_id: str, record: Any) -> str:
    """A new service for the partner's own organisation: waits for review. Returns the change id."""
    if not isinstance(record, dict):
        raise InvalidInput(
            "a service record is a JSON object",
            [FieldError("(body)", "(record)", "expected a JSON object")],
        )
    errors = []
    if record.get("organization_id", organization_id) != organization_id:
        errors.append(FieldError("service", "organization_id", "must be your organisation's id"))
    if "organization" in record:
        errors.append(FieldError("service", "organization", "cannot be given by a partner"))
    errors.extend(
        FieldError("service", p, "the audit trail cannot be given") for p in _hidden_paths(record)
    )
    errors.extend(_too_long("service", record))
    errors.extend(_unknown_field_errors(record))
    if errors:
        raise InvalidInput("the record has fields a partner cannot set", errors)
    proposed = canonical({**record, "organization_id": organization_id})
    proposed.setdefault("id", str(uuid.uuid4()))
    lock_organization(connection, organization_id)
    tenancy.claim_new_locations(connection, proposed, organization_id=organization_id)
    if service_owner(connection, str(proposed["id"])) is not None:
        raise InvalidInput(
            "this id is taken",
            [FieldError("service", "id", f"{proposed['id']} is already used by another record")],
        )
    validate(connection, proposed, before=None, organization_id=organization_id)
    change_id = str(uuid.uuid4())
    try:
        with connection.begin_nested():
            store.insert_change(
                connection,
                change_id=change_id,
                service_id=str(proposed["id"]),
                organization_id=organization_id,
                kind=ChangeKind.create,
                base_version="",
                patch=proposed,
                record=proposed,
                now=_now(),
            )
    except IntegrityError:
        raise Conflict("a new service with this id already waits for review") from None
    return change_id


# --- curators ------------------------------------------------------------------------------------


def approve(connection: Connection, *, change_id: str) -> None:
    """Publish a waiting change; Conflict (409) if its base is no longer the published version."""
    change = store.get_change(connection, change_id)
    if change is None:
        raise NotFound(f"no change with id {change_id}")
    if change.kind is ChangeKind.create:
        lock_organization(connection, change.organization_id)
    else:
        lock_service(connection, change.service_id)
    change = store.get_change(connection, change_id)
    assert change is not None
    if change.status is not ChangeStatus.pending:
        raise Conflict(f"this change was already {change.status.value}")
    published = published_record(connection, change.service_id)
    if change.kind is ChangeKind.create and published is not None:
        raise Conflict("a service with this id was published meanwhile")
    if change.kind is ChangeKind.update and (
        published is None or version_of(published) != change.base_version
    ):
        raise Conflict("the published service changed since this change was proposed")
    write_record(
        connection,
        old=published,
        new=change.record,
        organization_id=change.organization_id,
        who="partner",
    )
    if not store.decide_change(
        connection, change, status=ChangeStatus.approved, who="curator", now=_now()
    ):
        raise Conflict("this change moved on meanwhile")


def reject(connection: Connection, *, change_id: str, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "say why the change is rejected",
            [FieldError("body", "reason", "a reason is required")],
        )
    change = store.get_change(connection, change_id)
    if change is None:
        raise NotFound(f"no change with id {change_id}")
    if change.status is not ChangeStatus.pending:
        raise Conflict(f"this change was already {change.status.value}")
    if not store.decide_change(
        connection, change, status=ChangeStatus.rejected, who="curator", now=_now(), reason=reason
    ):
        raise Conflict("this change moved on meanwhile")


def diff(connection: Connection, change: Change) -> list[merge_patch.FieldChange]:
    """Field by field: what approving the change would change in the published record."""
    published = published_record(connection, change.service_id)
    return field_changes(change.service_id, published, change.record)


def touches(connection: Connection, change: Change) -> list[tenancy.Touch]:
    """Every service and location approving the change would write to or link (by name, id and
    organisation), so that no cross-organisation effect hides inside a field's value."""
    published = published_record(connection, change.service_id)
    return tenancy.touches(connection, [change.record, *([published] if published else [])])


# --- suspensions ---------------------------------------------------------------------------------


def _suspension_audit(service_id: str, old: str, new: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "resource_id": service_id,
        "resource_type": "service",
        "last_action_date": _now(),
        "last_action_type": "suspend" if new else "unsuspend",
        "field_name": "suspended",
        "previous_value": old,
        "replacement_value": new,
        "updated_by": "curator",
    }


def suspend(connection: Connection, *, service_id: str, reason: str) -> None:
    """Take a service out of public view (not in /hsds, public exports, nor matching)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "say why the service is suspended",
            [FieldError("body", "reason", "a reason is required")],
        )
    lock_service(connection, service_id)
    if service_owner(connection, service_id) is None:
        raise NotFound(f"no service with id {service_id}")
    exists = connection.execute(
        select(SUSPENSION.c.service_id).where(SUSPENSION.c.service_id == service_id)
    ).first()
    if exists:
        raise Conflict("this service is already suspended")
    connection.execute(
        SUSPENSION.insert().values(
            service_id=service_id, reason=reason, suspended_by="curator", suspended_at=_now()
        )
    )
    connection.execute(
        TABLES["metadata"].insert().values(_suspension_audit(service_id, "", reason))
    )
    bump_version(connection, [service_id])


def unsuspend(connection: Connection, *, service_id: str) -> None:
    lock_service(connection, service_id)
    row = connection.execute(
        select(SUSPENSION.c.reason).where(SUSPENSION.c.service_id == service_id)
    ).first()
    if row is None:
        raise NotFound(f"service {service_id} is not suspended")
    connection.execute(SUSPENSION.delete().where(SUSPENSION.c.service_id == service_id))
    connection.execute(
        TABLES["metadata"].insert().values(_suspension_audit(service_id, row.reason, ""))
    )
    bump_version(connection, [service_id])


__all__ = [
    "SERVICE",
    "Outcome",
    "Working",
    "approve",
    "confirmed",
    "diff",
    "etag_of",
    "propose",
    "propose_new",
    "publish_at_once",
    "reject",
    "suspend",
    "touches",
    "unsuspend",
    "version_of",
    "with_beds",
    "working",
]
