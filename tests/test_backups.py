"""The README's backup and restore procedures, done for real: a JSON export imported into a
fresh database gives the same directory back, and a `pg_dump`/`pg_restore` round trip gives the
same database back (every row)."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from directory.database import make_engine
from tests.conftest import IN_CI, import_file, row_counts
from tests.test_cli import SAMPLE, passerelle

VOLATILE = {"last_modified", "metadata"}
"""Set by the import itself: a restore by import is a new import, audited as such."""


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(item) for item in value]
    return value


def exported(database_url: str, path: Path) -> list[dict[str, Any]]:
    done = passerelle(database_url, "export", str(path), "--include-confidential")
    assert done.returncode == 0, done.stderr
    records: list[dict[str, Any]] = json.loads(path.read_text())
    return sorted(records, key=lambda record: record["id"])


def test_json_export_restores_into_a_fresh_database(
    database_url: str, fresh_database: str, tmp_path: Path
) -> None:
    import_file(database_url, SAMPLE)
    original = exported(database_url, tmp_path / "backup.json")
    assert any("confidential" in json.dumps(record) for record in original)
    restored = passerelle(fresh_database, "import", str(tmp_path / "backup.json"))
    assert restored.returncode == 0, restored.stderr
    again = exported(fresh_database, tmp_path / "again.json")
    assert _without_volatile(again) == _without_volatile(original)
    for before, after in zip(original, again, strict=True):
        # the audit trail comes back whole; the restore adds its own row
        kept = {row["id"]: row for row in after["metadata"]}
        assert [kept.get(row["id"]) for row in before["metadata"]] == before["metadata"]
        assert len(after["metadata"]) == len(before["metadata"]) + 1


def _pg_tools() -> tuple[str, str]:
    dump, restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if dump is None or restore is None:
        if IN_CI:
            pytest.fail("pg_dump and pg_restore are required in CI")
        pytest.skip("pg_dump/pg_restore not installed")
    return dump, restore


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_pg_dump_and_pg_restore_round_trip(
    database_url: str, fresh_database: str, backend: str, tmp_path: Path
) -> None:
    if backend != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    dump, restore = _pg_tools()
    import_file(database_url, SAMPLE)
    archive = tmp_path / "passerelle.dump"
    subprocess.run(
        [dump, "--format=custom", "--no-owner", f"--file={archive}", _libpq(database_url)],
        check=True,
        timeout=120,
    )
    subprocess.run(
        [restore, "--no-owner", "--exit-on-error", f"--dbname={_libpq(fresh_database)}", archive],
        check=True,
        timeout=120,
    )
    source, target = make_engine(database_url), make_engine(fresh_database)
    assert row_counts(target) == row_counts(source)
    source.dispose()
    target.dispose()
    assert exported(fresh_database, tmp_path / "b.json") == exported(
        database_url, tmp_path / "a.json"
    )
    assert passerelle(fresh_database, "migrate").returncode == 0  # still at head, usable
