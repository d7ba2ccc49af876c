"""A write that changes rows other services' records hold too (a shared program) records a change
for each of those services, so that what workers keep of them is read again."""

from sqlalchemy.engine import Engine

from directory.changes import publish, working
from directory.hsds.importer import import_records
from directory.state import changes_since, current_version
from tests.builders import new_id, service_record
from tests.partner_fixtures import organization


def test_editing_a_shared_program_changes_every_service_in_it(engine: Engine) -> None:
    org = organization("Gamma network")
    program = {"id": new_id(), "organization_id": org["id"], "name": "Outreach", "description": "A"}
    first = service_record("Gamma one", organization=org, program_id=program["id"], program=program)
    second = service_record(
        "Gamma two", organization=org, program_id=program["id"], program=program
    )
    alone = service_record("Gamma alone", organization=org)
    with engine.begin() as connection:
        import_records(connection, [first, second, alone])
        before = current_version(connection)
        old = working.published_record(connection, first["id"])
        assert old is not None
        new = {**old, "program": {**old["program"], "description": "B"}}
        publish.write_record(connection, old=old, new=new, organization_id=org["id"], who="curator")
        changed = {change.service_id for change in changes_since(connection, before)}
        sibling = working.published_record(connection, second["id"])
        assert sibling is not None and sibling["program"]["description"] == "B"
    assert changed == {first["id"], second["id"]}
