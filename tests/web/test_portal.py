"""The portal's words without HTTP: labels of stored codes, errors in words, the rows of the
curator's queue (the service form itself: `test_portal_forms.py`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from directory.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PasserelleError,
    PreconditionFailed,
    codes_of,
)
from directory.limits import BEDS_PROBLEM
from web import portal
from web.i18n import translator

FR = translator("fr", "portal")
EN = translator("en", "portal")


def test_labels_name_stored_codes_in_the_pages_language_and_keep_unknown_codes() -> None:
    labels = portal.labels(FR)
    assert labels["status_label"]("temporarily closed") == FR("temporarily closed")
    assert labels["status_label"]("temporarily closed") != "temporarily closed"
    assert labels["kind_label"]("create") == FR("new service")
    assert labels["who_label"]("curator") == FR("curator")
    assert labels["action_label"]("unsuspend") == FR("made public again")
    assert labels["status_label"]("no such status") == "no such status"


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (NotFound("gone"), "This was not found: it may have been dealt with or removed meanwhile."),
        (Conflict("moved"),
         "This no longer applies: it changed meanwhile. Please check the page again."),
        (PreconditionFailed("stale"),
         "The service changed since you opened this page: check it and send your change again."),
        (InvalidInput("bad"), "Something in the form could not be used. Please check it."),
        (PasserelleError("odd"), "Something went wrong on our side. Please try again."),
    ],
)  # fmt: skip
def test_errors_become_one_sentence_in_the_pages_language(
    error: PasserelleError, text: str
) -> None:
    assert portal.error_texts(FR, error) == [FR(text)]
    assert portal.error_texts(FR, error) != [text]


def test_field_problems_name_the_field_by_its_label() -> None:
    error = InvalidInput(
        "bad",
        [
            FieldError("form", "beds_available", BEDS_PROBLEM, "beds_invalid"),
            FieldError("record", "url", "'x' is not a \"uri\"", "not_a_uri"),
            FieldError("record", "languages[0].code", "'xx' is not ISO 639", "not_a_language"),
            FieldError("record", "reason", "a reason is required", "reason_required"),
            FieldError("record", "alert", "something new"),
        ],
    )
    assert portal.error_texts(EN, error) == [
        "Free beds: please write a whole number from 0 to 100000.",
        "Web address: please write a full web address, such as https://example.org.",
        "Languages spoken: please write two-letter language codes, such as fr, nl, en, "
        "separated by commas.",
        "Reason: please give a reason.",
        "alert: this value cannot be used (something new).",
    ]


def test_error_pages_choose_their_words_by_code_never_by_matching_a_message() -> None:
    own = portal.REFUSALS["curators_only"]
    assert portal.page_error(FR, 403, ("curators_only",)) == (FR("Not allowed"), FR(own))
    not_a_code = portal.page_error(FR, 403, (own,))  # an English sentence is no code
    assert not_a_code == (FR("Not allowed"), FR("You are not allowed to see this page."))
    gone = portal.page_error(FR, 404, ("service_not_found", "not_found", "error"))
    assert gone == (FR("Not found"), FR(portal.ERROR_WORDS["not_found"]))
    heading, text = portal.page_error(FR, 404)
    assert (heading, text) == (FR("Not found"), FR("This page does not exist."))
    assert portal.page_error(FR, 500, ("error",))[0] == FR("Something went wrong")


def test_a_form_refused_before_its_route_names_its_fields_by_their_labels() -> None:
    _, text = portal.page_error(FR, 422, ("invalid_input",), ("reason", "unknown_field"))
    fields = f"{FR(portal.FIELD_LABELS['reason'])}, unknown_field"
    assert text == FR("These fields cannot be used as sent: {fields}.", fields=fields)


def test_free_beds_as_the_form_shows_them() -> None:
    beds = {"taxonomy_term": {"code": "capacity.beds_available"}, "value": 3}
    assert portal.beds({"attributes": [beds]}) == "3"
    assert portal.beds({"attributes": [{"taxonomy_term": None}]}) == ""


@dataclass(frozen=True)
class Change:
    id: str = "c1"
    service_id: str = "s1"
    organization_id: str = "o1"
    record: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = datetime(2026, 12, 3, 8, 5, 59)


def test_queue_rows_fall_back_to_stored_names_and_show_minutes() -> None:
    row = portal.change_row(
        Change(), kind="update", services={"s1": "Alpha"}, organizations={}, diff=[]
    )
    assert row["name"] == "Alpha" and row["organization"] == "o1"
    assert row["created_at"] == "2026-12-03 08:05" and row["diff"] == []
    named = portal.change_row(
        Change(record={"name": "New"}), kind="create", services={}, organizations={"o1": "Org"}
    )
    assert named["name"] == "New" and named["organization"] == "Org"
    since = portal.suspended_row("s1", "checking", datetime(2026, 1, 2, 3, 4), "Alpha")
    assert since["since"] == "2026-01-02"


# --- errors in words by their code, never by their English ---------------------------------------


class AlreadySuspended(Conflict):
    code = "already_suspended"


class Gone(PasserelleError):
    code = "not_found"


@dataclass(frozen=True, slots=True)
class CodedProblem(FieldError):
    code: str = ""


def test_an_error_is_put_in_words_by_its_code_whatever_its_message_says() -> None:
    gone = Gone("the service changed meanwhile: a reason is required")
    assert portal.error_texts(FR, gone) == [FR(portal.ERROR_WORDS["not_found"])]


def test_an_error_without_words_of_its_own_has_those_of_its_kind() -> None:
    assert codes_of(AlreadySuspended("x")) == ("already_suspended", "conflict", "error")
    assert portal.error_texts(FR, AlreadySuspended("x")) == [FR(portal.ERROR_WORDS["conflict"])]


def test_a_field_problem_is_put_in_words_by_its_code_whatever_its_message_says() -> None:
    problem = CodedProblem("body", "reason", 'is not a "uri"', "reason_required")
    assert portal.error_texts(EN, InvalidInput("bad", [problem])) == [
        "Reason: please give a reason."
    ]
    unknown = CodedProblem("body", "reason", "a reason is required", "something_new")
    assert portal.error_texts(EN, InvalidInput("bad", [unknown])) == [
        "Reason: this value cannot be used (a reason is required)."
    ]


def test_every_problem_code_has_words_in_every_language() -> None:
    from directory import errors
    from directory.hsds import validation

    emitted = {
        *validation.SCHEMA_CODES.values(),
        *validation.FORMAT_CODES.values(),
        "required",
        "not_a_language",
        "beds_invalid",
        "web_address",
        "reason_required",
    }
    assert emitted <= set(portal.FIELD_PROBLEMS)
    kinds = (
        errors.NotFound,
        errors.Conflict,
        errors.PreconditionFailed,
        errors.Forbidden,
        errors.Unavailable,
        errors.InvalidInput,
    )
    assert {kind.code for kind in kinds} <= set(portal.ERROR_WORDS)
    for words in (*portal.FIELD_PROBLEMS.values(), *portal.ERROR_WORDS.values()):
        assert FR(words) != words


def test_the_schema_validators_problems_carry_their_codes_not_only_words() -> None:
    """The portal turns problems into words by their code, never by reading their English."""
    from directory.hsds.validation import record_issues
    from tests.builders import service_record

    record = service_record("Coded", url="not a web address", email="not an e-mail")
    record["status"] = "sleeping"
    record["languages"][0]["code"] = "xx"
    del record["name"]
    codes = {issue.path: issue.code for issue in record_issues(record)}
    assert codes["name"] == "required"
    assert codes["status"] == "not_offered"
    assert codes["email"] == "not_an_email"
    assert codes["url"] == "not_a_uri"
    assert codes["languages[0].code"] == "not_a_language"
