"""How HSDS 3.0 objects nest, and the two directions between nested records and flat rows.

A `Shape` says which HSDS object a JSON object is, which arrays of owned children it carries
(a service's phones: rows whose `service_id` is the service's id) and which shared objects it
refers to (a service's organization: the row named by its `organization_id`). Every object also
carries its `attributes` (rows whose `link_id` is its id) and `metadata` (rows whose
`resource_id` is its id).

`directory.hsds.assembly` turns rows into nested records; `flatten` turns a nested record into
rows, converting and checking every value, and says which collections the record replaces.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import Table

from directory.db_types import UTCDateTime
from directory.hsds.models import HSDS_TABLES
from directory.limits import number_problem

TABLES: dict[str, Table] = {
    str(model.__tablename__): model.__table__  # type: ignore[attr-defined]
    for model in HSDS_TABLES
}

Row = dict[str, Any]
"""A row: column name -> Python value (str, float, date, datetime or None)."""

Record = dict[str, Any]
"""A nested HSDS JSON object."""


@dataclass(frozen=True)
class Child:
    key: str
    fk: str
    shape: "Shape"
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.key, self.fk, self.shape.table)))

    def __hash__(self) -> int:  # asked for every object flattened: once, and not the shape's
        return self._hash


@dataclass(frozen=True)
class Ref:
    key: str
    column: str
    shape: "Shape"


@dataclass(frozen=True)
class Shape:
    table: str
    children: tuple[Child, ...] = ()
    refs: tuple[Ref, ...] = ()
    annotated: bool = True
    """Carries `attributes` and `metadata`."""

    @cached_property
    def all_children(self) -> tuple[Child, ...]:
        if not self.annotated:
            return self.children
        return (
            *self.children,
            Child("attributes", "link_id", ATTRIBUTE),
            Child("metadata", "resource_id", METADATA),
        )


METADATA = Shape("metadata", annotated=False)
TAXONOMY = Shape(
    "taxonomy", children=(Child("metadata", "resource_id", METADATA),), annotated=False
)
TAXONOMY_TERM = Shape(
    "taxonomy_term",
    children=(Child("metadata", "resource_id", METADATA),),
    refs=(Ref("taxonomy_detail", "taxonomy_id", TAXONOMY),),
    annotated=False,
)
ATTRIBUTE = Shape(
    "attribute",
    children=(Child("metadata", "resource_id", METADATA),),
    refs=(Ref("taxonomy_term", "taxonomy_term_id", TAXONOMY_TERM),),
    annotated=False,
)
LANGUAGE = Shape("language")
PHONE = Shape("phone", children=(Child("languages", "phone_id", LANGUAGE),))
CONTACT = Shape("contact", children=(Child("phones", "contact_id", PHONE),))
SCHEDULE = Shape("schedule")
ADDRESS = Shape("address")
ACCESSIBILITY = Shape("accessibility")
LOCATION = Shape(
    "location",
    children=(
        Child("languages", "location_id", LANGUAGE),
        Child("addresses", "location_id", ADDRESS),
        Child("contacts", "location_id", CONTACT),
        Child("accessibility", "location_id", ACCESSIBILITY),
        Child("phones", "location_id", PHONE),
        Child("schedules", "location_id", SCHEDULE),
    ),
)
LOCATION_BRIEF = Shape("location", annotated=False)
PROGRAM = Shape("program")
ORGANIZATION_BRIEF = Shape("organization")
SERVICE_AT_LOCATION = Shape(
    "service_at_location",
    children=(
        Child("contacts", "service_at_location_id", CONTACT),
        Child("phones", "service_at_location_id", PHONE),
        Child("schedules", "service_at_location_id", SCHEDULE),
    ),
    refs=(Ref("location", "location_id", LOCATION),),
)
_SERVICE_CHILDREN = (
    Child("phones", "service_id", PHONE),
    Child("schedules", "service_id", SCHEDULE),
    Child("service_areas", "service_id", Shape("service_area")),
    Child("service_at_locations", "service_id", SERVICE_AT_LOCATION),
    Child("languages", "service_id", LANGUAGE),
    Child("funding", "service_id", Shape("funding")),
    Child("cost_options", "service_id", Shape("cost_option")),
    Child("required_documents", "service_id", Shape("required_document")),
    Child("contacts", "service_id", CONTACT),
)
_SERVICE_REFS = (
    Ref("organization", "organization_id", ORGANIZATION_BRIEF),
    Ref("program", "program_id", PROGRAM),
)
SERVICE = Shape("service", children=_SERVICE_CHILDREN, refs=_SERVICE_REFS)
"""A full service record: `GET /services/{id}`, the unit of import and export."""

SERVICE_BRIEF = Shape(
    "service",
    refs=(
        Ref("organization", "organization_id", Shape("organization", annotated=False)),
        Ref("program", "program_id", Shape("program", annotated=False)),
    ),
    annotated=False,
)
"""A service in a list page: one-to-one fields only."""

SERVICE_IN_SAL = Shape(
    "service",
    children=tuple(c for c in _SERVICE_CHILDREN if c.key != "service_at_locations"),
    refs=_SERVICE_REFS,
)
ORGANIZATION = Shape(
    "organization",
    children=(
        Child("funding", "organization_id", Shape("funding")),
        Child("contacts", "organization_id", CONTACT),
        Child("phones", "organization_id", PHONE),
        Child("locations", "organization_id", LOCATION),
        Child("programs", "organization_id", PROGRAM),
        Child("organization_identifiers", "organization_id", Shape("organization_identifier")),
        Child("services", "organization_id", SERVICE),
    ),
)
ORGANIZATION_LIST = Shape("organization", annotated=False)
SERVICE_AT_LOCATION_FULL = Shape(
    "service_at_location",
    children=SERVICE_AT_LOCATION.children,
    refs=(Ref("location", "location_id", LOCATION), Ref("service", "service_id", SERVICE_IN_SAL)),
)
SERVICE_AT_LOCATION_LIST = Shape(
    "service_at_location",
    refs=(
        Ref("location", "location_id", LOCATION_BRIEF),
        Ref("service", "service_id", SERVICE_BRIEF),
    ),
    annotated=False,
)


# --- rows -> records -------------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A column value as HSDS JSON: dates in ISO 8601, timestamps in UTC, whole numbers as ints."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def record_of(row: Row) -> Record:
    """The JSON object of one row, null fields left out (HSDS types are never nullable)."""
    return {key: json_value(value) for key, value in row.items() if value is not None}


# --- records -> rows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Issue:
    """Something wrong with one field of a record: `path` like `phones[0].number`; `code`, a
    stable name of the problem (`required`, `not_a_uri`...), "" for one said only in words."""

    path: str
    message: str
    code: str = ""


@dataclass
class Flat:
    """The rows of one or more records, and the collections they replace."""

    rows: dict[str, dict[str, Row]] = field(default_factory=lambda: defaultdict(dict))
    replaces: dict[tuple[str, Child], set[str]] = field(default_factory=lambda: defaultdict(set))
    """(parent table, child) -> parent ids whose existing children of that kind go."""
    issues: list[Issue] = field(default_factory=list)
    paths: dict[tuple[str, str], str] = field(default_factory=dict)
    """(table, id) -> where in the record the row came from, e.g. `phones[0]`."""

    def merge(self, other: "Flat") -> None:
        for table, rows in other.rows.items():
            for row_id, row in rows.items():
                self.rows[table].setdefault(row_id, {}).update(row)
        for replaced, ids in other.replaces.items():
            self.replaces[replaced] |= ids
        self.issues.extend(other.issues)
        for key, where in other.paths.items():
            self.paths.setdefault(key, where)


@cache
def columns_of(table: str) -> tuple[str, ...]:
    """The columns of a table, in order (kept: asked for every object flattened)."""
    return tuple(TABLES[table].c.keys())


@cache
def column_type(table: str, column: str) -> type:
    """The Python type a column holds: str, float, date or datetime (kept: asked per value)."""
    kind = TABLES[table].c[column].type
    if isinstance(kind, UTCDateTime):
        return datetime
    python_type: type = kind.python_type
    return python_type


def _python_value(table: str, column: str, value: Any) -> Any:
    """Convert one JSON value to the column's type, or raise ValueError saying why."""
    if value is None:
        return None
    python_type = column_type(table, column)
    if python_type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        problem = number_problem(value)
        if problem:
            raise ValueError(problem)
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    if python_type is datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date and time (ISO 8601), got {value!r}") from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if python_type is date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date (YYYY-MM-DD), got {value!r}") from None
    return value


AttributeForm = Callable[[Any], Any]
"""What an attribute is stored as, given as it was sent (the importer's: our own term for a code
we define)."""


def flatten(
    record: Record,
    shape: Shape,
    *,
    path: str = "",
    into: Flat | None = None,
    attribute_form: AttributeForm | None = None,
) -> Flat:
    """Rows for `record` and everything nested in it, with every conversion problem as an Issue.

    An array present in the record replaces the stored collection of that kind; an array left out
    leaves it alone (the importer fills a top-level service's missing arrays with [] first).
    `attribute_form`, when given, turns every attribute into what is stored before it is read.
    """
    flat = into if into is not None else Flat()
    _flatten_object(record, shape, path, flat, None, attribute_form)
    return flat


def _row(record: Record, table: str, path: str, flat: Flat, owner: tuple[str, str] | None) -> Row:
    """The columns of one object, converted; `owner`: the parent's (column, id), which wins over
    whatever the object says."""
    row: Row = {}
    for column, is_text in _columns_and_kinds(table):
        if owner is not None and column == owner[0]:
            row[column] = owner[1]
        elif column in record:
            value = record[column]
            if is_text and (value is None or isinstance(value, str)):
                row[column] = value
                continue
            try:
                row[column] = _python_value(table, column, value)
            except ValueError as error:
                flat.issues.append(Issue(f"{path}{column}", str(error)))
    return row


@cache
def _columns_and_kinds(table: str) -> tuple[tuple[str, bool], ...]:
    """(column, holds text: neither a number nor a date) for every column of a table, in order."""
    return tuple(
        (column, column_type(table, column) not in (float, date, datetime))
        for column in columns_of(table)
    )


def _flatten_object(
    record: Record,
    shape: Shape,
    path: str,
    flat: Flat,
    owner: tuple[str, str] | None,
    attribute_form: AttributeForm | None,
) -> None:
    row = _row(record, shape.table, path, flat, owner)
    row_id = record.get("id")
    if not isinstance(row_id, str):
        flat.issues.append(Issue(f"{path}id", "missing identifier"))
        return
    for ref in shape.refs:
        target = record.get(ref.key)
        if not isinstance(target, dict):
            continue
        named = row.get(ref.column)
        if named is not None and named != target.get("id"):
            flat.issues.append(Issue(f"{path}{ref.column}", f"does not match {ref.key}.id"))
        row[ref.column] = target.get("id")
        _flatten_object(target, ref.shape, f"{path}{ref.key}.", flat, None, attribute_form)
    flat.rows[shape.table].setdefault(row_id, {}).update(row)
    flat.paths.setdefault((shape.table, row_id), path.rstrip("."))
    for child in shape.all_children:
        items = record.get(child.key)
        if items is not None:
            flat.replaces[(shape.table, child)].add(row_id)
            _flatten_children(items, child, shape.table, row_id, path, flat, attribute_form)


def _flatten_children(
    items: Any,
    child: Child,
    parent_table: str,
    parent_id: str,
    path: str,
    flat: Flat,
    attribute_form: AttributeForm | None,
) -> None:
    attributes = child.key == "attributes"
    for index, item in enumerate(items):
        if attributes and attribute_form is not None:
            item = attribute_form(item)
        item_path = f"{path}{child.key}[{index}]."
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            flat.issues.append(Issue(f"{item_path}id", "missing identifier"))
            continue
        parent = item.get(child.fk)
        if parent is not None and parent != parent_id:
            flat.issues.append(
                Issue(f"{item_path}{child.fk}", f"should be {parent_id} (its parent)")
            )
        owner = (child.fk, parent_id)
        _flatten_object(item, child.shape, item_path, flat, owner, attribute_form)
        if attributes:  # the holder's table, whatever the record says
            flat.rows["attribute"][item["id"]]["link_entity"] = parent_table
        elif child.key == "metadata":
            flat.rows["metadata"][item["id"]].setdefault("resource_type", parent_table)
