"""A location's accessibility: stored as HSDS `accessibility` entries with `access.` codes
answered yes or no; import refuses anything else, naming the record and field."""

import copy
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from directory.hsds.accessibility import answers, with_answers
from directory.hsds.exporter import Format
from directory.hsds.repository import service_records
from directory.hsds.validation import record_issues
from tests.builders import accessible, attribute, service_record
from tests.directory.hsds.test_exporter import export
from tests.directory.hsds.test_importer import failure, run_import

ENTRY = "service_at_locations[0].location.accessibility[0]"


def test_answers_are_stored_and_read_back_as_hsds_accessibility(engine: Engine) -> None:
    record = accessible(service_record("Ramp"), step_free=True, quiet_room=False)
    run_import(engine, [record])
    with engine.connect() as connection:
        (stored,) = service_records(connection, [record["id"]])
    location = stored["service_at_locations"][0]["location"]
    assert answers(location) == {"step_free": True, "quiet_room": False}
    descriptions = sorted(item["description"] for item in location["accessibility"])
    assert descriptions == ["Quiet room: no", "Step-free access: yes"]
    (mark,) = location["accessibility"][0]["attributes"]
    assert mark["link_entity"] == "accessibility"
    assert mark["link_id"] == location["accessibility"][0]["id"]
    assert record_issues(stored) == []


def test_an_answer_other_than_yes_or_no_names_the_field(engine: Engine) -> None:
    record = accessible(service_record("Maybe"), step_free=True)
    entry = record["service_at_locations"][0]["location"]["accessibility"][0]
    entry["attributes"][0]["value"] = "sometimes"
    messages = failure(engine, [record])
    assert any(
        "record 0" in m
        and f"{ENTRY}.attributes[0].value" in m
        and "access.step_free must be 'yes' or 'no'" in m
        for m in messages
    ), messages


def test_an_answer_left_out_is_refused_too(engine: Engine) -> None:
    record = accessible(service_record("Empty"), sign_language=True)
    entry = record["service_at_locations"][0]["location"]["accessibility"][0]
    del entry["attributes"][0]["value"]
    messages = failure(engine, [record])
    assert any(f"{ENTRY}.attributes[0].value" in m for m in messages), messages


def test_an_unknown_access_code_names_the_field(engine: Engine) -> None:
    record = accessible(service_record("Lift"), step_free=True)
    entry = record["service_at_locations"][0]["location"]["accessibility"][0]
    entry["attributes"][0]["taxonomy_term"]["code"] = "access.lift"
    messages = failure(engine, [record])
    assert any(
        f"{ENTRY}.attributes[0].taxonomy_term.code" in m and "'access.lift'" in m for m in messages
    ), messages


def test_an_access_code_on_the_service_itself_is_refused(engine: Engine) -> None:
    record = service_record("Misplaced")
    record["attributes"].append(attribute(record["id"], "access.step_free", "yes"))
    messages = failure(engine, [record])
    assert any(
        "attributes[1].taxonomy_term.code" in m and "location's accessibility" in m
        for m in messages
    ), messages


def test_the_same_code_twice_at_one_location_is_refused(engine: Engine) -> None:
    record = accessible(service_record("Twice"), step_free=True)
    location = record["service_at_locations"][0]["location"]
    twin = copy.deepcopy(location["accessibility"][0])
    twin["id"] = "9c1e4c52-3c7e-4a8e-9d61-1d6d0a1c3f11"
    twin["attributes"][0]["id"] = "4b0c8a5e-2f55-4a61-8a8e-08e1f1b0d5a2"
    twin["attributes"][0]["value"] = "no"
    location["accessibility"].append(twin)
    messages = failure(engine, [record])
    assert any("accessibility[1]" in m and "stated twice" in m for m in messages), messages


def test_other_publishers_entries_are_kept_and_state_nothing() -> None:
    location = {
        "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "accessibility": [{"id": "afcf296e-1cb2-4139-9c88-33d587d1a50b", "description": "Lift"}],
    }
    changed = with_answers(location, {"quiet_room": True})
    assert changed["accessibility"][0] == location["accessibility"][0]
    assert answers(changed) == {"quiet_room": True}
    assert answers(with_answers(changed, {})) == {}
    assert len(with_answers(changed, {})["accessibility"]) == 1


@pytest.mark.parametrize("form", [Format.json, Format.csv])
def test_answers_survive_an_export_and_a_new_import(
    engine: Engine, tmp_path: Path, form: Format
) -> None:
    record = accessible(service_record("Ramp"), step_free=True, public_transport=False)
    run_import(engine, [record])
    exported = export(engine, tmp_path / "out", format=form)
    (again,) = [item for item in exported if item["id"] == record["id"]]
    location = again["service_at_locations"][0]["location"]
    assert answers(location) == {"step_free": True, "public_transport": False}
    run_import(engine, exported)
