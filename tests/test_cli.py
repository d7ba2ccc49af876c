"""The `passerelle` command, run as a user runs it: a real process, configured by environment."""

import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from directory.accounts.service import check_password
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


def test_coverage_reports_the_gaps_as_a_grid_csv_and_json(
    database_url: str, tmp_path: Path
) -> None:
    records = [
        service_record("Liège shelter", codes=("need.emergency_shelter",), at=(50.6337, 5.5675)),
        service_record("Walloon line", codes=("need.crisis_line",), at=None, areas=["Wallonie"]),
    ]
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(records))
    assert passerelle(database_url, "import", str(path)).returncode == 0
    as_json = passerelle(database_url, "coverage", "--format", "json", "--language", "fr")
    assert as_json.returncode == 0, as_json.stderr
    cells = json.loads(as_json.stdout)
    assert cells[0]["reachable"] == 0, "the empty cells come first"
    shelter = {
        (c["province"], c["language"]): c["reachable"]
        for c in cells
        if c["need"] == "emergency_shelter"
    }
    assert shelter["BE-WLG", ""] == shelter["BE-WLG", "fr"] == 1
    assert shelter["BE-WNA", ""] == 0
    line = [c for c in cells if c["need"] == "crisis_line" and c["language"] == "" and c["active"]]
    assert {c["province"] for c in line} == {"BE-WBR", "BE-WHT", "BE-WLG", "BE-WLX", "BE-WNA"}
    as_csv = passerelle(database_url, "coverage", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    header, *rows = as_csv.stdout.splitlines()
    assert header == "need,province,province_name,language,active,reachable,fresh"
    assert "emergency_shelter,BE-WLG,Liège,,1,1,0" in rows
    grid = passerelle(database_url, "coverage")
    assert grid.returncode == 0, grid.stderr
    assert "emergency_shelter" in grid.stdout and "WLG" in grid.stdout
    assert "empty and" in grid.stdout


def test_coverage_refuses_a_bad_language_code(database_url: str) -> None:
    done = passerelle(database_url, "coverage", "--language", "12")
    assert done.returncode != 0
    assert "--language" in done.stderr + done.stdout and "12" in done.stderr + done.stdout


def bad_file_path(record: dict[str, Any]) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "one.json"
    path.write_text(json.dumps([record]))
    return path


def deep_json(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "deep.json"
    path.write_text('[{"x":' * 100_000 + "1" + "}]" * 100_000)
    return path, "nested too deeply"


def exported_package(tmp_path: Path) -> Path:
    """A CSV package as `passerelle export` writes it (one service)."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    passerelle(url, "import", str(bad_file_path(service_record("Packaged"))))
    passerelle(url, "export", str(tmp_path / "csv"), "--format", "csv")
    return tmp_path / "csv"


def invalid_utf8(tmp_path: Path) -> tuple[Path, str]:
    folder = exported_package(tmp_path)
    services = folder / "services.csv"
    services.write_bytes(services.read_bytes().replace(b"Packaged", b"Pack\xffaged"))
    return folder, "services.csv line 2: (text): not UTF-8"


def resources_not_objects(tmp_path: Path) -> tuple[Path, str]:
    folder = exported_package(tmp_path)
    (folder / "datapackage.json").write_text(json.dumps({"resources": ["x", 1]}))
    return folder, "resources[1]: expected an object"


def resource_outside(tmp_path: Path) -> tuple[Path, str]:
    folder = exported_package(tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    phones = next(item for item in descriptor["resources"] if item["name"] == "phone")
    phones["path"] = "../../../../etc/passwd"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    return folder, "'../../../../etc/passwd' is outside the package folder (resource 'phone')"


@pytest.mark.parametrize(
    "bad", [deep_json, invalid_utf8, resources_not_objects, resource_outside],
    ids=["json-100000-deep", "csv-invalid-utf8", "resources-not-objects", "path-outside"],
)  # fmt: skip
def test_unreadable_files_are_messages_and_write_nothing(
    database_url: str, engine: Engine, tmp_path: Path, bad: Any
) -> None:
    passerelle(database_url, "import", str(SAMPLE))
    before = row_counts(engine)
    path, expected = bad(tmp_path)
    done = passerelle(database_url, "import", str(path))
    assert done.returncode == 1
    assert expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr
    assert row_counts(engine) == before


# --- organisations by name (issue 11, item 8) -----------------------------------------------------


def organisations(database_url: str, *names: str) -> dict[str, str]:
    """Imports one service per name, each of its own organisation; returns name -> id."""
    records = [
        service_record(f"{name} service", organization={"id": new_id(), "name": name,
                                                        "description": name})
        for name in names
    ]  # fmt: skip
    path = bad_file_path(records[0])
    path.write_text(json.dumps(records))
    assert passerelle(database_url, "import", str(path)).returncode == 0
    return {record["organization"]["name"]: record["organization"]["id"] for record in records}


def test_org_list_gives_ids_by_name(database_url: str) -> None:
    ids = organisations(database_url, "Payoke", "Espace P", "PAG-ASA")
    listed = passerelle(database_url, "org", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines == [
        f"{ids['Espace P']}\tEspace P\t1",
        f"{ids['PAG-ASA']}\tPAG-ASA\t1",
        f"{ids['Payoke']}\tPayoke\t1",
    ]
    found = passerelle(database_url, "org", "list", "--search", "pAy")
    assert found.stdout.splitlines() == [f"{ids['Payoke']}\tPayoke\t1"]
    none = passerelle(database_url, "org", "list", "--search", "100%_")
    assert none.returncode == 0 and none.stdout.strip() == "No organisation found."


def test_org_list_is_a_table_on_a_terminal(database_url: str) -> None:
    ids = organisations(database_url, "Payoke")
    controller, terminal = pty.openpty()
    env = {**os.environ, "PASSERELLE_DATABASE_URL": database_url, "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "org", "list"],
        env=env, stdout=terminal, stderr=subprocess.PIPE, timeout=120, check=False,
    )  # fmt: skip
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode())
    assert done.returncode == 0, done.stderr
    header = text.splitlines()[1].split("┃")
    assert [cell.strip() for cell in header] == ["", "id", "name", "services", ""], text
    assert ids["Payoke"] in text and "Payoke" in text and "\t" not in text


def test_token_and_user_take_an_organisation_by_name(database_url: str, engine: Engine) -> None:
    ids = organisations(database_url, "Payoke", "Espace P")
    token = passerelle(database_url, "token", "create", "--org", "payoke")
    assert token.returncode == 0, token.stderr
    assert f"for organisation {ids['Payoke']}" in token.stdout
    user = passerelle_with_input(
        database_url, "a long enough secret 123\n",
        "user", "create", "--org", "ESPACE P", "--email", "b@espacep.test", "--password-stdin",
    )  # fmt: skip
    assert user.returncode == 0, user.stderr
    with engine.connect() as connection:
        principal = check_password(
            connection, email="b@espacep.test", password="a long enough secret 123"
        )
    assert principal is not None and principal.organization_id == ids["Espace P"]


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("Payok", "no organization with id Payok nor named 'Payok'; close matches: Payoke ("),
        ("Nowhere at all", "nor named 'Nowhere at all'; see passerelle org list"),
        ("Twin", "several organisations are named 'Twin': "),
    ],
    ids=["close", "unknown", "ambiguous"],
)
def test_a_wrong_organisation_name_says_what_went_wrong(
    database_url: str, engine: Engine, org: str, expected: str
) -> None:
    organisations(database_url, "Payoke", "Twin", "twin")
    before = all_row_counts(engine)
    for args in (
        ("token", "create", "--org", org),
        ("user", "create", "--org", org, "--email", "x@y.test", "--password-stdin"),
    ):
        done = passerelle_with_input(database_url, "a long enough secret 123\n", *args)
        assert done.returncode == 1, done.stdout
        assert expected in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        if org == "Twin":
            assert (
                "Twin (" in done.stderr and "twin (" in done.stderr and "give the id" in done.stderr
            )
    assert all_row_counts(engine) == before


def test_no_password_on_a_pipe_without_password_stdin(database_url: str, engine: Engine) -> None:
    before = all_row_counts(engine)
    for args in (
        ("user", "create", "--curator", "--email", "c@x.test"),
        ("user", "reset", "--email", "c@x.test"),
    ):
        done = passerelle_with_input(database_url, "a long enough secret 123\n", *args)
        assert done.returncode == 1
        assert "no password given" in done.stderr and "--password-stdin" in done.stderr
        assert "Traceback" not in done.stderr
    assert all_row_counts(engine) == before


def test_user_create_referrer_makes_an_account_of_no_organisation(
    database_url: str, engine: Engine
) -> None:
    done = passerelle_with_input(
        database_url, "a long enough secret 123\n",
        "user", "create", "--referrer", "--email", "r@social.test", "--password-stdin",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Created the referrer account r@social.test." in done.stdout
    with engine.connect() as connection:
        principal = check_password(
            connection, email="r@social.test", password="a long enough secret 123"
        )
    assert principal is not None and principal.role == "referrer"
    assert principal.organization_id is None
    before = all_row_counts(engine)
    both = passerelle_with_input(
        database_url, "a long enough secret 123\n",
        "user", "create", "--referrer", "--curator", "--email", "x@social.test", "--password-stdin",
    )  # fmt: skip
    assert both.returncode == 1 and "--referrer" in both.stderr
    assert all_row_counts(engine) == before


def test_stale_in_days_lists_what_the_partners_portal_reminds_of(
    database_url: str, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()
    records = [
        service_record("Checked lately", assured_date=(today - timedelta(days=89)).isoformat()),
        service_record("Checked long ago", assured_date=(today - timedelta(days=91)).isoformat()),
    ]
    path = tmp_path / "reminders.json"
    path.write_text(json.dumps(records))
    assert passerelle(database_url, "import", str(path)).returncode == 0
    done = passerelle(database_url, "stale", "--days", "90")
    assert done.returncode == 0, done.stderr
    assert "Checked long ago" in done.stdout and "Checked lately" not in done.stdout
    assert "1 service(s) to check." in done.stdout
