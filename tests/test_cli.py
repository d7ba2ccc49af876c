"""The `passerelle` command, run as a user runs it: a real process, configured by environment."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.accounts import check_password
from tests.builders import new_id, service_record
from tests.conftest import FIXTURES, import_file, row_counts
from tests.partner_fixtures import all_row_counts

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
    import_file(database_url, SAMPLE)
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


# --- tokens, users and stale services ------------------------------------------------------------


def passerelle_with_input(
    database_url: str, stdin: str, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PASSERELLE_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "api.cli", *args]
    return subprocess.run(
        command, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def test_token_create_and_revoke(database_url: str, engine: Engine, client: TestClient) -> None:
    record = service_record("Token test")
    passerelle(database_url, "import", str(bad_file_path(record)))
    created = passerelle(database_url, "token", "create", "--org", record["organization_id"])
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/v1/partner/services/{record['id']}", headers=headers).status_code == 200
    token_id = token.split("_")[1]
    revoked = passerelle(database_url, "token", "revoke", token_id)
    assert revoked.returncode == 0, revoked.stderr
    assert client.get(f"/v1/partner/services/{record['id']}", headers=headers).status_code == 401
    curator = passerelle(database_url, "token", "create", "--curator")
    assert curator.returncode == 0 and curator.stdout.strip().splitlines()[-1].startswith("psr_")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("token", "create", "--org", "no-such-org"), "no organization with id no-such-org"),
        (("token", "create"), "exactly one of --org"),
        (("token", "create", "--org", "x", "--curator"), "exactly one of --org"),
        (("token", "revoke", "nope"), "no active token with id nope"),
    ],
)
def test_token_errors(
    database_url: str, engine: Engine, args: tuple[str, ...], expected: str
) -> None:
    before = all_row_counts(engine)
    done = passerelle(database_url, *args)
    assert done.returncode == 1 and expected in done.stderr
    assert "Traceback" not in done.stderr
    assert all_row_counts(engine) == before


def test_user_create_and_reset_never_echo_the_password(database_url: str, engine: Engine) -> None:
    secret = "a long enough secret 123"
    done = passerelle_with_input(
        database_url,
        secret + "\n",
        "user",
        "create",
        "--curator",
        "--email",
        "Cur@Example.org",
        "--password-stdin",
    )
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    with engine.connect() as connection:
        assert check_password(connection, email="cur@example.org", password=secret)
    short = passerelle_with_input(
        database_url, "short\n", "user", "reset", "--email", "cur@example.org", "--password-stdin"
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    newer = "another long secret 456"
    reset = passerelle_with_input(
        database_url,
        newer + "\n",
        "user",
        "reset",
        "--email",
        "cur@example.org",
        "--password-stdin",
    )
    assert reset.returncode == 0 and newer not in reset.stdout + reset.stderr
    with engine.connect() as connection:
        assert check_password(connection, email="cur@example.org", password=newer)
        assert not check_password(connection, email="cur@example.org", password=secret)
    unknown = passerelle_with_input(
        database_url,
        newer + "\n",
        "user",
        "create",
        "--org",
        "nope",
        "--email",
        "p@x.org",
        "--password-stdin",
    )
    assert unknown.returncode == 1 and "no organization with id nope" in unknown.stderr


def test_stale_lists_oldest_first_with_contacts(database_url: str, tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    organization = {
        "id": new_id(),
        "name": "Stale org",
        "description": "Fictional.",
        "email": "contact@stale.example",
    }
    records = [
        service_record("Fresh", organization=organization, assured_date=today.isoformat()),
        service_record("Old", organization=organization, assured_date="2023-06-01"),
        service_record("Older", organization=organization, assured_date="2020-01-15"),
        service_record("Never", organization=organization, phones=("+32 2 000 00 01",)),
    ]
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(records))
    assert passerelle(database_url, "import", str(path)).returncode == 0
    done = passerelle(database_url, "stale", "--months", "12")
    assert done.returncode == 0, done.stderr
    listed = [line for line in done.stdout.splitlines() if line[:1].isalnum() and "  " in line]
    names = [line.split("  ")[1] for line in listed]
    assert names == ["Never", "Older", "Old"]
    assert "contact@stale.example" in done.stdout and "+32 2 000 00 01" in done.stdout
    assert "3 service(s) to check." in done.stdout


def bad_file_path(record: dict[str, Any]) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "one.json"
    path.write_text(json.dumps([record]))
    return path
