"""HSDS 3.0 files: JSON (an array of full service records, or a page with `contents`) and the
tabular form (a CSV data package: one CSV per HSDS object and a `datapackage.json`).

Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, and partners write text that curators open in one. So our CSV export writes such a text
cell with one leading `'` (a spreadsheet shows `+32 2 511 64 64`, and runs nothing); a cell that
already starts with `'` gets one more, so that nothing is ambiguous. The descriptor says so
(`passerelle_cell_prefix`), and reading a package that says so takes the `'` off again: export
then import gives back every text as it was. Packages from elsewhere are read as they are.
"""

import copy
import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from directory.errors import FieldError, ImportFailed
from directory.hsds.assembly import assemble, memory_fetch
from directory.hsds.streaming import (
    NDJSON_SUFFIXES,
    Malformed,
    json_array_items,
    ndjson_items,
    starts_with_array,
)
from directory.hsds.tree import (
    SERVICE,
    TABLES,
    Flat,
    Record,
    Row,
    column_type,
    json_value,
)
from directory.hsds.validation import hsds_schema

CELL_PREFIX = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula."""
PREFIXED = (*FORMULA_STARTS, CELL_PREFIX)
PREFIX_KEY = "passerelle_cell_prefix"
"""The descriptor's word that its text cells are protected with `CELL_PREFIX`."""


def protected_cell(text: str) -> str:
    """`text` as a spreadsheet will show it and never run it: `'=1+1` for `=1+1`."""
    return CELL_PREFIX + text if text.startswith(PREFIXED) else text


def unprotected_cell(text: str) -> str:
    """The text that `protected_cell` was given."""
    if text.startswith(CELL_PREFIX) and text[1:].startswith(PREFIXED):
        return text[1:]
    return text


def _file_error(path: Path, message: str, field: str = "(file)") -> ImportFailed:
    return ImportFailed(f"cannot read {path}", [FieldError(str(path), field, message)])


def read_records(path: Path) -> list[Record]:
    """The service records in an HSDS JSON file or CSV data package folder."""
    return list(iter_records(path))


def iter_records(path: Path) -> Iterator[Any]:
    """The items of an HSDS file as they are read (see `directory.hsds.streaming`): an array of
    service records, NDJSON (`.ndjson`, `.jsonl`), a page with `contents`, or a CSV package."""
    if path.is_dir():
        yield from read_csv_package(path)
        return
    if path.name == "datapackage.json":
        yield from read_csv_package(path.parent)
        return
    try:
        with path.open(encoding="utf-8") as file:
            if path.suffix in NDJSON_SUFFIXES:
                yield from ndjson_items(file)
            elif starts_with_array(file):
                yield from json_array_items(file)
            else:
                yield from _page_contents(path, json.load(file))
    except FileNotFoundError:
        raise _file_error(path, "no such file") from None
    except UnicodeDecodeError as error:
        raise _file_error(path, f"not UTF-8 text: {error}") from None
    except RecursionError:
        raise _file_error(path, "JSON nested too deeply to be read") from None
    except json.JSONDecodeError as error:
        raise _malformed(path, error.msg, error.lineno, error.colno) from None
    except Malformed as error:
        raise _malformed(path, error.message, error.line, error.column) from None


def _malformed(path: Path, message: str, line: int, column: int) -> ImportFailed:
    return _file_error(path, f"malformed JSON at line {line}, column {column}: {message}")


def _page_contents(path: Path, data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        contents: list[Any] = data["contents"]
        return contents
    raise _file_error(path, "expected an array of service records or a page with 'contents'")


# --- CSV data packages ---------------------------------------------------------------------


def _resources() -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = hsds_schema("datapackage")["resources"]
    return resources


def package_descriptor() -> dict[str, Any]:
    """Our export's `datapackage.json`: HSDS's own, except that `metadata.last_action_date` holds a
    timestamp (capacity updates need the time of day, not only the date)."""
    descriptor = copy.deepcopy(hsds_schema("datapackage"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            if field["type"] == "string" and field.get("constraints", {}).get("required"):
                field["missingValues"] = []  # a required text may be "" (HSDS allows it)
        if resource["name"] == "metadata":
            for field in resource["schema"]["fields"]:
                if field["name"] == "last_action_date":
                    field["type"] = "datetime"
                    field["example"] = "2011-01-01T00:00:00Z"
    descriptor["name"] = "passerelle-export"
    descriptor["title"] = "Passerelle directory export (HSDS 3.0)"
    descriptor[PREFIX_KEY] = CELL_PREFIX
    descriptor["description"] += (
        f" In this export, a text cell starting with {' '.join(map(repr, PREFIXED))} carries"
        f" one more leading {CELL_PREFIX!r}, so that spreadsheets show it as text and never"
        " run it as a formula; passerelle import takes it off again."
    )
    return descriptor


def _required_texts(resource: dict[str, Any]) -> set[str]:
    return {
        field["name"]
        for field in resource.get("schema", {}).get("fields", [])
        if field.get("type") == "string" and field.get("constraints", {}).get("required")
    }


def _cell(table: str, column: str, text: str, *, required: bool) -> Any:
    if text == "":
        return "" if required else None
    if column_type(table, column) is float:
        return float(text)
    return text


CSV_CELL_LIMIT = 131_072
"""The largest cell a CSV package may hold (the csv module's default limit, kept here because
other libraries raise that process-wide limit)."""


def _check_cell_sizes(raw: dict[str | Any, Any]) -> None:
    for value in raw.values():
        if isinstance(value, str) and len(value) > CSV_CELL_LIMIT:
            raise csv.Error(f"field larger than field limit ({CSV_CELL_LIMIT})")


def _read_table(
    folder: Path, resource: dict[str, Any], issues: list[FieldError], *, prefixed: bool
) -> list[Row]:
    table, name = resource["name"], resource["path"]
    path = folder / name
    if table not in TABLES or not path.is_file():
        return []
    text = _csv_text(path, name, issues)
    if text is None:
        return []
    required = _required_texts(resource)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    try:
        for raw in reader:
            where = f"{name} line {len(rows) + 2}"
            _check_cell_sizes(raw)
            rows.append(_row(table, raw, where, issues, required=required, prefixed=prefixed))
    except csv.Error as error:
        where = f"{name} line {len(rows) + 2}"
        issues.append(FieldError(where, "(text)", f"not readable as CSV: {error}"))
    return rows


def _row(
    table: str,
    raw: dict[str | None, Any],
    where: str,
    issues: list[FieldError],
    *,
    required: set[str],
    prefixed: bool,
) -> Row:
    row: Row = {}
    for column, cell in raw.items():
        if column is None or column not in TABLES[table].c:
            continue
        text = unprotected_cell(cell or "") if prefixed else cell or ""
        try:
            row[column] = _cell(table, column, text, required=column in required)
        except ValueError:
            issues.append(FieldError(where, column, f"expected a number, got {text!r}"))
    return row


def _csv_text(path: Path, name: str, issues: list[FieldError]) -> str | None:
    """The text of one CSV file, or None with an issue naming the file and line that is not
    UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        issues.append(FieldError(f"{name} line {line}", "(text)", f"not UTF-8 text: {error}"))
        return None


def _resource_problem(folder: Path, resource: Any) -> tuple[str, str] | None:
    """(field, message) saying why a descriptor's resource cannot be read, or None."""
    if not isinstance(resource, dict):
        return "", f"expected an object with 'name' and 'path', got {resource!r:.80}"
    for key in ("name", "path"):
        if not isinstance(resource.get(key), str) or not resource[key]:
            return f".{key}", f"missing, or not a text: {resource.get(key)!r:.80}"
    inside = (folder / resource["path"]).resolve()
    if not inside.is_relative_to(folder.resolve()):
        name, where = resource["name"], resource["path"]
        return ".path", f"{where!r} is outside the package folder (resource {name!r})"
    return None


def _descriptor(path: Path) -> dict[str, Any]:
    """A package descriptor whose every resource names a file inside the package folder."""
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise _file_error(path, f"not UTF-8 text: {error}") from None
    except RecursionError:
        raise _file_error(path, "JSON nested too deeply to be read") from None
    except json.JSONDecodeError as error:
        raise _file_error(path, f"not a data package descriptor: {error}") from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise _file_error(path, "expected a list of resources", "resources")
    issues = []
    for index, resource in enumerate(resources):
        problem = _resource_problem(path.parent, resource)
        if problem is not None:
            field, message = problem
            issues.append(FieldError(str(path), f"resources[{index}]{field}", message))
    if issues:
        raise ImportFailed(f"cannot read {path}", issues)
    return dict(descriptor)


def read_csv_package(folder: Path) -> list[Record]:
    """Service records assembled from the CSV files of an HSDS data package."""
    descriptor_path = folder / "datapackage.json"
    resources = _resources()
    prefixed = False
    if descriptor_path.exists():
        descriptor = _descriptor(descriptor_path)
        resources = descriptor["resources"]
        prefixed = descriptor.get(PREFIX_KEY) == CELL_PREFIX
    issues: list[FieldError] = []
    tables = {
        resource["name"]: _read_table(folder, resource, issues, prefixed=prefixed)
        for resource in resources
    }
    if issues:
        raise ImportFailed(f"cannot read {folder}", issues)
    if not tables.get("service"):
        raise _file_error(folder, "no services.csv with at least one service")
    services = sorted(tables["service"], key=lambda row: str(row.get("id")))
    return assemble(memory_fetch(tables), SERVICE, services)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | float):
        return str(json_value(value))
    return protected_cell(str(value))


def write_csv_package(folder: Path, flat: Flat) -> None:
    """One CSV per HSDS resource (empty ones with their header) and the package descriptor."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = package_descriptor()
    for resource in descriptor["resources"]:
        columns = [field["name"] for field in resource["schema"]["fields"]]
        rows = sorted(flat.rows.get(resource["name"], {}).values(), key=lambda row: row["id"])
        with (folder / resource["path"]).open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            writer.writerows([_text(row.get(column)) for column in columns] for row in rows)
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8"
    )


def write_json(path: Path, records: list[Record]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        json.dump(records, file, ensure_ascii=False, indent=1)
        file.write("\n")


def iter_ndjson(records: list[Record]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"
