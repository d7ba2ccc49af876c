"""The bounds every input meets, wherever it comes from (partner API, portal forms, import).

One definition for each: free beds, numbers, text lengths, nesting, NUL characters and web
addresses. The API's models, the portal's forms and the importer's checks all read them here, so
that a value one path refuses is refused by every path, and the matcher reads stored values with
the same rules (a row written past these checks is ignored, never a crash).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

BEDS_MAX = 100_000
"""Free beds: a whole number from 0 to this."""
BEDS_PROBLEM = f"must be a whole number from 0 to {BEDS_MAX}"
NUMBER_MAX = 1e15
"""Any other number in a record lies within -NUMBER_MAX..NUMBER_MAX (and is finite)."""
AGE_MAX = 130

TEXT_LIMITS = {
    "name": 500,
    "alternate_name": 500,
    "url": 2000,
    "website": 2000,
    "email": 320,
    "number": 100,
    "extension": 20,
    "code": 100,
}
"""The longest text these fields take, in characters (wherever they are in what a partner
sends: the API and the portal alike; curators' imports are not limited)."""
TEXT_MAX = 10_000
"""The longest text any other field takes (a description, an alert, a schedule's words)."""
UNLIMITED_UNDER = frozenset({"metadata"})
"""Audit rows keep old and new values whole: they are the server's, not the sender's."""
DEPTH_MAX = 32
"""JSON nested deeper than this is refused before anything walks it (HSDS needs about 8)."""
NUL_PROBLEM = "must not contain NUL characters"
WEB_SCHEMES = ("http", "https")
WEB_PROBLEM = "must be a web address starting with http:// or https://"

_BEDS = re.compile(r"[0-9]{1,6}")
"""ASCII digits only: `str.isdigit` also accepts "²", which `int` refuses."""


def beds_from_text(text: Any) -> int | None:
    """Free beds written as text ("3"), or None if it is not a whole number in 0..BEDS_MAX."""
    if not isinstance(text, str) or not _BEDS.fullmatch(text.strip()):
        return None
    beds = int(text.strip())
    return beds if beds <= BEDS_MAX else None


def number_problem(value: float) -> str | None:
    """Why a number cannot be stored (not finite, or huge), or None."""
    try:
        number = float(value)
    except OverflowError:
        number = float("inf")
    if not -NUMBER_MAX <= number <= NUMBER_MAX:
        return f"must be a number between -{NUMBER_MAX:.0e} and {NUMBER_MAX:.0e}"
    return None


def text_limit(key: str) -> int:
    return TEXT_LIMITS.get(key, TEXT_MAX)


def web_address(value: Any) -> str | None:
    """`value` if it is an http(s) address, else None: what may be shown or followed as a link."""
    if not isinstance(value, str):
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value if scheme in WEB_SCHEMES else None


@dataclass(frozen=True, slots=True)
class Problem:
    """Where a JSON document breaks a bound (`phones[0].number`), and how; `code`, a stable name
    of the problem ("" for one said only in words)."""

    path: str
    message: str
    code: str = ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def structure_problem(document: Any) -> Problem | None:
    """The first place where `document` is nested deeper than DEPTH_MAX or holds a NUL
    character (in a key or a string), or None. Walks without recursion, so any depth is safe;
    a node's path is spelled out only for a problem (a chain of (parent, key) links until then)."""
    if not isinstance(document, dict | list):
        text_problem = isinstance(document, str) and "\x00" in document
        return Problem("(body)", NUL_PROBLEM) if text_problem else None
    stack: list[tuple[Any, Any, int]] = [(document, None, 0)]
    while stack:
        node, link, depth = stack.pop()
        if depth >= DEPTH_MAX:
            return Problem(_spelled(link) or "(body)", f"is nested deeper than {DEPTH_MAX} levels")
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(key, str) and "\x00" in key:
                return Problem(_spelled((link, key.replace("\x00", ""))), NUL_PROBLEM)
            if isinstance(value, dict | list):
                stack.append((value, (link, key), depth + 1))
            elif isinstance(value, str) and "\x00" in value:
                return Problem(_spelled((link, key)), NUL_PROBLEM)
    return None


def _spelled(link: Any) -> str:
    """`(((None, 'phones'), 0), 'number')` -> `phones[0].number`."""
    parts: list[str | int] = []
    while link is not None:
        link, key = link
        parts.append(key)
    path = ""
    for part in reversed(parts):
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def _texts(node: Any, path: str = "", key: str = "") -> Iterator[tuple[str, str, str]]:
    """Every (path, field name, text) below `node`, audit rows left out."""
    found: list[tuple[str, str, str]] = []
    _gather_texts(node, path, key, found)
    yield from found


def _gather_texts(node: Any, path: str, key: str, found: list[tuple[str, str, str]]) -> None:
    if isinstance(node, dict):
        for inner_key, value in node.items():
            if inner_key in UNLIMITED_UNDER:
                continue
            if isinstance(value, dict | list):
                _gather_texts(value, _join(path, inner_key), inner_key, found)
            elif isinstance(value, str):
                found.append((_join(path, inner_key), inner_key, value))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, dict | list | str):
                _gather_texts(value, f"{path}[{index}]", key, found)
    elif isinstance(node, str):
        found.append((path, key, node))


def length_problems(document: Any) -> Iterator[Problem]:
    """Every text longer than its field takes (what a partner sends; imports are curators')."""
    for path, key, text in _texts(document):
        if len(text) > text_limit(key):
            yield Problem(path, f"is longer than {text_limit(key)} characters")


WEB_FIELDS = frozenset({"url", "website"})
"""The fields that hold a web address (checked by `directory.hsds.record_walk`)."""
