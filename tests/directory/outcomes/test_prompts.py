"""When counters prompt a curator to check a service's eligibility data: at least 3 "not
eligible" in a month, and at least half of that month's outcomes for the service."""

import pytest

from directory.outcomes.models import Outcome
from directory.outcomes.prompts import eligibility_prompts, often_not_eligible
from directory.outcomes.repository import MonthCounts

NOT_ELIGIBLE = Outcome.turned_away_not_eligible


def counts(not_eligible: int, accepted: int) -> MonthCounts:
    return MonthCounts(
        "s", "Service", "2026-12", {NOT_ELIGIBLE: not_eligible, Outcome.accepted: accepted}
    )


@pytest.mark.parametrize(
    ("not_eligible", "accepted", "prompted"),
    [(3, 0, True), (3, 3, True), (2, 0, False), (3, 4, False), (10, 10, True), (0, 5, False)],
)
def test_often_means_at_least_three_and_at_least_half(
    not_eligible: int, accepted: int, prompted: bool
) -> None:
    assert often_not_eligible(counts(not_eligible, accepted)) is prompted
    assert (eligibility_prompts([counts(not_eligible, accepted)]) != []) is prompted
