"""Exports: strict HSDS JSON, a CSV data package that passes frictionless, lossless round trips."""

import csv
import json
from pathlib import Path
from typing import Any

import frictionless
import pytest
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.hsds.coarse_points import stored_coarse_points
from directory.hsds.exporter import Format, export_directory
from directory.hsds.files import read_records, unprotected_cell
from directory.hsds.importer import import_records
from tests.builders import new_id, service_record
from tests.conftest import FIXTURES
from tests.hsds_schemas import errors

SAMPLE = json.loads((FIXTURES / "passerelle-sample.json").read_text())
CONFIDENTIAL = "ff075b3f-89de-544a-a791-abb7726919af"  # the sample's women's shelter


def load(engine: Engine, records: list[dict[str, Any]]) -> None:
    with session_scope(engine) as session:
        import_records(session.connection(), records)


def export(engine: Engine, path: Path, **options: Any) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        export_directory(session.connection(), path, **options)
    if options.get("format") is Format.csv:
        return read_records(path)
    loaded: list[dict[str, Any]] = json.loads(path.read_text())
    return loaded


def essentials(record: dict[str, Any]) -> dict[str, Any]:
    """What a round trip keeps: ids, names, languages, locations, phones, taxonomy attributes."""
    locations = sorted(
        (
            sal["location"]["id"],
            sal["location"].get("name"),
            sal["location"].get("latitude"),
            sal["location"].get("longitude"),
        )
        for sal in record["service_at_locations"]
    )
    return {
        "id": record["id"],
        "name": record["name"],
        "organization": (record["organization"]["id"], record["organization"]["name"]),
        "languages": sorted((item["id"], item.get("code")) for item in record["languages"]),
        "phones": sorted((item["id"], item["number"]) for item in record["phones"]),
        "locations": locations,
        "attributes": sorted(
            (a["id"], a["taxonomy_term"]["code"], a.get("value")) for a in record["attributes"]
        ),
    }


def test_json_export_validates_strictly(engine: Engine, tmp_path: Path) -> None:
    load(engine, SAMPLE + [service_record("Extra", minimum_age=18, areas=("Belgium",))])
    exported = export(engine, tmp_path / "out.json")
    assert len(exported) == 7
    for record in exported:
        assert errors(record, "service") == []


def test_csv_export_passes_frictionless_with_foreign_keys(engine: Engine, tmp_path: Path) -> None:
    load(engine, SAMPLE)
    export(engine, tmp_path / "csv", format=Format.csv)
    report = frictionless.validate(tmp_path / "csv" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("form", [Format.json, Format.csv])
def test_import_export_import_is_lossless(
    engine: Engine, tmp_path: Path, form: Format, database_url: str
) -> None:
    originals = SAMPLE + [service_record("With two languages", languages=("ro", "bg"))]
    load(engine, originals)
    first = export(engine, tmp_path / "first", format=form, include_confidential=True)
    load(engine, first)
    second = export(engine, tmp_path / "second", format=form, include_confidential=True)
    assert sorted(map(essentials, first), key=lambda r: r["id"]) == sorted(
        map(essentials, second), key=lambda r: r["id"]
    )
    by_id = {record["id"]: essentials(record) for record in first}
    for original in originals:
        assert by_id[original["id"]] == essentials(original)


@pytest.mark.parametrize("form", [Format.json, Format.csv])
def test_public_export_leaves_confidential_addresses_out(
    engine: Engine, tmp_path: Path, form: Format
) -> None:
    load(engine, SAMPLE)
    public = export(engine, tmp_path / "public", format=form)
    shelter = next(r for r in public if r["id"] == CONFIDENTIAL)
    assert shelter["service_at_locations"] == []
    secret = next(r for r in SAMPLE if r["id"] == CONFIDENTIAL)["service_at_locations"][0][
        "location"
    ]
    written = (
        [tmp_path / "public"] if form is Format.json else sorted((tmp_path / "public").iterdir())
    )
    for path in written:
        text = path.read_text()
        assert secret["id"] not in text and secret["addresses"][0]["id"] not in text, path
    curator = export(engine, tmp_path / "curator", format=form, include_confidential=True)
    assert next(r for r in curator if r["id"] == CONFIDENTIAL)["service_at_locations"] != []


FORMULAS = {
    "name": '=HYPERLINK("http://evil.example","click")',
    "description": "@SUM(1+1)*cmd|' /C calc'!A0",
    "phone": "+32 2 511 64 64",
    "other_phone": "=cmd|' /C calc'!A0",
    "document": "+1+cmd|' /C notepad'!A0",
    "alternate_name": "-2+3",
    "interpretation": "\tinterpreters on request",
    "fax": "\r=1",
    "quoted": "'s-Hertogenbosch",
}
"""Texts a partner may send, as a spreadsheet would read them: formulas, a phone number, a tab,
and a place name that starts with a quote."""


def formula_record() -> dict[str, Any]:
    record = service_record(
        FORMULAS["name"],
        phones=(FORMULAS["phone"], FORMULAS["other_phone"], FORMULAS["fax"]),
        description=FORMULAS["description"],
        alternate_name=FORMULAS["alternate_name"],
        interpretation_services=FORMULAS["interpretation"],
        organization={"id": new_id(), "name": FORMULAS["quoted"], "description": "x"},
    )
    record["required_documents"] = [
        {"id": new_id(), "service_id": record["id"], "document": FORMULAS["document"]}
    ]
    return record


def csv_cells(folder: Path) -> list[str]:
    cells: list[str] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            cells.extend(cell for row in csv.reader(file) for cell in row)
    return cells


def test_csv_export_never_writes_a_cell_a_spreadsheet_would_run(
    engine: Engine, tmp_path: Path
) -> None:
    load(engine, [formula_record()])
    with session_scope(engine) as session:
        export_directory(session.connection(), tmp_path / "csv", format=Format.csv)
    cells = csv_cells(tmp_path / "csv")
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for text in FORMULAS.values():
        assert "'" + text in cells, text
    assert "'+32 2 511 64 64" in cells  # a spreadsheet shows +32 2 511 64 64, as text
    assert "''s-Hertogenbosch" in cells
    descriptor = json.loads((tmp_path / "csv" / "datapackage.json").read_text())
    assert descriptor["passerelle_cell_prefix"] == "'"
    assert "formula" in descriptor["description"]


def test_csv_export_then_import_gives_back_every_text_as_it_was(
    engine: Engine, tmp_path: Path
) -> None:
    original = formula_record()
    load(engine, [original])
    (back,) = export(engine, tmp_path / "csv", format=Format.csv)
    assert back["name"] == FORMULAS["name"]
    assert back["description"] == FORMULAS["description"]
    assert back["alternate_name"] == FORMULAS["alternate_name"]
    assert back["interpretation_services"] == FORMULAS["interpretation"]
    assert back["organization"]["name"] == FORMULAS["quoted"]
    assert sorted(phone["number"] for phone in back["phones"]) == sorted(
        [FORMULAS["phone"], FORMULAS["other_phone"], FORMULAS["fax"]]
    )
    assert [item["document"] for item in back["required_documents"]] == [FORMULAS["document"]]
    load(engine, [back])  # and it imports again, unchanged
    (again,) = export(engine, tmp_path / "again", format=Format.csv)
    assert essentials(again) == essentials(original)


def test_a_package_from_elsewhere_keeps_its_leading_quotes(tmp_path: Path) -> None:
    """Only our own packages (their descriptor says so) had a `'` added: another publisher's
    `'s-Gravenhage` stays as it is."""
    assert unprotected_cell("''s-Gravenhage") == "'s-Gravenhage"
    assert unprotected_cell("'s-Gravenhage") == "'s-Gravenhage"
    assert unprotected_cell("'+32 2 511 64 64") == "+32 2 511 64 64"


@pytest.mark.parametrize("form", [Format.json, Format.csv])
def test_no_export_carries_a_coarse_point_and_only_curators_get_the_true_one(
    engine: Engine, tmp_path: Path, form: Format
) -> None:
    load(engine, SAMPLE)
    secret = next(r for r in SAMPLE if r["id"] == CONFIDENTIAL)["service_at_locations"][0][
        "location"
    ]
    with engine.connect() as connection:
        ((latitude, longitude),) = stored_coarse_points(connection, [secret["id"]]).values()
    assert latitude is not None and longitude is not None
    coarse = {f"{latitude:.5f}"[:-1], f"{longitude:.5f}"[:-1]}
    for name, options in (("public", {}), ("curator", {"include_confidential": True})):
        records = export(engine, tmp_path / name, format=form, **options)
        text = json.dumps(records) + "".join(
            path.read_text() for path in (tmp_path / name).glob("*") if path.is_file()
        )
        assert not [value for value in coarse if value in text], name
        assert "coarse" not in text
        links = next(r for r in records if r["id"] == CONFIDENTIAL)["service_at_locations"]
        kept = [(link["location"]["latitude"], link["location"]["longitude"]) for link in links]
        expected = [(secret["latitude"], secret["longitude"])] if options else []
        assert kept == expected
