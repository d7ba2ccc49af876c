"""What the pages make of a kept record (`PublicRecords.made_of`) is made once per version of
the record and language, and made again once the service changed."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.page_records import PublicRecords
from directory.database import session_scope
from directory.state import bump_version
from tests.web.pages import load_directory


def names_made(engine: Engine, kept: PublicRecords, made: list[str], what: str) -> list[str]:
    def make(record: dict[str, Any]) -> str:
        made.append(str(record["id"]))
        return f"{what}: {record['name']}"

    with engine.connect() as connection:
        ids = list(connection.execute(text("SELECT id FROM service ORDER BY id")).scalars())
        return kept.made_of(connection, ids, what, make)


def test_made_once_per_version_and_again_after_a_change(engine: Engine) -> None:
    load_directory(engine)
    kept, made = PublicRecords(), list[str]()
    first = names_made(engine, kept, made, "en")
    assert len(made) == len(first) > 1
    made.clear()
    assert names_made(engine, kept, made, "en") == first and made == []
    assert names_made(engine, kept, made, "fr")[0].startswith("fr: ")
    assert len(made) == len(first)  # another language is made on its own
    made.clear()
    with session_scope(engine) as session:
        connection = session.connection()
        renamed = connection.execute(
            text(
                "UPDATE service SET name = 'Renamed' WHERE id = (SELECT MIN(id) FROM service) "
                "RETURNING id"
            )
        ).scalar_one()
        bump_version(connection, [renamed])
    again = names_made(engine, kept, made, "en")
    assert made == [renamed] and again[0] == "en: Renamed" and again[1:] == first[1:]


def test_nothing_is_kept_made_of_a_record_no_longer_kept(engine: Engine) -> None:
    load_directory(engine)
    kept = PublicRecords(keep=1)
    with engine.connect() as connection:
        first, second = connection.execute(
            text("SELECT id FROM service ORDER BY id LIMIT 2")
        ).scalars()
        assert kept.made_of(connection, [first], "en", lambda record: record["name"])
        assert set(kept.made) == {first}
        kept.made_of(connection, [second], "en", lambda record: record["name"])
    assert set(kept.made) == {second}  # the first record left the kept ones: so did its names
