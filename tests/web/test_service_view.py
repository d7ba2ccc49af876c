"""What a page shows of one service record: phone links, "not verified" marks, confidentiality."""

import pytest

from tests.builders import service_record
from web.service_view import service_view, tel_uri


@pytest.mark.parametrize(
    ("printed", "uri"),
    [
        ("02/511 64 64", "tel:025116464"),
        ("+32 (0)2 511 64 64", "tel:+3225116464"),
        ("+32 3 201 16 90", "tel:+3232011690"),
        ("078/055.800", "tel:078055800"),
        ("112", "tel:112"),
    ],
)
def test_phone_links_dial_what_is_printed(printed: str, uri: str) -> None:
    assert tel_uri(printed) == uri


def test_a_service_nobody_confirmed_marks_its_phones_not_verified() -> None:
    view = service_view(service_record("A", phones=("02 000 00 00",)), "en")
    assert not view.verified
    assert [phone.verified for phone in view.phones] == [False]


def test_a_confirmed_service_still_marks_a_phone_its_source_did_not_confirm() -> None:
    record = service_record("B", phones=("02 000 00 01", "02 000 00 02"), assured_date="2026-10-01")
    record["phones"][1]["description"] = "read on example.org (2021); not confirmed"
    view = service_view(record, "en")
    assert view.verified
    assert [phone.verified for phone in view.phones] == [True, False]
    assert view.phones[1].note == "read on example.org (2021); not confirmed"


def test_a_confidential_service_shows_no_address() -> None:
    record = service_record("C", codes=("need.housing", "privacy.confidential_address"))
    view = service_view(record, "en")
    assert view.confidential and view.addresses == ()
    assert service_view(service_record("D"), "en").addresses == (
        "D office street 1, 1000 Bruxelles",
    )


def test_what_to_bring_in_plain_words_in_the_reader_language() -> None:
    record = service_record("E", codes=("need.housing", "requires.id_document"))
    record["required_documents"] = [{"id": "d1", "service_id": record["id"], "document": "Photo"}]
    english = service_view(record, "en").bring
    french = service_view(record, "fr").bring
    assert "Photo" in english and len(english) == 2
    assert english[0] != french[0], "the requires. code is named in the reader's language"
    assert not any("requires." in text for text in english + french)


def test_language_names_are_in_the_reader_language() -> None:
    record = service_record("F", languages=("ro", "bg"))
    assert service_view(record, "fr").languages == ("roumain", "bulgare")
    assert service_view(record, "nl").languages == ("Roemeens", "Bulgaars")


def test_sources_are_the_pages_the_facts_were_read_on() -> None:
    record = service_record(
        "G", url="https://g.example.org/", description="Read on https://news.example.com/g."
    )
    assert service_view(record, "en").sources == (
        "https://g.example.org/",
        "https://news.example.com/g",
    )
