"""A write that changes rows other services' records hold too (a shared program, the taxonomy's
terms) records a change for each of those services (everything, for the terms), so that what
workers keep of them is read again."""

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from directory.changes import at_once, publish, working
from directory.hsds.importer import import_records
from directory.hsds.tree import TABLES
from directory.state import changes_since, current_version
from directory.taxonomy import NEED_HOUSING, term_id
from tests.builders import new_id, service_record
from tests.partner_fixtures import World, organization


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


def test_writing_terms_the_code_now_defines_otherwise_changes_everything(
    engine: Engine, world: World
) -> None:
    term = TABLES["taxonomy_term"]
    with engine.begin() as connection:
        connection.execute(
            update(term).where(term.c.id == term_id(NEED_HOUSING)).values(name="Old name")
        )
        before = current_version(connection)
        at_once.publish_at_once(
            connection,
            organization_id=world.org_a,
            service_id=world.service_a,
            edit=at_once.with_beds(1),
        )
        changed = {change.service_id for change in changes_since(connection, before)}
        name = connection.execute(select(term.c.name).where(term.c.id == term_id(NEED_HOUSING)))
        assert name.scalar_one() != "Old name"
    assert None in changed
