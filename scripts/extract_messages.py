"""Write the templates of the website's own words: `web/locale/messages.pot` (the public pages)
and `web/locale/portal.pot` (the partner and curator portal).

    python scripts/extract_messages.py          # write the templates
    python scripts/extract_messages.py --check  # fail if their msgids are out of date

Templates are read with Jinja2's Babel extractor (`_()` and `ngettext()` calls), Python modules
with Babel's own (`_`, `N_`). Translators then update each `<lang>/LC_MESSAGES/<domain>.po`.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "web" / "locale"
SOURCES: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "messages": [
        (
            "web",
            [
                ("templates/portal/**", "ignore"),
                ("templates/**.html", "jinja2"),
                ("search_form.py", "python"),
                ("public.py", "python"),
            ],
        ),
        ("api/routes", [("pages.py", "python"), ("suggest.py", "python")]),
    ],
    "portal": [
        ("web/templates/portal", [("**.html", "jinja2")]),
        ("api/routes/portal", [("**.py", "python")]),
        (
            "web",
            [
                ("portal.py", "python"),
                ("portal_*.py", "python"),
                ("audit_view.py", "python"),
                ("outcomes.py", "python"),
            ],
        ),
    ],
}
"""Per domain: folders, and the files in them that hold its words (other domains stay out)."""
DOMAINS = tuple(SOURCES)
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def pot_path(domain: str) -> Path:
    return LOCALE / f"{domain}.pot"


def catalog(domain: str = "messages") -> Catalog:
    """Every msgid `domain` uses, with where it is used."""
    result = Catalog(project="Passerelle", domain=domain, fuzzy=False)
    for folder, method_map in SOURCES[domain]:
        found = extract_from_dir(ROOT / folder, method_map, keywords=KEYWORDS)
        for filename, lineno, message, comments, _context in found:
            result.add(
                message, locations=[(f"{folder}/{filename}", lineno)], auto_comments=comments
            )
    return result


def pot_text(domain: str) -> str:
    buffer = io.BytesIO()
    write_po(
        buffer, catalog(domain), omit_header=True, sort_output=True, width=100, no_location=False
    )
    return buffer.getvalue().decode("utf-8")


def out_of_date(domain: str) -> bool:
    path = pot_path(domain)
    if not path.exists():
        return True
    with path.open("rb") as handle:
        current = {message.id for message in read_po(handle) if message.id}
    return current != {message.id for message in catalog(domain) if message.id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if msgids changed")
    check = parser.parse_args().check
    if check:
        stale = [domain for domain in DOMAINS if out_of_date(domain)]
        for domain in stale:
            path = pot_path(domain).relative_to(ROOT)
            print(f"{path} is out of date: run scripts/extract_messages.py")
        return 1 if stale else 0
    LOCALE.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        pot_path(domain).write_text(pot_text(domain), encoding="utf-8")
        print(f"wrote {pot_path(domain).relative_to(ROOT)} ({len(catalog(domain))} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
