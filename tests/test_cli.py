"""The `passerelle` command, run as a user runs it: a real process, configured by environment."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.builders import service_record
from tests.conftest import FIXTURES, row_counts

SAMPLE = FIXTURES / "passerelle-sample.json"


def passerelle(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PASSERELLE_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "api.cli", *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_import_then_export_json_and_csv(database_url: str, tmp_path: Path) -> None:
    done = passerelle(database_url, "import", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    assert "Imported 6 services (6 new, 0 updated)" in done.stdout
    again = passerelle(database_url, "import", str(SAMPLE))
    assert "(0 new, 6 updated)" in again.stdout
    exported = passerelle(database_url, "export", str(tmp_path / "out.json"))
    assert exported.returncode == 0 and len(json.loads((tmp_path / "out.json").read_text())) == 6
    as_csv = passerelle(database_url, "export", str(tmp_path / "csv"), "--format", "csv")
    assert as_csv.returncode == 0 and (tmp_path / "csv" / "datapackage.json").exists()
    back = passerelle(database_url, "import", str(tmp_path / "csv"))
    assert back.returncode == 0, back.stderr


def bad_file(tmp_path: Path, records: Any) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(records if isinstance(records, str) else json.dumps(records))
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[{", "malformed JSON at line 1"),
        ([service_record("ok"), {**service_record("nameless"), "name": None}], "record 1"),
        ([{**service_record("lat"), "minimum_age": 40, "maximum_age": 18}], "record 0"),
    ],
    ids=["malformed", "null-name", "ages"],
)
def test_bad_file_exits_non_zero_and_writes_nothing(
    database_url: str, engine: Engine, tmp_path: Path, content: Any, expected: str
) -> None:
    passerelle(database_url, "import", str(SAMPLE))
    before = row_counts(engine)
    done = passerelle(database_url, "import", str(bad_file(tmp_path, content)))
    assert done.returncode == 1
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert row_counts(engine) == before


def test_missing_file(database_url: str, tmp_path: Path) -> None:
    done = passerelle(database_url, "import", str(tmp_path / "nowhere.json"))
    assert done.returncode == 1 and "no such file" in done.stderr


def test_empty_database_just_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    done = passerelle(url, "export", str(tmp_path / "empty.json"))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "empty.json").read_text()) == []
