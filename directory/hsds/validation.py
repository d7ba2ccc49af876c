"""Checks a service record against HSDS 3.0 and against Passerelle's own rules.

HSDS part: the official compiled `service.json` (vendored in `hsds_schema/`), formats included
(uuid, uri, email, date-time). Passerelle part: ISO 639 language codes, known `passerelle` codes,
coordinates in range, minimum age not above maximum age, capacity as a whole number, `access.`
codes answered yes or no on a location's accessibility (`accessibility`), and the
bounds of `directory.limits` (nesting, NUL characters, http(s) web addresses).
"""

import difflib
import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pycountry

from directory.hsds.record_walk import Findings, Rule, walk_record
from directory.hsds.tree import Issue, Record
from directory.limits import (
    AGE_MAX,
    BEDS_PROBLEM,
    WEB_PROBLEM,
    beds_from_text,
    structure_problem,
    web_address,
)
from directory.taxonomy import CAPACITY_BEDS_AVAILABLE, KNOWN, code_of, is_ours

SCHEMAS = Path(__file__).parent.parent / "hsds_schema"


@cache
def hsds_schema(name: str) -> dict[str, Any]:
    """A vendored HSDS file, e.g. `hsds_schema("service")` for the compiled service schema."""
    with gzip.open(SCHEMAS / f"{name}.json.gz", "rt", encoding="utf-8") as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


@cache
def _service_validator() -> Any:
    return jsonschema_rs.validator_for(hsds_schema("service"), validate_formats=True)


@cache
def _iso639() -> tuple[frozenset[str], dict[str, str]]:
    """(ISO 639-1 codes, ISO 639-3 code -> its 639-1 code) from pycountry's ISO tables."""
    two: set[str] = set()
    three: dict[str, str] = {}
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", "")
        if alpha_2:
            two.add(alpha_2)
        three[language.alpha_3] = alpha_2
    return frozenset(two), three


def language_code_problem(code: str) -> str | None:
    """Why `code` is not ISO 639-1 (or 639-3 where there is no 639-1), or None if it is fine."""
    two, three = _iso639()
    if code in two:
        return None
    if code in three:
        preferred = three[code]
        return f"use the ISO 639-1 code '{preferred}' for '{code}'" if preferred else None
    return f"'{code}' is not an ISO 639 language code"


def field_path(parts: list[str | int]) -> str:
    """`['phones', 0, 'number']` -> `phones[0].number`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def schema_issues(record: Any) -> list[Issue]:
    issues = []
    for error in _service_validator().iter_errors(record):
        path = field_path(list(error.instance_path))
        kind = error.kind
        if type(kind).__name__ == "Required":
            issues.append(Issue(_join(path, kind.property), "is required", "required"))
        else:
            issues.append(Issue(path or "(record)", error.message, _schema_code(kind)))
    return issues


SCHEMA_CODES = {"Enum": "not_offered"}
FORMAT_CODES = {"uri": "not_a_uri", "email": "not_an_email"}


def _schema_code(kind: Any) -> str:
    """The code of a schema validator's problem ("" for a kind the portal has no words for)."""
    name = type(kind).__name__
    if name == "Format":
        return FORMAT_CODES.get(str(getattr(kind, "format", "")), "")
    return SCHEMA_CODES.get(name, "")


def _term_issue(path: str, term: dict[str, Any]) -> Issue | None:
    code = term.get("code")
    if not isinstance(code, str) or not is_ours(code) or code in KNOWN:
        return None
    close = difflib.get_close_matches(code, KNOWN, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return Issue(_join(path, "code"), f"unknown passerelle code '{code}'{hint}")


def _attribute_value_issue(path: str, attribute: dict[str, Any]) -> Issue | None:
    if code_of(attribute) != CAPACITY_BEDS_AVAILABLE:
        return None
    if beds_from_text(attribute.get("value")) is None:
        return Issue(_join(path, "value"), f"free beds {BEDS_PROBLEM}", "beds_invalid")
    return None


def _coordinate_issues(path: str, location: dict[str, Any]) -> Iterator[Issue]:
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = location.get(name)
        if isinstance(value, int | float) and not -limit <= value <= limit:
            yield Issue(_join(path, name), f"{value} is outside -{limit}..{limit}")
    if ("latitude" in location) != ("longitude" in location):
        missing = "longitude" if "latitude" in location else "latitude"
        yield Issue(_join(path, missing), "latitude and longitude go together")


def _age_issues(record: Record) -> Iterator[Issue]:
    low, high = record.get("minimum_age"), record.get("maximum_age")
    for name, value in (("minimum_age", low), ("maximum_age", high)):
        if isinstance(value, int | float) and not 0 <= value <= AGE_MAX:
            yield Issue(name, f"{value} is not an age")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        yield Issue("minimum_age", f"minimum_age {low} is above maximum_age {high}")


def passerelle_issues(record: Record) -> list[Issue]:
    """Passerelle's own rules, checked on a record that already passed the HSDS schema."""
    return _passerelle_issues(record, walk_record(record, _RULES))


def _passerelle_issues(record: Record, found: Findings) -> list[Issue]:
    access = [Issue(path, text) for path, text in found.access]
    return [*_age_issues(record), *access, *found.rules]


def _language_issues(here: str, value: Any, issues: list[Issue]) -> None:
    if not isinstance(value, list):
        return
    for index, language in enumerate(value):
        code = language.get("code") if isinstance(language, dict) else None
        problem = language_code_problem(code) if isinstance(code, str) else None
        if problem:
            issues.append(Issue(f"{here}[{index}].code", problem, "not_a_language"))


def _taxonomy_term_issues(here: str, value: Any, issues: list[Issue]) -> None:
    issue = _term_issue(here, value) if isinstance(value, dict) else None
    if issue:
        issues.append(issue)


def _attribute_issues(here: str, value: Any, issues: list[Issue]) -> None:
    if not isinstance(value, list):
        return
    for index, attribute in enumerate(value):
        issue = None
        if isinstance(attribute, dict):
            issue = _attribute_value_issue(f"{here}[{index}]", attribute)
        if issue:
            issues.append(issue)


def _location_issues(here: str, value: Any, issues: list[Issue]) -> None:
    for index, location in enumerate(value if isinstance(value, list) else [value]):
        where = f"{here}[{index}]" if isinstance(value, list) else here
        if isinstance(location, dict):
            issues.extend(_coordinate_issues(where, location))


_RULES: dict[str, Rule] = {
    "languages": _language_issues,
    "taxonomy_term": _taxonomy_term_issues,
    "attributes": _attribute_issues,
    "location": _location_issues,
    "locations": _location_issues,
}
"""What is checked under each key, wherever it is in a record."""


def record_issues(record: Any) -> list[Issue]:
    """Everything wrong with one service record; an empty list means it can be imported."""
    if not isinstance(record, dict):
        return [Issue("(record)", "expected a JSON object (a service record)")]
    found = walk_record(record, _RULES)
    if found.broken:  # nested too deep or a NUL character: say where, and check nothing else
        structure = structure_problem(record)
        assert structure is not None, "the walk and structure_problem disagree"
        return [Issue(structure.path, structure.message, structure.code)]
    schema = schema_issues(record)
    flagged = {issue.path for issue in schema}  # "not a URI" already says what to fix there
    addresses = [
        Issue(path, WEB_PROBLEM, "web_address")
        for path, text in found.web_texts
        if text and web_address(text) is None and path not in flagged
    ]
    return schema + _passerelle_issues(record, found) + addresses
