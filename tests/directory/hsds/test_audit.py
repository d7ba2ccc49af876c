"""The one builder of HSDS `metadata` rows, for imports, edits and suspensions."""

from datetime import UTC, datetime

from directory.hsds.audit import field_rows, import_rows, suspension_row

NOW = datetime(2026, 12, 3, tzinfo=UTC)
KEYS = {
    "id",
    "resource_id",
    "resource_type",
    "last_action_date",
    "last_action_type",
    "field_name",
    "previous_value",
    "replacement_value",
    "updated_by",
}


def _short(row: dict[str, object]) -> tuple[object, ...]:
    assert set(row) == KEYS and row["last_action_date"] == NOW
    return (
        row["resource_type"],
        row["resource_id"],
        row["last_action_type"],
        row["field_name"],
        row["previous_value"],
        row["replacement_value"],
        row["updated_by"],
    )


def test_an_import_gives_one_row_per_service() -> None:
    rows = import_rows(["a", "b"], {"b"}, who="import", now=NOW)
    assert [_short(row) for row in rows] == [
        ("service", "a", "create", "*", "none", "imported record", "import"),
        ("service", "b", "update", "*", "earlier version", "imported record", "import"),
    ]
    assert len({row["id"] for row in rows}) == 2


def test_an_edit_gives_one_row_per_field_on_the_object_holding_it() -> None:
    old = {"id": "s", "name": "A", "phones": [{"id": "p", "number": "1"}]}
    new = {"id": "s", "name": "B", "phones": [{"id": "p", "number": "2"}], "email": "x@y.z"}
    rows = sorted(_short(row) for row in field_rows("s", old, new, who="partner", now=NOW))
    assert rows == [
        ("phone", "p", "update", "number", "1", "2", "partner"),
        ("service", "s", "create", "email", "", "x@y.z", "partner"),
        ("service", "s", "update", "name", "A", "B", "partner"),
    ]


def test_a_suspension_and_its_end_are_one_row_each() -> None:
    start = suspension_row("s", old="", new="why", now=NOW)
    end = suspension_row("s", old="why", new="", now=NOW)
    assert _short(start) == ("service", "s", "suspend", "suspended", "", "why", "curator")
    assert _short(end) == ("service", "s", "unsuspend", "suspended", "why", "", "curator")
