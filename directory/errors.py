"""The exceptions of Passerelle's domain. Each carries the HTTP status it stands for;
`api/errors.py` renders them all, as JSON for the API and as a page for people.

    PasserelleError
    ├── NotFound             404  no such service, organization, change...
    ├── Conflict             409  the change no longer applies to the published version
    ├── PreconditionFailed   412  stale If-Match
    ├── PreconditionRequired 428  no If-Match
    ├── Forbidden            403  authenticated, but not allowed
    ├── Unavailable          503  the database cannot be reached or written
    └── InvalidInput         422  input the server cannot use
        └── ImportFailed     422  a file with bad records: every problem, record and field named
"""

from dataclasses import dataclass


class PasserelleError(Exception):
    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(PasserelleError):
    status_code = 404


class Conflict(PasserelleError):
    status_code = 409


class PreconditionFailed(PasserelleError):
    status_code = 412


class PreconditionRequired(PasserelleError):
    status_code = 428


class Forbidden(PasserelleError):
    status_code = 403


class Unavailable(PasserelleError):
    status_code = 503


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: `location` like ("record 3 (id …)", "phones[0].number")."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


class InvalidInput(PasserelleError):
    status_code = 422

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class ImportFailed(InvalidInput):
    """Nothing was written: every problem found is in `errors`."""
