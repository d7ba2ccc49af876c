"""A location's accessibility: HSDS `accessibility` entries carrying our `access.` codes.

Each stated answer is one HSDS `accessibility` entry of the location, whose English
`description` says it in words ("Step-free access: yes") for readers who do not know our
taxonomy, and whose one attribute carries the `access.` code with the value `yes` or `no`. A
code with no entry is not stated. Other accessibility entries (free text of other publishers)
are kept as they are and state nothing.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from directory.taxonomy import BY_CODE, attribute_record, code_of, codes_with_prefix, derived_id

ACCESS_CODES: tuple[str, ...] = codes_with_prefix("access")
"""`access.step_free`, ...: in the taxonomy's order."""
ACCESS_WORDS: tuple[str, ...] = tuple(code.split(".", 1)[1] for code in ACCESS_CODES)
"""The codes without their prefix, as a person asks for them (`step_free`, ...)."""
ANSWERS: dict[str, bool] = {"yes": True, "no": False}
"""An `access.` attribute's `value`, and what it says."""
ANSWER_PROBLEM = "must be 'yes' or 'no'"
PLACE_PROBLEM = "an access. code goes on an entry of a location's accessibility"


def _is_access(code: str | None) -> bool:
    return code is not None and code in ACCESS_CODES


def _answer(attribute: Any) -> str:
    return str(attribute.get("value", "")).strip().lower() if isinstance(attribute, dict) else ""


def answers(location: Mapping[str, Any]) -> dict[str, bool]:
    """What the location's data says, by word: `{"step_free": True, "quiet_room": False}`
    (a word left out is not stated; an unreadable value states nothing)."""
    found: dict[str, bool] = {}
    for item in location.get("accessibility") or []:
        attributes = item.get("attributes") if isinstance(item, dict) else None
        for attribute in attributes or []:
            code = code_of(attribute)
            value = ANSWERS.get(_answer(attribute))
            if _is_access(code) and value is not None:
                found.setdefault(str(code).split(".", 1)[1], value)
    return found


def _stated(entry: Any) -> bool:
    attributes = entry.get("attributes") if isinstance(entry, dict) else None
    return any(_is_access(code_of(item)) for item in attributes or [])


def entry(location_id: str, word: str, value: bool) -> dict[str, Any]:
    """The accessibility entry saying `value` for `word` at the location `location_id`."""
    code = f"access.{word}"
    entry_id = derived_id("accessibility", location_id, code)
    answer = "yes" if value else "no"
    return {
        "id": entry_id,
        "location_id": location_id,
        "description": f"{BY_CODE[code].name}: {answer}",
        "attributes": [
            attribute_record(
                derived_id("attribute", entry_id, code),
                entry_id,
                code,
                link_entity="accessibility",
                value=answer,
            )
        ],
    }


def with_answers(location: Mapping[str, Any], stated: Mapping[str, bool]) -> dict[str, Any]:
    """The location saying exactly `stated` (word -> yes/no; words left out: not stated), the
    entries of other publishers that state none of our codes kept as they are."""
    location_id = str(location.get("id") or "")
    kept = [item for item in location.get("accessibility") or [] if not _stated(item)]
    ours = [entry(location_id, word, stated[word]) for word in ACCESS_WORDS if word in stated]
    return {**location, "accessibility": [*kept, *ours]}


def is_entry(path: str) -> bool:
    """Whether the object at `path` is an entry of an accessibility list (where `access.`
    attributes go): `service_at_locations[0].location.accessibility[1]`."""
    return path.endswith("]") and path.rsplit("[", 1)[0].endswith("accessibility")


def attribute_problems(path: str, attributes: Any, *, placed: bool) -> Iterator[tuple[str, str]]:
    """(field path, message) for the `access.` attributes of one object (`path`: where its
    `attributes` are) that are not on an accessibility entry (`placed`: they are), or whose
    value is not `yes` or `no`."""
    for index, attribute in enumerate(attributes if isinstance(attributes, list) else []):
        if not isinstance(attribute, dict) or not _is_access(code_of(attribute)):
            continue
        here = f"{path}[{index}]"
        if not placed:
            yield f"{here}.taxonomy_term.code", PLACE_PROBLEM
        elif _answer(attribute) not in ANSWERS:
            yield f"{here}.value", f"{code_of(attribute)} {ANSWER_PROBLEM}"


def stated_twice(path: str, entries: Any) -> Iterator[tuple[str, str]]:
    """A code stated more than once at one location (the answers could disagree)."""
    seen: set[str] = set()
    for index, item in enumerate(entries if isinstance(entries, list) else []):
        attributes = item.get("attributes") if isinstance(item, dict) else None
        for number, attribute in enumerate(attributes if isinstance(attributes, list) else []):
            code = code_of(attribute)
            if _is_access(code) and code in seen:
                here = f"{path}.accessibility[{index}].attributes[{number}].taxonomy_term.code"
                yield here.lstrip("."), f"{code} is stated twice for this location"
            seen.add(code or "")
