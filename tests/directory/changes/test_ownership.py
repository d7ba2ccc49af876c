"""What a partner may send: checks of merge patches and records, ownership of rows (no HTTP)."""

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.changes import ownership, working
from directory.errors import FieldsRefused, NotAnObject, RecordInvalid
from tests.partner_fixtures import World

CURRENT = {"id": "s1", "organization_id": "o1", "name": "A"}


@pytest.mark.parametrize(
    ("patch", "field", "problem"),
    [
        ({"id": "other"}, "id", "id cannot be changed by a partner"),
        ({"organization_id": "o2"}, "organization_id", "organization_id cannot be changed"),
        ({"organization": {"id": "o2"}}, "organization", "organization cannot be changed"),
        ({"metadata": []}, "metadata", "the audit trail cannot be edited"),
        ({"phones": [{"id": "p", "metadata": []}]}, "phones[0].metadata", "the audit trail"),
        ({"colour": "red"}, "colour", "not a field of an HSDS service record"),
        ({"name": "x" * 5000}, "name", "characters"),
    ],
)
def test_a_patch_touching_what_a_partner_cannot_change_is_refused_by_field(
    patch: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(FieldsRefused) as raised:
        ownership.check_patch(patch, CURRENT)
    assert raised.value.status_code == 422 and raised.value.code == "fields_refused"
    assert [e.field for e in raised.value.errors] == [field]
    assert problem in raised.value.errors[0].message


def test_a_patch_may_repeat_the_identity_unchanged_and_keep_its_write_time() -> None:
    ownership.check_patch({"id": "s1", "organization_id": "o1", "last_modified": "x"}, CURRENT)


@pytest.mark.parametrize("patch", [[], "name", 3, None])
def test_a_patch_that_is_no_object_is_refused(patch: Any) -> None:
    with pytest.raises(NotAnObject):
        ownership.check_patch(patch, CURRENT)


def test_taking_over_another_services_phone_is_refused_naming_its_path(
    engine: Engine, world: World
) -> None:
    with engine.begin() as connection:
        mine = working.working(connection, service_id=world.service_a, organization_id=None)
        theirs = working.working(connection, service_id=world.service_b, organization_id=None)
        stolen = {**theirs.published["phones"][0], "service_id": world.service_a}
        proposed = {**mine.published, "phones": [stolen]}
        with pytest.raises(RecordInvalid) as raised:
            ownership.validate(
                connection, proposed, before=mine.published, organization_id=world.org_a
            )
    assert raised.value.status_code == 422 and raised.value.code == "record_invalid"
    assert raised.value.message == "1 problem(s): nothing was changed"
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("phones[0].id", f"{stolen['id']} is already used by another record")
    ]


def test_an_unchanged_record_validates_and_gives_its_rows(engine: Engine, world: World) -> None:
    with engine.begin() as connection:
        mine = working.working(connection, service_id=world.service_a, organization_id=None)
        flat = ownership.validate(
            connection, mine.published, before=mine.published, organization_id=world.org_a
        )
    assert set(flat.rows["service"]) == {world.service_a}
