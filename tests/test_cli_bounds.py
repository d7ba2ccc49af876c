"""`passerelle import` applies the same bounds as the partner API (F4, F5, F10 of the December
security review): each bad record is named with its field, no traceback, nothing written."""

import json
from pathlib import Path

from directory.database import make_engine
from directory.limits import BEDS_PROBLEM, NUL_PROBLEM, WEB_PROBLEM
from tests.builders import attribute, service_record
from tests.conftest import row_counts
from tests.test_cli import passerelle


def test_import_names_the_record_and_field_of_each_bad_value(
    database_url: str, tmp_path: Path
) -> None:
    good = service_record("Fine")
    huge = service_record("Huge beds")
    huge["attributes"] = [attribute(huge["id"], "capacity.beds_available", value="9" * 400)]
    superscript = service_record("Superscript beds")
    superscript["attributes"] = [attribute(superscript["id"], "capacity.beds_available", "²")]
    script = service_record("Script link", url="javascript:alert(document.domain)")
    nul = service_record("NUL record")
    nul["name"] = "NUL\u0000inside"
    records = [good, huge, superscript, script, nul]
    (tmp_path / "bad.json").write_text(json.dumps(records))
    engine = make_engine(database_url)
    before = row_counts(engine)
    done = passerelle(database_url, "import", str(tmp_path / "bad.json"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "INSERT" not in done.stderr
    lines = done.stderr.splitlines()
    for index, record, field, message in (
        (1, huge, "attributes[0].value", BEDS_PROBLEM),
        (2, superscript, "attributes[0].value", BEDS_PROBLEM),
        (3, script, "url", WEB_PROBLEM),
        (4, nul, "name", NUL_PROBLEM),
    ):
        where = f"record {index} (id {record['id']}): {field}: "
        assert any(line.strip().startswith(where) and message in line for line in lines), (
            where,
            done.stderr,
        )
    assert not any("record 0 " in line for line in lines)
    assert row_counts(engine) == before
    engine.dispose()
