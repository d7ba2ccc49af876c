"""The official HSDS 3.0 schemas (vendored in fixtures/hsds) and a strict validator for them.

Strict means what the spec's own CI does: `additionalProperties: false` added to every object,
so that a misspelt or invented field fails.
"""

import copy
import gzip
import json
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conftest import FIXTURES

HSDS = FIXTURES / "hsds"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@cache
def schema(name: str) -> dict[str, Any]:
    gz = HSDS / f"{name}.json.gz"
    if gz.exists():
        with gzip.open(gz, "rt", encoding="utf-8") as file:
            loaded: dict[str, Any] = json.load(file)
            return loaded
    plain: dict[str, Any] = json.loads((HSDS / f"{name}.json").read_text())
    return plain


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _strict(value) for key, value in node.items()}
        if "properties" in node and node.get("type", "object") == "object":
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def _retrieve(uri: str) -> Resource[Any]:
    """Plain schemas refer to each other by file name (`"$ref": "taxonomy.json"`)."""
    document = _strict(copy.deepcopy(schema(uri.removesuffix(".json"))))
    return Resource.from_contents(document, default_specification=DRAFT202012)


@cache
def _validator(name: str, strict: bool) -> jsonschema.protocols.Validator:
    document = _strict(copy.deepcopy(schema(name))) if strict else schema(name)
    cls = jsonschema.validators.validator_for(document, default=jsonschema.Draft202012Validator)
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return cls(document, format_checker=cls.FORMAT_CHECKER, registry=registry)


def errors(instance: Any, name: str, *, strict: bool = True) -> list[str]:
    """Every violation of HSDS schema `name` (e.g. "service", "service_list") by `instance`."""
    found = _validator(name, strict).iter_errors(instance)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in found]


def page_errors(page: Any, item_schema: str) -> list[str]:
    """Violations of an HSDS page whose contents are objects of `item_schema`."""
    if set(page) != PAGE_KEYS:
        return [f"page keys {sorted(page)} differ from {sorted(PAGE_KEYS)}"]
    problems = []
    for index, item in enumerate(page["contents"]):
        problems += [f"contents/{index}/{e}" for e in errors(item, item_schema)]
    return problems
