"""Write a new Alembic revision from the difference between the tables in code and the schema.

    python scripts/new_migration.py "add partner tables" 0002

Run on a throw-away SQLite database brought to head first; then read and tidy the result: the
revision must not import application code (plain `sa.String`, `sa.DateTime(timezone=True)`).
"""

import re
import sys
import tempfile

from alembic import command
from alembic.config import Config

from directory.database import MIGRATIONS, make_engine


def main(message: str, revision_id: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/schema.db")
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
    for path in (MIGRATIONS / "versions").glob(f"{revision_id}_*.py"):
        text = path.read_text()
        text = re.sub(
            r"sqlmodel\.sql\.sqltypes\.AutoString\((length=\d+)?\)",
            lambda m: f"sa.String({m.group(1) or ''})",
            text,
        )
        text = text.replace(
            "directory.db_types.UTCDateTime(timezone=True)", "sa.DateTime(timezone=True)"
        )
        text = text.replace("import sqlmodel\n", "")
        path.write_text(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
