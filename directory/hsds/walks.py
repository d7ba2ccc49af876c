"""Walks over a nested record: the keys its shape does not have, and its objects by id."""

from typing import Any

from directory.hsds.tree import TABLES, Shape


def unknown_fields(record: Any, shape: Shape, *, path: str = "") -> list[str]:
    """The paths of the keys in `record` (and the objects nested in it) that `shape` does not
    have: `unknown_field_xyz`, `phones[0].numbr`."""
    if not isinstance(record, dict):
        return []
    children = {child.key: child.shape for child in shape.all_children}
    refs = {ref.key: ref.shape for ref in shape.refs}
    found: list[str] = []
    for key, value in record.items():
        here = f"{path}{key}"
        if key in refs:
            found.extend(unknown_fields(value, refs[key], path=f"{here}."))
        elif key in children and isinstance(value, list):
            for index, item in enumerate(value):
                found.extend(unknown_fields(item, children[key], path=f"{here}[{index}]."))
        elif key not in children and key not in TABLES[shape.table].c:
            found.append(here)
    return found


def objects_by_id(record: Any, into: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every object of a record (at any depth) that has an id, by that id (the first wins)."""
    found: dict[str, Any] = {} if into is None else into
    if isinstance(record, dict):
        if isinstance(record.get("id"), str):
            found.setdefault(record["id"], record)
        for value in record.values():
            objects_by_id(value, found)
    elif isinstance(record, list):
        for value in record:
            objects_by_id(value, found)
    return found
