"""Large files are read record by record: the same records as `json.load`, the same line and
column for a problem, never the whole file at once; and an import stays all or nothing."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from directory.database import session_scope
from directory.errors import ImportFailed
from directory.hsds import streaming
from directory.hsds.files import iter_records
from directory.hsds.importer import import_records
from tests.builders import service_record
from tests.conftest import row_counts

ITEMS: list[Any] = [
    {"id": "a", "name": "Ä \\" + "x" * 40, "n": [1, 2.5, -3e-2, None, True]},
    12345678,
    'text, with [brackets] and "quotes"',
    {"nested": {"deep": [{"k": "v"}] * 3}},
    [],
    0.125,
]


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few characters at a time: every value is cut by the window's end somewhere."""
    monkeypatch.setattr(streaming, "WINDOW", 5)


@pytest.mark.parametrize("indent", [None, 1])
def test_an_array_is_read_item_by_item_as_json_load_reads_it(indent: int | None) -> None:
    text = json.dumps(ITEMS, indent=indent, ensure_ascii=False)
    assert list(streaming.json_array_items(io.StringIO(text))) == json.loads(text)
    assert list(streaming.json_array_items(io.StringIO(" [ ] \n"))) == []


def test_the_file_is_not_read_whole() -> None:
    file = io.StringIO(json.dumps([{"id": str(n), "name": "x" * 50} for n in range(200)]))
    items = streaming.json_array_items(file)
    assert next(items) == {"id": "0", "name": "x" * 50}
    assert file.tell() < 200


@pytest.mark.parametrize(
    "text",
    [
        '[{"id": "x",\n "name": }]',
        '[\n  {"id": 1}\n  {"id": 2}\n]',
        '[{"id": 1},\n\n   {"id": 2]',
        "[1, 2]\n  extra",
        "[\n" + '{"a": "' + "y" * 30 + '"},\n' * 3 + '{"a": tru}]',
        "[{",
    ],
)
def test_a_problem_has_the_line_and_column_json_load_gives(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(streaming.Malformed) as raised:
        list(streaming.json_array_items(io.StringIO(text)))
    assert (raised.value.line, raised.value.column) == (
        expected.value.lineno,
        expected.value.colno,
    )


def test_ndjson_one_record_a_line(tmp_path: Path) -> None:
    path = tmp_path / "services.ndjson"
    path.write_text("\n".join(json.dumps(item) for item in ITEMS) + "\n\n")
    assert list(iter_records(path)) == ITEMS
    path.write_text('{"id": 1}\n{"id": \n')
    with pytest.raises(ImportFailed) as raised:
        list(iter_records(path))
    assert "malformed JSON at line 2, column 8" in str(raised.value.errors[0])


def test_a_bad_record_in_the_middle_of_a_streamed_file_leaves_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    records = [service_record(f"Service {n}") for n in range(30)]
    records[15] = {**records[15], "minimum_age": 40, "maximum_age": 18}
    path = tmp_path / "services.json"
    path.write_text(json.dumps(records))
    before = row_counts(engine)
    with pytest.raises(ImportFailed) as raised:
        with session_scope(engine) as session:
            import_records(session.connection(), iter_records(path))
    assert [error.where.split(" (")[0] for error in raised.value.errors] == ["record 15"]
    assert row_counts(engine) == before
    records[15] = service_record("Service 15")
    path.write_text(json.dumps(records))
    with session_scope(engine) as session:
        assert import_records(session.connection(), iter_records(path)).created == 30
