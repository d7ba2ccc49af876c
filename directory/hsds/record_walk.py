"""One walk over a service record for every check made object by object (the import checks
thousands of records: each is walked once, not once per check).

It finds, in the order of the document:
- whether the record breaks a bound of `directory.limits` (nested deeper than DEPTH_MAX, or a
  NUL character): `structure_problem` then says where, and nothing else is checked;
- the problems of the rules `validation` gives by key (`languages`, `attributes`...);
- the `access.` problems of `accessibility` (not inside attributes themselves);
- the texts of `url` and `website` fields (audit rows left out), to be checked as web addresses.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from directory.hsds import accessibility
from directory.hsds.tree import Issue
from directory.limits import DEPTH_MAX, UNLIMITED_UNDER, WEB_FIELDS

Rule = Callable[[str, Any, list[Issue]], None]
"""Checks the value found under a key (its path, the value) and adds its issues."""


@dataclass(slots=True)
class Findings:
    broken: bool = False
    """Nested deeper than DEPTH_MAX or holding a NUL character: the rest is not complete."""
    rules: list[Issue] = field(default_factory=list)
    access: list[tuple[str, str]] = field(default_factory=list)
    web_texts: list[tuple[str, str]] = field(default_factory=list)
    """(path, text) of every `url` and `website`."""


@dataclass(frozen=True, slots=True)
class _Place:
    path: str
    key: Any
    """The key the object or array is found under (for an array's texts)."""
    depth: int
    access: bool
    """`access.` problems are looked for here (not inside an attribute)."""
    texts: bool
    """Web addresses are looked for here (not inside audit rows)."""


def walk_record(record: Any, rules: Mapping[str, Rule]) -> Findings:
    findings = Findings()
    _visit(record, _Place("", "", 0, True, True), rules, findings)
    return findings


def _visit(node: Any, place: _Place, rules: Mapping[str, Rule], found: Findings) -> None:
    if place.depth >= DEPTH_MAX:
        found.broken = True
    elif isinstance(node, dict):
        _visit_object(node, place, rules, found)
    elif isinstance(node, list):
        _visit_array(node, place, rules, found)


def _visit_object(
    node: dict[Any, Any], place: _Place, rules: Mapping[str, Rule], found: Findings
) -> None:
    path = place.path
    placed = accessibility.is_entry(path)
    if place.access:
        found.access.extend(accessibility.stated_twice(path, node.get("accessibility")))
    for key, value in node.items():
        if isinstance(key, str) and "\x00" in key:
            found.broken = True
            return
        rule = rules.get(key)
        if rule is not None:
            rule(f"{path}.{key}" if path else key, value, found.rules)
        if place.access and key == "attributes":
            here = f"{path}.{key}" if path else key
            found.access.extend(accessibility.attribute_problems(here, value, placed=placed))
        if isinstance(value, dict | list):
            inner = _Place(
                f"{path}.{key}" if path else key,
                key,
                place.depth + 1,
                place.access and key != "attributes",
                place.texts and key not in UNLIMITED_UNDER,
            )
            _visit(value, inner, rules, found)
            if found.broken:
                return
        elif isinstance(value, str):
            if "\x00" in value:
                found.broken = True
                return
            if place.texts and key in WEB_FIELDS:
                found.web_texts.append((f"{path}.{key}" if path else key, value))


def _visit_array(
    node: list[Any], place: _Place, rules: Mapping[str, Rule], found: Findings
) -> None:
    for index, value in enumerate(node):
        if isinstance(value, dict | list):
            inner = _Place(
                f"{place.path}[{index}]", place.key, place.depth + 1, place.access, place.texts
            )
            _visit(value, inner, rules, found)
            if found.broken:
                return
        elif isinstance(value, str):
            if "\x00" in value:
                found.broken = True
                return
            if place.texts and place.key in WEB_FIELDS:
                found.web_texts.append((f"{place.path}[{index}]", value))
