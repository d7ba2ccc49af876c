"""Write `web/locale/taxonomy.pot`, the template of the taxonomy domain, from `directory.taxonomy`.

    python scripts/extract_taxonomy_pot.py          # (re)write the template
    python scripts/extract_taxonomy_pot.py --check  # exit 1 if the template is out of date

The output depends only on `TERMS` (no date, no machine name), so running it twice gives the same
file and a test can tell when someone changed a term without updating the template. After a change,
bring the catalogs up to date with Babel and translate the new or changed entries:

    pybabel update -D taxonomy -i web/locale/taxonomy.pot -d web/locale --no-fuzzy-matching
"""

import sys
from pathlib import Path

from directory.taxonomy import TAXONOMY_VERSION, TERMS

POT = Path(__file__).resolve().parent.parent / "web" / "locale" / "taxonomy.pot"

HEADER = f"""\
# Names and descriptions of the "passerelle" taxonomy terms (domain "taxonomy").
# Generated from directory/taxonomy.py by scripts/extract_taxonomy_pot.py: do not edit by hand.
# Each msgid is the exact English text of a term; the comment above it names the term's code.
msgid ""
msgstr ""
"Project-Id-Version: passerelle taxonomy {TAXONOMY_VERSION}\\n"
"Report-Msgid-Bugs-To: \\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def quoted(text: str) -> str:
    """`text` as a PO string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render() -> str:
    """The template: one entry for every term's name and one for its description, in TERMS order."""
    entries = [HEADER]
    for term in TERMS:
        for part, text in (("name", term.name), ("description", term.description)):
            entries.append(f'#. {term.code} ({part})\nmsgid {quoted(text)}\nmsgstr ""\n')
    return "\n".join(entries)


def main(argv: list[str]) -> int:
    text = render()
    if argv == ["--check"]:
        if not POT.exists() or POT.read_text(encoding="utf-8") != text:
            print(f"{POT} is out of date: run scripts/extract_taxonomy_pot.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(text, encoding="utf-8")
    print(f"wrote {POT} ({len(TERMS)} terms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
