"""The exceptions of Passerelle's domain. Each carries the HTTP status it stands for and a stable
`code` (a string, part of no sentence) by which `api/` and `web/` turn it into words: never match
an error's English `message`. `api/errors.py` renders them all, as JSON for the API and as a page
for people.

    PasserelleError                     500  error
    ├── NotFound                        404  not_found
    │   ├── ServiceNotFound             404  service_not_found      no such service (or not yours)
    │   ├── ChangeNotFound              404  change_not_found       no such waiting change
    │   ├── NotSuspended                404  not_suspended          unsuspending a listed service
    │   └── SuggestionNotFound          404  suggestion_not_found   no such open suggestion
    ├── Conflict                        409  conflict
    │   ├── ChangeDecided               409  change_decided         already approved, rejected...
    │   ├── ChangeMovedOn               409  change_moved_on        decided or amended meanwhile
    │   ├── PublishedChanged            409  published_changed      its base is no longer published
    │   ├── PublishedMeanwhile          409  published_meanwhile    a new service's id went public
    │   ├── NewServiceWaiting           409  new_service_waiting    nothing of it is published yet
    │   ├── NewServiceAlreadyWaiting    409  new_service_already_waiting
    │   ├── ChangeWaiting               409  change_waiting         confirming while an edit waits
    │   └── AlreadySuspended            409  already_suspended
    ├── PreconditionFailed              412  precondition_failed
    │   ├── StaleVersion                412  stale_version          If-Match names an older version
    │   └── ChangedMeanwhile            412  changed_meanwhile      another edit won the race
    ├── PreconditionRequired            428  precondition_required  no If-Match
    ├── Forbidden                       403  forbidden              authenticated, but not allowed
    ├── Unavailable                     503  unavailable            the database cannot be reached
    └── InvalidInput                    422  invalid_input          input the server cannot use
        ├── NotAnObject                 422  not_an_object          a body that is no JSON object
        ├── FieldsRefused               422  fields_refused         fields a partner cannot set
        ├── IdTaken                     422  id_taken               a new service's id is in use
        ├── RecordInvalid               422  record_invalid         every problem of a record
        ├── ReasonRequired              422  reason_required        rejecting or suspending
        ├── BedsInvalid                 422  beds_invalid           free beds out of bounds
        └── ImportFailed                422  import_failed          every problem of a file

A `FieldError` names one field's problem; its `code` (`reason_required`, `beds_invalid`, or ""
for a problem reported only in words, such as the schema validator's) says which, for the same
reason.
"""

from dataclasses import dataclass


class PasserelleError(Exception):
    status_code = 500
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def codes_of(error: PasserelleError) -> tuple[str, ...]:
    """The error's code, then the codes of the kinds it is a case of, most specific first (a
    `service_not_found` is a `not_found`, which is an `error`)."""
    found = (vars(kind).get("code") for kind in type(error).__mro__)
    return tuple(dict.fromkeys(code for code in found if isinstance(code, str)))


class NotFound(PasserelleError):
    status_code = 404
    code = "not_found"


class Conflict(PasserelleError):
    status_code = 409
    code = "conflict"


class PreconditionFailed(PasserelleError):
    status_code = 412
    code = "precondition_failed"


class PreconditionRequired(PasserelleError):
    status_code = 428
    code = "precondition_required"


class Forbidden(PasserelleError):
    status_code = 403
    code = "forbidden"


class Unavailable(PasserelleError):
    status_code = 503
    code = "unavailable"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: `location` like ("record 3 (id …)", "phones[0].number")."""

    where: str
    field: str
    message: str
    code: str = ""
    """A stable name of the problem (`reason_required`, `beds_invalid`), "" when it has none."""

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


class InvalidInput(PasserelleError):
    status_code = 422
    code = "invalid_input"

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class ImportFailed(InvalidInput):
    """Nothing was written: every problem found is in `errors`."""

    code = "import_failed"


# --- named errors of partners' changes and curators' decisions -----------------------------------


class ServiceNotFound(NotFound):
    code = "service_not_found"

    def __init__(self, service_id: str) -> None:
        super().__init__(f"no service with id {service_id}")


class ChangeNotFound(NotFound):
    code = "change_not_found"

    def __init__(self, change_id: str) -> None:
        super().__init__(f"no change with id {change_id}")


class SuggestionNotFound(NotFound):
    code = "suggestion_not_found"

    def __init__(self, suggestion_id: str) -> None:
        super().__init__(f"no open suggestion with id {suggestion_id}")


class NotSuspended(NotFound):
    code = "not_suspended"

    def __init__(self, service_id: str) -> None:
        super().__init__(f"service {service_id} is not suspended")


class ChangeDecided(Conflict):
    code = "change_decided"

    def __init__(self, status: str) -> None:
        super().__init__(f"this change was already {status}")


class ChangeMovedOn(Conflict):
    code = "change_moved_on"

    def __init__(self) -> None:
        super().__init__("this change moved on meanwhile")


class PublishedChanged(Conflict):
    code = "published_changed"

    def __init__(self) -> None:
        super().__init__("the published service changed since this change was proposed")


class PublishedMeanwhile(Conflict):
    code = "published_meanwhile"

    def __init__(self) -> None:
        super().__init__("a service with this id was published meanwhile")


class NewServiceWaiting(Conflict):
    code = "new_service_waiting"

    def __init__(self) -> None:
        super().__init__("this new service waits for review: nothing of it is published yet")


class NewServiceAlreadyWaiting(Conflict):
    code = "new_service_already_waiting"

    def __init__(self) -> None:
        super().__init__("a new service with this id already waits for review")


class ChangeWaiting(Conflict):
    code = "change_waiting"

    def __init__(self) -> None:
        super().__init__(
            "a change of this service waits for review: it can be confirmed once it is decided"
        )


class AlreadySuspended(Conflict):
    code = "already_suspended"

    def __init__(self) -> None:
        super().__init__("this service is already suspended")


class StaleVersion(PreconditionFailed):
    code = "stale_version"

    def __init__(self) -> None:
        super().__init__("the service changed since you read it: fetch it again")


class ChangedMeanwhile(PreconditionFailed):
    code = "changed_meanwhile"

    def __init__(self) -> None:
        super().__init__("the service changed meanwhile: fetch it again")


class NotAnObject(InvalidInput):
    code = "not_an_object"

    def __init__(self, message: str, field: str) -> None:
        super().__init__(
            message, [FieldError("(body)", field, "expected a JSON object", self.code)]
        )


class FieldsRefused(InvalidInput):
    code = "fields_refused"


class IdTaken(InvalidInput):
    code = "id_taken"

    def __init__(self, record_id: str) -> None:
        problem = f"{record_id} is already used by another record"
        super().__init__("this id is taken", [FieldError("service", "id", problem, self.code)])


class RecordInvalid(InvalidInput):
    code = "record_invalid"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} problem(s): nothing was changed", errors)


class ReasonRequired(InvalidInput):
    code = "reason_required"

    def __init__(self, message: str) -> None:
        problem = FieldError("body", "reason", "a reason is required", self.code)
        super().__init__(message, [problem])


class BedsInvalid(InvalidInput):
    code = "beds_invalid"

    def __init__(self, problem: str) -> None:
        error = FieldError("body", "beds_available", problem, self.code)
        super().__init__(f"free beds {problem}", [error])


def _kinds(kind: type[PasserelleError]) -> list[type[PasserelleError]]:
    return [kind, *(inner for sub in kind.__subclasses__() for inner in _kinds(sub))]


CODES: dict[str, type[PasserelleError]] = {kind.code: kind for kind in _kinds(PasserelleError)}
"""Every error code and its error: stable strings that `api/` and `web/` key their words by."""
