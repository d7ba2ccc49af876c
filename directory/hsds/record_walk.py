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


def walk_record(record: Any, rules: Mapping[str, Rule]) -> Findings:
    findings = Findings()
    _visit(record, "", "", 0, True, True, rules, findings)
    return findings


def _visit(
    node: Any,
    path: str,
    key: Any,
    depth: int,
    access: bool,
    texts: bool,
    rules: Mapping[str, Rule],
    found: Findings,
) -> None:
    """Walk `node`, found at `path` under `key`, `depth` levels down; `access`: `access.`
    problems are looked for here (not inside an attribute); `texts`: web addresses are (not
    inside audit rows)."""
    if depth >= DEPTH_MAX:
        found.broken = True
    elif isinstance(node, dict):
        _visit_object(node, path, depth, access, texts, rules, found)
    elif isinstance(node, list):
        _visit_array(node, path, key, depth, access, texts, rules, found)


def _visit_object(
    node: dict[Any, Any],
    path: str,
    depth: int,
    access: bool,
    texts: bool,
    rules: Mapping[str, Rule],
    found: Findings,
) -> None:
    prefix = f"{path}." if path else ""
    if access and "accessibility" in node:
        found.access.extend(accessibility.stated_twice(path, node["accessibility"]))
    for key, value in node.items():
        if isinstance(key, str) and "\x00" in key:
            found.broken = True
            return
        rule = rules.get(key)
        if rule is not None:
            rule(f"{prefix}{key}", value, found.rules)
        if isinstance(value, dict | list):
            here = f"{prefix}{key}"
            if access and key == "attributes":
                placed = accessibility.is_entry(path)
                found.access.extend(accessibility.attribute_problems(here, value, placed=placed))
            inner_access = access and key != "attributes"
            inner_texts = texts and key not in UNLIMITED_UNDER
            _visit(value, here, key, depth + 1, inner_access, inner_texts, rules, found)
            if found.broken:
                return
        elif isinstance(value, str):
            if "\x00" in value:
                found.broken = True
                return
            if texts and key in WEB_FIELDS:
                found.web_texts.append((f"{prefix}{key}", value))


def _visit_array(
    node: list[Any],
    path: str,
    key: Any,
    depth: int,
    access: bool,
    texts: bool,
    rules: Mapping[str, Rule],
    found: Findings,
) -> None:
    for index, value in enumerate(node):
        if isinstance(value, dict | list):
            _visit(value, f"{path}[{index}]", key, depth + 1, access, texts, rules, found)
            if found.broken:
                return
        elif isinstance(value, str):
            if "\x00" in value:
                found.broken = True
                return
            if texts and key in WEB_FIELDS:
                found.web_texts.append((f"{path}[{index}]", value))
