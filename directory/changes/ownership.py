"""What a partner may send: the checks of a merge patch or a new record, and `validate`, which
checks a proposed record exactly like an import plus ownership and tenancy (`tenancy.py`)."""

from typing import Any

from sqlalchemy import Connection

from directory.changes import tenancy
from directory.changes.record_checks import record_problems
from directory.changes.repository import stored_rows
from directory.changes.working import HIDDEN_KEYS
from directory.errors import FieldError, FieldsRefused, NotAnObject, RecordInvalid
from directory.hsds.importer import prepare
from directory.hsds.repository import ensure_taxonomy
from directory.hsds.tree import SERVICE, Flat, Record
from directory.hsds.walks import unknown_fields
from directory.limits import length_problems

FORBIDDEN = ("id", "organization_id", "organization")
"""Fields a partner's merge patch may not change."""


def _where(record: Any) -> str:
    record_id = record.get("id") if isinstance(record, dict) else None
    return f"service {record_id}" if record_id else "service"


def check_patch(patch: Any, current: Record) -> None:
    """A merge patch must be an object, leave the identity alone and not touch the audit trail."""
    if not isinstance(patch, dict):
        raise NotAnObject("a JSON merge patch is an object", "(patch)")
    errors = [
        FieldError(_where(current), name, f"{name} cannot be changed by a partner")
        for name in FORBIDDEN
        if name in patch and patch[name] != current.get(name)
    ]
    errors.extend(
        FieldError(_where(current), path, "the audit trail cannot be edited")
        for path in hidden_paths(patch)
    )
    errors.extend(_too_long(_where(current), patch))
    errors.extend(_unknown_field_errors(patch))
    if errors:
        raise FieldsRefused("the patch changes fields a partner cannot change", errors)


def check_new_record(record: Any, *, organization_id: str) -> None:
    """A new service must be an object of the partner's own organisation, with no audit trail."""
    if not isinstance(record, dict):
        raise NotAnObject("a service record is a JSON object", "(record)")
    errors = []
    if record.get("organization_id", organization_id) != organization_id:
        errors.append(FieldError("service", "organization_id", "must be your organisation's id"))
    if "organization" in record:
        errors.append(FieldError("service", "organization", "cannot be given by a partner"))
    errors.extend(
        FieldError("service", p, "the audit trail cannot be given") for p in hidden_paths(record)
    )
    errors.extend(_too_long("service", record))
    errors.extend(_unknown_field_errors(record))
    if errors:
        raise FieldsRefused("the record has fields a partner cannot set", errors)


def _too_long(where: str, sent: Any) -> list[FieldError]:
    """Texts longer than their field takes (the portal's limits, `directory.limits`)."""
    return [FieldError(where, item.path, item.message, item.code) for item in length_problems(sent)]


def _unknown_field_errors(record: Record) -> list[FieldError]:
    return [
        FieldError("service", path, "not a field of an HSDS service record")
        for path in unknown_fields(record, SERVICE)
        if path.rsplit(".", 1)[-1] != "last_modified"
    ]


def hidden_paths(value: Any, path: str = "") -> list[str]:
    """Where `value` holds audit rows (`metadata`), which no partner may send."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            here = f"{path}.{key}" if path else key
            if key in HIDDEN_KEYS and key != "last_modified":
                found.append(here)
            else:
                found.extend(hidden_paths(inner, here))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(hidden_paths(inner, f"{path}[{index}]"))
    return found


def _ids(flat: Flat) -> dict[str, set[str]]:
    return {table: set(rows) for table, rows in flat.rows.items()}


def _changed(stored: dict[str, Any], row: dict[str, Any]) -> bool:
    return any(stored.get(key) != value for key, value in row.items())


def ownership_errors(
    connection: Connection, flat: Flat, *, before: Flat | None, organization_id: str
) -> list[FieldError]:
    """Rows of other records a proposed record would take over or change: never allowed.

    Owned rows (phones, attributes...) must be new or already this service's; what they point at
    and the locations they reach must be the partner's own (`directory.changes.tenancy`)."""
    known = _ids(before) if before else {}
    errors: list[FieldError] = []
    for table, rows in flat.rows.items():
        if table in ("service", "metadata", "location") or not rows:
            continue
        stored = stored_rows(connection, table, set(rows))
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
    """Check a proposed record exactly like an import, plus ownership and tenancy; raise
    RecordInvalid naming each field. Returns the record's rows, ready to write."""
    ensure_taxonomy(connection, announce=True)
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
    errors += record_problems(record, before=before)
    if errors:
        raise RecordInvalid(errors)
    return flat
