"""An import writes its rows batch by batch (`importer.BATCH` records at a time, 3 here): it
still writes all of the file or nothing, and stores what one batch of the whole file stores."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.errors import ImportFailed
from directory.hsds import importer
from directory.hsds.files import iter_records
from directory.hsds.importer import import_records
from directory.hsds.repository import service_records
from directory.hsds.tree import TABLES
from tests.builders import new_id, service_record
from tests.conftest import row_counts


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)


def _import(engine: Engine, records: list[Any], tmp_path: Path) -> importer.ImportSummary:
    path = tmp_path / "services.json"
    path.write_text(json.dumps(records))
    with session_scope(engine) as session:
        return import_records(session.connection(), iter_records(path))


def _failure(engine: Engine, records: list[Any], tmp_path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as raised:
        _import(engine, records, tmp_path)
    return raised.value


def test_a_bad_record_after_written_batches_leaves_nothing(engine: Engine, tmp_path: Path) -> None:
    records = [service_record(f"Service {n}") for n in range(12)]
    records[10] = {**records[10], "minimum_age": 40, "maximum_age": 18}
    before = row_counts(engine)
    failure = _failure(engine, records, tmp_path)
    assert [error.where.split(" (")[0] for error in failure.errors] == ["record 10"]
    assert row_counts(engine) == before


def test_a_file_cut_after_written_batches_leaves_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service_record(f"Service {n}") for n in range(12)])[:-300])
    before = row_counts(engine)
    with pytest.raises(ImportFailed):
        with session_scope(engine) as session:
            import_records(session.connection(), iter_records(path))
    assert row_counts(engine) == before


def test_an_id_used_in_two_batches_is_refused(engine: Engine, tmp_path: Path) -> None:
    records = [service_record(f"Service {n}") for n in range(12)]
    reused = records[1]["phones"][0]["id"]
    records[10]["phones"][0]["id"] = reused
    before = row_counts(engine)
    failure = _failure(engine, records, tmp_path)
    assert [(e.where, e.field, e.message) for e in failure.errors] == [
        (
            f"record 10 (id {records[10]['id']})",
            "phones[0].id",
            f"{reused} is already used by record 1 (id {records[1]['id']})",
        )
    ]
    assert row_counts(engine) == before


def test_a_reference_to_a_row_of_a_later_batch_waits_for_it(engine: Engine, tmp_path: Path) -> None:
    records = [service_record(f"Service {n}") for n in range(12)]
    place = records[10]["service_at_locations"][0]["location"]
    link = records[1]["service_at_locations"][0]
    link["location_id"] = place["id"]
    del link["location"]
    assert _import(engine, records, tmp_path).created == 12
    with session_scope(engine) as session:
        (stored,) = service_records(session.connection(), [records[1]["id"]])
    assert stored["service_at_locations"][0]["location"]["id"] == place["id"]


def test_a_reference_to_no_row_is_refused_after_written_batches(
    engine: Engine, tmp_path: Path
) -> None:
    records = [service_record(f"Service {n}") for n in range(12)]
    missing = new_id()
    link = records[1]["service_at_locations"][0]
    link["location_id"] = missing
    del link["location"]
    before = row_counts(engine)
    failure = _failure(engine, records, tmp_path)
    assert [(e.where, e.field, e.message) for e in failure.errors] == [
        (
            f"record 1 (id {records[1]['id']})",
            "service_at_locations[0].location_id",
            f"no location with id {missing}",
        )
    ]
    assert row_counts(engine) == before


def _row(engine: Engine, table: str, row_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        found = connection.execute(select(TABLES[table]).where(TABLES[table].c.id == row_id))
        row = found.mappings().first()
    return dict(row) if row else None


def test_a_location_two_batches_carry_is_stored_as_one_batch_stores_it(
    engine: Engine, tmp_path: Path
) -> None:
    """The later record's columns win, those it leaves out stay; both records' addresses stay."""
    records = [service_record(f"Service {n}") for n in range(12)]
    first = records[1]["service_at_locations"][0]
    first["location"]["description"] = "Told by record 1"
    later = copy.deepcopy(first["location"])
    del later["description"]
    later["name"] = "Named by record 10"
    later["addresses"] = [{**later["addresses"][0], "id": new_id(), "address_1": "Other street"}]
    records[10]["service_at_locations"][0].update(location_id=later["id"], location=later)
    _import(engine, records, tmp_path)
    stored = _row(engine, "location", later["id"])
    assert stored is not None
    assert (stored["name"], stored["description"]) == ("Named by record 10", "Told by record 1")
    for address in (first["location"]["addresses"][0], later["addresses"][0]):
        assert _row(engine, "address", address["id"]) is not None


def test_a_second_import_replaces_collections_across_batches(
    engine: Engine, tmp_path: Path
) -> None:
    records = [service_record(f"Service {n}") for n in range(9)]
    shared = records[0]["service_at_locations"][0]["location"]
    records[7]["service_at_locations"][0].update(
        location_id=shared["id"], location=copy.deepcopy(shared)
    )
    _import(engine, records, tmp_path)
    again = copy.deepcopy(records)
    dropped_phone = again[0]["phones"][0]["id"]
    again[0]["phones"] = [{**again[0]["phones"][0], "id": new_id()}]
    dropped_languages = [item["id"] for item in again[4]["languages"]]
    again[4]["languages"] = []
    assert _import(engine, again, tmp_path).updated == 9
    assert _row(engine, "phone", dropped_phone) is None
    assert _row(engine, "phone", again[0]["phones"][0]["id"]) is not None
    assert all(_row(engine, "language", item) is None for item in dropped_languages)
    assert _row(engine, "phone", records[5]["phones"][0]["id"]) is not None  # listed again
    assert _row(engine, "address", shared["addresses"][0]["id"]) is not None
