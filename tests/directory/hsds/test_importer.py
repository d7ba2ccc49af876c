"""Importing HSDS files: everything or nothing, and every problem named by record and field."""

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.errors import ImportFailed
from directory.hsds.files import read_records
from directory.hsds.importer import import_records
from directory.hsds.repository import confidential_location_ids, service_records
from directory.taxonomy import GEO_TAXONOMY_ID, KNOWN, term_id
from tests.builders import attribute, new_id, service_record
from tests.conftest import FIXTURES, row_counts

SAMPLE = FIXTURES / "passerelle-sample.json"
HSDS_EXAMPLES = FIXTURES / "hsds" / "examples"


def sample() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(SAMPLE.read_text())
    return loaded


def run_import(engine: Engine, records: list[Any]) -> None:
    with session_scope(engine) as session:
        import_records(session.connection(), records)


def failure(engine: Engine, records: list[Any]) -> list[str]:
    """Import that must fail and write nothing; return its messages."""
    before = row_counts(engine)
    with pytest.raises(ImportFailed) as raised:
        run_import(engine, records)
    assert row_counts(engine) == before, "a failed import must leave the database unchanged"
    return [str(error) for error in raised.value.errors]


def test_sample_imports_and_reimport_updates_without_duplicates(engine: Engine) -> None:
    run_import(engine, sample())
    first = row_counts(engine)
    assert first["service"] == 6
    run_import(engine, sample())
    second = row_counts(engine)
    assert {k: v for k, v in second.items() if k != "metadata"} == {
        k: v for k, v in first.items() if k != "metadata"
    }
    assert second["metadata"] == first["metadata"] + 6, "each import is audited once per service"


def test_reimport_replaces_changed_collections(engine: Engine) -> None:
    record = service_record("Changing", phones=("+32 2 111 11 11", "+32 2 222 22 22"))
    run_import(engine, [record])
    record = copy.deepcopy(record)
    record["phones"] = record["phones"][:1]
    record["name"] = "Changed"
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]])
    assert stored["name"] == "Changed"
    assert [phone["number"] for phone in stored["phones"]] == ["+32 2 111 11 11"]


def test_page_with_contents_is_accepted(tmp_path: Path, engine: Engine) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"total_items": 6, "contents": sample()}))
    run_import(engine, read_records(page))
    assert row_counts(engine)["service"] == 6


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "x",\n "name": }]')
    with pytest.raises(ImportFailed) as raised:
        read_records(bad)
    assert "malformed JSON at line 2" in str(raised.value.errors[0])


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda r: r.pop("name"), "name", "is required"),
        (lambda r: r.update(id="not-a-uuid"), "id", "uuid"),
        (lambda r: r.update(minimum_age=40, maximum_age=18), "minimum_age", "above maximum_age"),
        (
            lambda r: r["service_at_locations"][0]["location"].update(latitude=123),
            "service_at_locations[0].location.latitude",
            "outside -90..90",
        ),
        (
            lambda r: r["attributes"][0]["taxonomy_term"].update(code="need.housign"),
            "attributes[0].taxonomy_term.code",
            "did you mean 'need.housing'",
        ),
        (lambda r: r["languages"][0].update(code="xx"), "languages[0].code", "not an ISO 639"),
        (
            lambda r: r["languages"][0].update(code="ron"),
            "languages[0].code",
            "use the ISO 639-1 code 'ro'",
        ),
        (lambda r: r.update(status="open"), "status", "open"),
        (lambda r: r.update(assured_date="last week"), "assured_date", "expected a date"),
    ],
    ids=[
        "missing-name",
        "bad-uuid",
        "ages-40-18",
        "latitude-123",
        "unknown-code",
        "language",
        "iso639-3",
        "status",
        "date",
    ],
)
def test_bad_record_names_record_and_field(
    engine: Engine, change: Any, field: str, words: str
) -> None:
    good = service_record("Good")
    bad = service_record("Bad")
    change(bad)
    messages = failure(engine, [good, bad])
    assert any(m.startswith("record 1") and f": {field}: " in m and words in m for m in messages), (
        messages
    )


def test_every_problem_is_reported_at_once(engine: Engine) -> None:
    first = service_record("One")
    first.pop("name")
    second = service_record("Two", minimum_age=40, maximum_age=18)
    second["attributes"].append(attribute(second["id"], "offers.teleport"))
    messages = failure(engine, [first, second])
    assert len(messages) == 3
    assert any("record 0" in m and "name" in m for m in messages)
    assert any("record 1" in m and "offers.teleport" in m for m in messages)


def test_a_term_is_recognised_by_its_code_alone(engine: Engine) -> None:
    record = service_record("Foreign ids", codes=())
    foreign = attribute(record["id"], "need.housing")
    foreign["taxonomy_term_id"] = "0a0a0a0a-0000-4000-8000-000000000001"
    foreign["taxonomy_term"].update(
        id="0a0a0a0a-0000-4000-8000-000000000001",
        taxonomy_id="0a0a0a0a-0000-4000-8000-000000000002",
    )
    record["attributes"] = [foreign]
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]])
    assert stored["attributes"][0]["taxonomy_term_id"] == term_id("need.housing")
    assert row_counts(engine)["taxonomy_term"] == len(KNOWN), "no second copy of our own term"


def test_terms_of_other_taxonomies_are_kept(engine: Engine) -> None:
    record = service_record("Other taxonomy", codes=())
    other = attribute(record["id"], "need.housing")
    other["taxonomy_term_id"] = other["taxonomy_term"]["id"] = (
        "0b0b0b0b-0000-4000-8000-000000000001"
    )
    other["taxonomy_term"].update(code="BD-1800", name="Housing (211 LA)", taxonomy_id=None)
    other["taxonomy_term"].pop("taxonomy_id")
    record["attributes"] = [other]
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]])
    assert stored["attributes"][0]["taxonomy_term"]["code"] == "BD-1800"


def test_duplicate_service_ids_are_refused(engine: Engine) -> None:
    record = service_record("Twice")
    messages = failure(engine, [record, copy.deepcopy(record)])
    assert any("record 1" in m and "already used by record 0" in m for m in messages)


def test_dangling_reference_is_refused(engine: Engine) -> None:
    record = service_record("Dangling")
    record["attributes"][0].pop("taxonomy_term")
    record["attributes"][0]["taxonomy_term_id"] = "0c0c0c0c-0000-4000-8000-000000000001"
    messages = failure(engine, [record])
    assert any("attributes[0].taxonomy_term_id" in m and "no taxonomy_term" in m for m in messages)


def test_not_a_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "object.json"
    path.write_text('{"hello": "world"}')
    with pytest.raises(ImportFailed, match="cannot read"):
        read_records(path)


def test_empty_file_is_refused(engine: Engine) -> None:
    assert failure(engine, []) == ["(file): (records): no service records"]


def test_record_that_is_not_an_object(engine: Engine) -> None:
    messages = failure(engine, [service_record("Fine"), "oops"])
    assert any(m.startswith("record 1") and "expected a JSON object" in m for m in messages)


def official_service() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HSDS_EXAMPLES / "service_full.json").read_text())
    return loaded


def test_official_example_with_placeholder_coordinates_is_refused(engine: Engine) -> None:
    messages = failure(engine, [official_service()])
    assert any("latitude" in m and "outside -90..90" in m for m in messages), messages


def patched_official_service() -> dict[str, Any]:
    """The official example with its placeholder coordinates (100, 101) replaced by real ones."""
    text = json.dumps(official_service())
    record: dict[str, Any] = json.loads(
        text.replace('"latitude": 100', '"latitude": 50.85').replace(
            '"longitude": 101', '"longitude": 4.35'
        )
    )
    return record


def test_official_example_imports_once_coordinates_are_real(engine: Engine) -> None:
    record = patched_official_service()
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]], include_confidential=True)
    assert stored["name"] == record["name"]
    assert {p["id"] for p in stored["phones"]} == {p["id"] for p in record["phones"]}
    assert {x["code"] for x in stored["languages"]} == {x["code"] for x in record["languages"]}


def test_official_csv_package_is_refused_for_its_placeholder_coordinates(engine: Engine) -> None:
    messages = failure(engine, read_records(HSDS_EXAMPLES / "csv"))
    assert any("location.latitude" in m and "outside -90..90" in m for m in messages), messages


def test_official_csv_package_broken_foreign_keys_are_named(tmp_path: Path, engine: Engine) -> None:
    folder = tmp_path / "csv"
    shutil.copytree(HSDS_EXAMPLES / "csv", folder)
    locations = folder / "locations.csv"
    locations.write_text(locations.read_text().replace(",100,101,", ",50.85,4.35,"))
    messages = failure(engine, read_records(folder))
    assert any("location.organization_id: no organization with id" in m for m in messages), messages
    assert all(m.startswith("record 0 (id ac148810-d857-441c-9679-408f346de14b)") for m in messages)


def _location_mark(record: dict[str, Any], code: str) -> dict[str, Any]:
    """An attribute with foreign term and taxonomy ids on the record's first location."""
    location: dict[str, Any] = record["service_at_locations"][0]["location"]
    mark = attribute(location["id"], code)
    mark["link_entity"] = "location"
    mark["taxonomy_term_id"] = mark["taxonomy_term"]["id"] = "0d0d0d0d-0000-4000-8000-000000000001"
    mark["taxonomy_term"]["taxonomy_id"] = "0d0d0d0d-0000-4000-8000-000000000002"
    location["attributes"] = [mark]
    return location


def test_location_attributes_are_recognised_by_code_too(engine: Engine) -> None:
    record = service_record("Approximate place")
    location = _location_mark(record, "geo.approximate")
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]])
    (mark,) = stored["service_at_locations"][0]["location"]["attributes"]
    assert mark["link_id"] == location["id"]
    assert mark["taxonomy_term_id"] == KNOWN["geo.approximate"].id
    assert mark["taxonomy_term"]["taxonomy_id"] == GEO_TAXONOMY_ID


def test_a_confidential_location_with_foreign_term_ids_stays_hidden(engine: Engine) -> None:
    record = service_record("Hidden shelter")
    location = _location_mark(record, "privacy.confidential_address")
    run_import(engine, [record])
    with engine.connect() as connection:
        assert confidential_location_ids(connection) == {location["id"]}
        (public,) = service_records(connection, [record["id"]])
    assert public["service_at_locations"] == []


def test_an_unknown_geo_code_is_an_error(engine: Engine) -> None:
    record = service_record("Exact place")
    _location_mark(record, "geo.exact")
    messages = failure(engine, [record])
    assert any(
        "service_at_locations[0].location.attributes[0].taxonomy_term.code" in m
        and "unknown passerelle code 'geo.exact'" in m
        for m in messages
    ), messages


def test_a_location_two_services_share_carries_its_children_in_both_records(
    engine: Engine,
) -> None:
    """As an export writes it: the location, its address included, in each service's record."""
    first = service_record("Shared A")
    link = copy.deepcopy(first["service_at_locations"][0])
    second = service_record("Shared B", at=None, organization=first["organization"])
    second["service_at_locations"] = [{**link, "id": new_id(), "service_id": second["id"]}]
    run_import(engine, [first, second])
    with engine.connect() as connection:
        stored = service_records(connection, [first["id"], second["id"]])
    address = first["service_at_locations"][0]["location"]["addresses"][0]
    for record in stored:
        (kept,) = record["service_at_locations"][0]["location"]["addresses"]
        assert (kept["id"], kept["address_1"]) == (address["id"], address["address_1"])
    second["service_at_locations"][0]["location"]["addresses"][0]["city"] = "Liège"
    messages = failure(engine, [first, second])
    assert any("addresses[0].id" in m and "already used by record 0" in m for m in messages)


# --- files that cannot be read: a message naming the file, record or field, never a traceback ---


def read_failure(path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as raised:
        read_records(path)
    return [str(error) for error in raised.value.errors]


def official_package(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    shutil.copytree(HSDS_EXAMPLES / "csv", folder)
    return folder


def test_json_nested_100000_deep_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('[{"x":' * 100_000 + "1" + "}]" * 100_000)
    (message,) = read_failure(path)
    assert str(path) in message and "nested too deeply" in message


def test_csv_with_invalid_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    folder = official_package(tmp_path)
    phones = folder / "phones.csv"
    header, row = phones.read_bytes().splitlines(keepends=True)
    phones.write_bytes(header + row + row.replace(b",", b",\xff\xfe", 1))
    (message,) = read_failure(folder)
    assert message.startswith("phones.csv line 3: ") and "not UTF-8" in message, message


def descriptor_with(folder: Path, resources: Any) -> Path:
    descriptor = folder / "datapackage.json"
    content = json.loads(descriptor.read_text())
    content["resources"] = resources
    descriptor.write_text(json.dumps(content))
    return descriptor


def test_resources_that_are_not_objects_are_named(tmp_path: Path) -> None:
    folder = official_package(tmp_path)
    descriptor = descriptor_with(folder, ["x", 1])
    messages = read_failure(folder)
    assert len(messages) == 2
    assert messages[0].startswith(f"{descriptor}: resources[0]: expected an object"), messages
    assert messages[1].startswith(f"{descriptor}: resources[1]: expected an object"), messages


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({"name": "service"}, "resources[0].path"),
        ({"path": "services.csv"}, "resources[0].name"),
        ({"name": "service", "path": 3}, "resources[0].path"),
    ],
    ids=["no-path", "no-name", "path-not-text"],
)
def test_resource_without_name_or_path_is_named(
    tmp_path: Path, resource: dict[str, Any], field: str
) -> None:
    folder = official_package(tmp_path)
    descriptor = descriptor_with(folder, [resource])
    (message,) = read_failure(folder)
    assert message.startswith(f"{descriptor}: {field}: missing, or not a text"), message


@pytest.mark.parametrize("outside", ["../../etc/passwd", "/etc/passwd", "sub/../../x.csv"])
def test_resource_paths_outside_the_package_are_refused(tmp_path: Path, outside: str) -> None:
    folder = official_package(tmp_path)
    resources = json.loads((folder / "datapackage.json").read_text())["resources"]
    resources[3]["path"] = outside
    descriptor = descriptor_with(folder, resources)
    (message,) = read_failure(folder)
    name = resources[3]["name"]
    assert message == (
        f"{descriptor}: resources[3].path: {outside!r} is outside the package folder"
        f" (resource {name!r})"
    )


def test_descriptor_without_a_list_of_resources(tmp_path: Path) -> None:
    folder = official_package(tmp_path)
    descriptor = descriptor_with(folder, {"name": "service"})
    (message,) = read_failure(folder)
    assert message == f"{descriptor}: resources: expected a list of resources"
    (folder / "datapackage.json").write_text("[1, 2]")
    (message,) = read_failure(folder)
    assert message.endswith("resources: expected a list of resources")


def test_a_cell_too_large_for_csv_names_the_file_and_line(tmp_path: Path) -> None:
    folder = official_package(tmp_path)
    services = folder / "services.csv"
    header, *rest = services.read_text().splitlines(keepends=True)
    services.write_text(header + '"' + "x" * 200_000 + '"' + rest[0][rest[0].index(",") :])
    (message,) = read_failure(folder)
    assert message.startswith("services.csv line 2: (text): not readable as CSV"), message
