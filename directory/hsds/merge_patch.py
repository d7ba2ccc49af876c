"""JSON merge patch (RFC 7396) on HSDS records: apply, derive, and list field-by-field changes."""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


def apply(target: Any, patch: Any) -> Any:
    """RFC 7396: `patch` applied to `target` (neither is modified)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply(result.get(key), value)
    return result


def derive(source: Any, target: Any) -> Any:
    """A merge patch that turns `source` into `target` (`{}` when they are equal).

    Only for targets without null values (HSDS records leave nulls out)."""
    if not isinstance(source, dict) or not isinstance(target, dict):
        return target
    patch: dict[str, Any] = {}
    for key in source.keys() - target.keys():
        patch[key] = None
    for key, value in target.items():
        if key not in source:
            patch[key] = value
        elif source[key] != value:
            inner = derive(source[key], value)
            patch[key] = inner
    return patch


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field: its path in the record (`phones[0].number`), the object holding it
    (`phone`, its id) and the field's name there (`number`), old and new value."""

    path: str
    old: Any
    new: Any
    resource_type: str = ""
    resource_id: str = ""
    field: str = ""

    @property
    def old_text(self) -> str:
        return as_text(self.old)

    @property
    def new_text(self) -> str:
        return as_text(self.new)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _by_id(items: list[Any]) -> dict[str, tuple[int, Any]] | None:
    found: dict[str, tuple[int, Any]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return None
        found[item["id"]] = (index, item)
    return found


@dataclass(frozen=True, slots=True)
class _Place:
    path: str
    resource_type: str
    resource_id: str
    field: str

    def into(self, key: str, kinds: Mapping[str, str], old: Any, new: Any) -> "_Place":
        """The place of `key`'s value; an object with an id becomes the new holder."""
        holder = new if isinstance(new, dict) else old
        if isinstance(holder, dict) and isinstance(holder.get("id"), str):
            kind = kinds.get(key.split("[", 1)[0], key.split("[", 1)[0])
            return _Place(
                _join(self.path, key) if key[:1] != "[" else self.path + key, kind, holder["id"], ""
            )
        path = _join(self.path, key) if key[:1] != "[" else self.path + key
        field = _join(self.field, key) if key[:1] != "[" else self.field + key
        return _Place(path, self.resource_type, self.resource_id, field)


def changes(
    old: Any,
    new: Any,
    *,
    resource: tuple[str, str] = ("", ""),
    kinds: Mapping[str, str] | None = None,
) -> Iterator[FieldChange]:
    """Every leaf that differs between two records, on the innermost object with an id holding
    it; list items are paired by their `id` (an added or removed item is one change, field `*`)."""
    place = _Place("", resource[0], resource[1], "")
    yield from _changes(old, new, place, kinds or {})


def _changes(old: Any, new: Any, place: _Place, kinds: Mapping[str, str]) -> Iterator[FieldChange]:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        before, after = old, new
        for key in sorted(before.keys() | after.keys()):
            inner_old, inner_new = before.get(key), after.get(key)
            yield from _changes(
                inner_old, inner_new, place.into(key, kinds, inner_old, inner_new), kinds
            )
        return
    if isinstance(old, list) and isinstance(new, list):
        before_ids, after_ids = _by_id(old), _by_id(new)
        if before_ids is not None and after_ids is not None:
            list_key = place.path.rsplit(".", 1)[-1]
            for item_id, (index, item) in after_ids.items():
                previous = before_ids.get(item_id, (index, None))[1]
                here = place.into(f"[{index}]", kinds, previous, item)
                yield from _changes(previous, item, _kind(here, list_key, kinds), kinds)
            for item_id, (index, item) in before_ids.items():
                if item_id not in after_ids:
                    here = place.into(f"[{index}]", kinds, item, None)
                    yield from _changes(item, None, _kind(here, list_key, kinds), kinds)
            return
    yield FieldChange(
        place.path, old, new, place.resource_type, place.resource_id, place.field or "*"
    )


def _kind(place: _Place, list_key: str, kinds: Mapping[str, str]) -> _Place:
    if place.field:
        return place
    key = list_key.split("[", 1)[0]
    return _Place(place.path, kinds.get(key, key), place.resource_id, "")
