"""One rule says whether a phone is confirmed, for results, notices and service pages alike."""

import pytest

from matcher.listing import listing_from_record, phone_confirmed


@pytest.mark.parametrize(
    "description",
    [
        "read on example.org (2021); not confirmed",
        "Not yet confirmed with the service",
        "not verified",
    ],
)
def test_a_number_read_in_a_public_source_is_not_confirmed(description: str) -> None:
    assert not phone_confirmed("02 000 00 01", description)


def test_112_and_101_are_facts_of_law() -> None:
    for number in ("112", "101"):
        assert phone_confirmed(number, "read on 1712.be (undated); not confirmed")


def test_a_not_yet_confirmed_phone_is_unconfirmed_in_the_matcher_too() -> None:
    """The latent bug: the page flagged "not yet confirmed" but the notice counted it confirmed,
    and so dropped its "if nobody answers, call 112" line."""
    record = {
        "id": "s1",
        "name": "Line",
        "status": "active",
        "phones": [{"id": "p1", "number": "0800 1", "description": "not yet confirmed"}],
    }
    (phone,) = listing_from_record(record).phones
    assert not phone.confirmed
