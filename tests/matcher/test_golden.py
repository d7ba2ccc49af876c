"""The match answers of ~40 varied persons on the bundled directory are those recorded before
the matcher was redesigned (issue 14: a refactoring changes no answer). Notices are not
compared. Regenerate with `python -m tests.matcher.golden` only for a change meant."""

import json
from typing import Any

import pytest

from tests.matcher.golden import GOLDEN, PERSONS, RARE_PERSONS, answers

RECORDED: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def computed() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(json.dumps(answers()))  # tuples as lists, as stored
    return found


def test_every_person_is_recorded() -> None:
    assert sorted(RECORDED) == sorted({**PERSONS, **RARE_PERSONS})


@pytest.mark.parametrize("person", sorted({**PERSONS, **RARE_PERSONS}))
def test_the_answer_is_unchanged(computed: dict[str, Any], person: str) -> None:
    assert computed[person] == RECORDED[person]
