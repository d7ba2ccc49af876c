"""The README's table of explanation codes is the public contract: it lists every reason and
caution code of `matcher/messages.py`, in order, with its parameters and its English text."""

import re
from pathlib import Path

from matcher.messages import CAUTIONS, REASONS
from web.messages import REGION_TEXTS, STATUS_TEXTS, TEXTS

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| `(\w+)` \| (reason|caution) \| ([^|]*) \| (.*) \|$")


def _rows() -> list[tuple[str, str, tuple[str, ...], str]]:
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            code, kind, params, text = match.groups()
            found.append((code, kind, tuple(re.findall(r"`(\w+)`", params)), text))
    return found


def _english(code: str) -> str:
    if code == "welcomes_status":
        return "; ".join(f"`{status}`: {text}" for status, text in STATUS_TEXTS.items())
    if code == "in_region":
        return "; ".join(f"`{region}`: {text}" for region, text in REGION_TEXTS.items())
    return TEXTS[code]


def test_the_readme_lists_every_code_with_its_params_and_english_text() -> None:
    expected = [
        (code, kind, params, _english(code))
        for kind, table in (("reason", REASONS), ("caution", CAUTIONS))
        for code, params in table.items()
    ]
    assert _rows() == expected
