"""Write `web/locale/messages.pot`: every msgid of the website (templates and form messages).

    python scripts/extract_messages.py          # write the template
    python scripts/extract_messages.py --check  # fail if its msgids are out of date

Templates are read with Jinja2's Babel extractor (`_()` and `ngettext()` calls), Python modules
with Babel's own (`_`, `N_`). Translators then update each `<lang>/LC_MESSAGES/messages.po`.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "web" / "locale" / "messages.pot"
SOURCES: list[tuple[str, list[tuple[str, str]]]] = [
    ("web", [("templates/**.html", "jinja2"), ("search_form.py", "python")]),
    ("api/routes", [("pages.py", "python")]),
]
"""Folders, and the files in them that hold the website's words (other domains stay out)."""
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def catalog() -> Catalog:
    """Every msgid the website uses, with where it is used."""
    result = Catalog(project="Passerelle", domain="messages", fuzzy=False)
    for folder, method_map in SOURCES:
        found = extract_from_dir(ROOT / folder, method_map, keywords=KEYWORDS)
        for filename, lineno, message, comments, _context in found:
            result.add(
                message, locations=[(f"{folder}/{filename}", lineno)], auto_comments=comments
            )
    return result


def pot_text() -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog(), omit_header=True, sort_output=True, width=100, no_location=False)
    return buffer.getvalue().decode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if msgids changed")
    check = parser.parse_args().check
    text = pot_text()
    if check:
        with POT.open("rb") as handle:
            current = {message.id for message in read_po(handle) if message.id}
        if current != {message.id for message in catalog() if message.id}:
            print(f"{POT.relative_to(ROOT)} is out of date: run scripts/extract_messages.py")
            return 1
        return 0
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(text, encoding="utf-8")
    print(f"wrote {POT.relative_to(ROOT)} ({len(catalog())} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
