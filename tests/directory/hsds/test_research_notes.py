"""Research notes stay with curators: their own table, loaded with the bundle, moved out of the
public `alert` of databases built from the November 2026 bundle, never public."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine

from directory import bundled
from directory.database import MIGRATIONS, make_engine, session_scope, upgrade_schema
from directory.emergency_numbers import EMERGENCY_NUMBERS
from directory.errors import ImportFailed
from directory.hsds.exporter import export_directory
from directory.hsds.importer import import_records
from directory.hsds.repository import has_services, service_records
from directory.hsds.research_notes import NOTES_KEY, RESEARCH_NOTE, notes_by_service
from directory.hsds.tree import TABLES
from tests.builders import service_record
from tests.conftest import FIXTURES, PG_SERVER, _admin_engine, _postgres_reachable

OLD_BUNDLE: list[dict[str, Any]] = json.loads(
    (FIXTURES / "bundle-2026-11.json").read_text(encoding="utf-8")
)
"""The bundle as shipped in November 2026: research caveats in `alert`, 112 and 101 as services."""
OLD_ALERTS = {record["id"]: record["alert"] for record in OLD_BUNDLE if record.get("alert")}
UTSOPI_ALLEGATION = "Press article (pan.be) reported sexual-harassment allegations"


def _alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@pytest.fixture
def old_engine(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database of its own at the schema before `0004`, holding the November 2026 bundle as
    the code of that time loaded it."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        if not _postgres_reachable():
            pytest.skip("PostgreSQL not reachable")
        name = f"passerelle_old_{uuid.uuid4().hex[:10]}"
        with _admin_engine().connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{PG_SERVER}/{name}"
    engine = make_engine(url)
    config = _alembic()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004-1")
    # the change log (`directory_change`, 0005) and the audit's events (0006) do not exist yet
    monkeypatch.setattr("directory.hsds.importer.bump_version", lambda *_, **__: None)
    monkeypatch.setattr("directory.hsds.importer.add_events", lambda *_, **__: None)
    with session_scope(engine) as session:
        import_records(session.connection(), OLD_BUNDLE, who="curator")
    monkeypatch.undo()
    yield engine
    engine.dispose()
    if backend == "postgresql":
        with _admin_engine().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _alerts(engine: Engine) -> dict[str, str | None]:
    service = TABLES["service"]
    with engine.connect() as connection:
        rows = connection.execute(select(service.c.id, service.c.alert))
        return {row.id: row.alert for row in rows}


def test_the_migration_moves_bundled_caveats_out_of_alert(old_engine: Engine) -> None:
    partner_alert = "Closed on 24 December (written by the organisation)."
    kept_id = next(iter(OLD_ALERTS))
    with old_engine.begin() as connection:
        service = TABLES["service"]
        connection.execute(
            update(service).where(service.c.id == kept_id).values(alert=partner_alert)
        )
    upgrade_schema(old_engine)
    alerts = _alerts(old_engine)
    assert alerts[kept_id] == partner_alert, "a partner's own alert stays"
    assert not any(alerts[sid] for sid in OLD_ALERTS if sid != kept_id)
    with old_engine.connect() as connection:
        notes = notes_by_service(connection)
    assert set(notes) == set(OLD_ALERTS) - {kept_id}
    for service_id, found in notes.items():
        (note,) = found
        assert note.text == OLD_ALERTS[service_id]
        assert note.source_urls and all(url.startswith("http") for url in note.source_urls)
        assert note.created_at is not None


def test_the_migration_removes_the_112_and_101_records(old_engine: Engine) -> None:
    upgrade_schema(old_engine)
    with old_engine.connect() as connection:
        records = service_records(connection)
        organizations = {row.id for row in connection.execute(select(TABLES["organization"].c.id))}
        phones = {row.number for row in connection.execute(select(TABLES["phone"].c.number))}
    ids = {record["id"] for record in records}
    assert not ids & bundled.EMERGENCY_NUMBER_RECORDS
    assert len(ids) == len(OLD_BUNDLE) - 2
    assert not phones & set(EMERGENCY_NUMBERS)
    gone = bundled.EMERGENCY_NUMBER_RECORDS
    old_orgs = {r["organization_id"] for r in OLD_BUNDLE if r["id"] in gone}
    assert not organizations & old_orgs
    public = json.dumps(records, ensure_ascii=False)
    assert UTSOPI_ALLEGATION not in public


def test_the_bundle_loads_without_alerts_or_emergency_records(engine: Engine) -> None:
    with session_scope(engine) as session:
        loaded = bundled.load_if_empty(session.connection())
    with engine.connect() as connection:
        records = service_records(connection)
        notes = notes_by_service(connection)
    assert loaded == len(records) >= 46
    assert not {record["id"] for record in records} & bundled.EMERGENCY_NUMBER_RECORDS
    assert not any(record.get("alert") for record in records)
    expected = {note.service_id for note in bundled.bundled_notes()}
    assert set(notes) == expected and expected
    assert any(UTSOPI_ALLEGATION in note.text for found in notes.values() for note in found)


def test_the_bundle_loads_when_the_notes_file_is_missing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bundled, "RESEARCH_NOTES", tmp_path / "absent.json")
    with session_scope(engine) as session:
        assert bundled.load_if_empty(session.connection()) >= 46
    with engine.connect() as connection:
        assert notes_by_service(connection) == {}


def _export(engine: Engine, path: Path, **options: Any) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        export_directory(session.connection(), path, **options)
    loaded: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_notes_leave_only_in_a_curators_export_and_come_back_from_it(
    engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        bundled.load_if_empty(session.connection())
    public = tmp_path / "public.json"
    _export(engine, public)
    assert UTSOPI_ALLEGATION not in public.read_text(encoding="utf-8")
    assert NOTES_KEY not in public.read_text(encoding="utf-8")
    curators = _export(engine, tmp_path / "curators.json", include_confidential=True)
    noted = {r["id"]: r[NOTES_KEY] for r in curators if NOTES_KEY in r}
    assert set(noted) == {note.service_id for note in bundled.bundled_notes()}
    assert all(note["source_urls"] for notes in noted.values() for note in notes)
    with engine.begin() as connection:
        connection.execute(delete(RESEARCH_NOTE))
    with session_scope(engine) as session:
        import_records(session.connection(), curators)
    with engine.connect() as connection:
        back = notes_by_service(connection)
    assert {sid: sorted(n.text for n in notes) for sid, notes in back.items()} == {
        sid: sorted(n["text"] for n in notes) for sid, notes in noted.items()
    }


@pytest.mark.parametrize(
    ("notes", "field"),
    [
        ("a note", "research_notes"),
        ([{"source_urls": []}], "research_notes[0].text"),
        ([{"text": "x", "source_urls": "https://a.example"}], "research_notes[0].source_urls"),
    ],
)
def test_a_bad_note_in_an_import_is_named_and_nothing_is_written(
    engine: Engine, notes: Any, field: str
) -> None:
    record = {**service_record("Noted"), NOTES_KEY: notes}
    with pytest.raises(ImportFailed) as failed, session_scope(engine) as session:
        import_records(session.connection(), [record])
    assert field in [error.field for error in failed.value.errors]
    with engine.connect() as connection:
        assert not has_services(connection)
        assert notes_by_service(connection) == {}
