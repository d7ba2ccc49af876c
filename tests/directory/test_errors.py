"""Domain errors: each has a stable code, listed in `directory/errors.py`'s docstring, and keeps
the HTTP status of its family."""

import re

import pytest

from directory import errors
from directory.errors import CODES, PasserelleError

FAMILIES = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.PreconditionRequired: 428,
    errors.Forbidden: 403,
    errors.Unavailable: 503,
    errors.InvalidInput: 422,
}


def test_every_error_has_its_own_code() -> None:
    kinds = list(CODES.values())
    assert len({kind.code for kind in kinds}) == len(kinds)
    assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", code) for code in CODES)


def test_the_docstring_lists_every_code_with_its_status() -> None:
    doc = errors.__doc__ or ""
    for code, kind in CODES.items():
        assert re.search(rf"\b{kind.__name__}\s+{kind.status_code}\s+{code}\b", doc), code


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_error_keeps_the_status_of_its_family(code: str) -> None:
    kind: type[PasserelleError] = CODES[code]
    family = next((f for f in FAMILIES if issubclass(kind, f)), None)
    assert kind.status_code == (FAMILIES[family] if family else 500)


def test_named_errors_say_what_they_said_before() -> None:
    assert errors.ServiceNotFound("s").message == "no service with id s"
    assert errors.StaleVersion().message == "the service changed since you read it: fetch it again"
    assert errors.ChangedMeanwhile().message == "the service changed meanwhile: fetch it again"
    assert errors.ChangeMovedOn().message == "this change moved on meanwhile"
    assert errors.BedsInvalid("must be x").message == "free beds must be x"
    assert errors.RecordInvalid([]).message == "0 problem(s): nothing was changed"
