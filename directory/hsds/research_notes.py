"""Research notes: what the researchers noted about a service (doubts, caveats, allegations),
with the pages they read. For curators only: never in `alert`, `/hsds`, public exports, pages
or match answers; exported only with `--include-confidential`.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, Text, delete, insert, select
from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class ResearchNote(SQLModel, table=True):
    """One note on one service, with the source pages it rests on."""

    __tablename__ = "research_note"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str = Field(foreign_key="service.id", max_length=36, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_urls: list[str] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)


RESEARCH_NOTE = ResearchNote.__table__  # type: ignore[attr-defined]
NOTES_KEY = "research_notes"
"""The key of a service record that carries its notes in a curator's export (not HSDS)."""


@dataclass(frozen=True, slots=True)
class Note:
    service_id: str
    text: str
    source_urls: tuple[str, ...]
    created_at: datetime | None = None


def note_from_json(item: Any) -> Note:
    """A note of `research_notes.json` or of a curator's export (`{"service_id", "text",
    "source_urls"}`)."""
    return Note(
        service_id=str(item["service_id"]),
        text=str(item["text"]),
        source_urls=tuple(str(url) for url in item.get("source_urls") or []),
    )


def note_problems(item: Any) -> list[tuple[str, str]]:
    """(field, problem) for a note read from a file: text required, source URLs a list of
    strings."""
    if not isinstance(item, dict):
        return [("", "must be an object with text and source_urls")]
    problems = []
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(("text", "is required"))
    urls = item.get("source_urls", [])
    if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
        problems.append(("source_urls", "must be a list of URLs"))
    return problems


def add_notes(connection: Connection, notes: Iterable[Note]) -> int:
    """Store `notes` (in the caller's transaction); return how many."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "service_id": note.service_id,
            "text": note.text,
            "source_urls": list(note.source_urls),
            "created_at": note.created_at or now,
        }
        for note in notes
    ]
    if rows:
        connection.execute(insert(RESEARCH_NOTE), rows)
    return len(rows)


def replace_notes(
    connection: Connection, *, service_ids: Sequence[str], notes: Iterable[Note]
) -> None:
    """The notes of these services become `notes` (an import of a curator's export)."""
    if service_ids:
        connection.execute(delete(RESEARCH_NOTE).where(RESEARCH_NOTE.c.service_id.in_(service_ids)))
    add_notes(connection, notes)


def notes_by_service(
    connection: Connection, *, service_ids: Sequence[str] | None = None
) -> dict[str, list[Note]]:
    """Service id -> its notes, oldest first (every service's when `service_ids` is None)."""
    query = select(RESEARCH_NOTE).order_by(RESEARCH_NOTE.c.created_at, RESEARCH_NOTE.c.id)
    if service_ids is not None:
        query = query.where(RESEARCH_NOTE.c.service_id.in_(service_ids))
    found: dict[str, list[Note]] = {}
    for row in connection.execute(query):
        note = Note(row.service_id, row.text, tuple(row.source_urls or ()), row.created_at)
        found.setdefault(row.service_id, []).append(note)
    return found


def notes_in_records(records: Sequence[Any]) -> tuple[list[str], list[Note]]:
    """The ids of the records that carry `research_notes`, and those notes."""
    carried = [r for r in records if isinstance(r, dict) and NOTES_KEY in r]
    notes = [
        note_from_json({**item, "service_id": record["id"]})
        for record in carried
        for item in record[NOTES_KEY]
    ]
    return [str(record["id"]) for record in carried], notes


def notes_field_problems(record: Any) -> list[tuple[str, str]]:
    """(field, problem) for the `research_notes` a record carries, if any."""
    if not isinstance(record, dict) or NOTES_KEY not in record:
        return []
    items = record[NOTES_KEY]
    if not isinstance(items, list):
        return [(NOTES_KEY, "must be a list of notes")]
    return [
        (f"{NOTES_KEY}[{n}].{field}" if field else f"{NOTES_KEY}[{n}]", problem)
        for n, item in enumerate(items)
        for field, problem in note_problems(item)
    ]
