"""When the counters suggest a service's eligibility data is wrong: a prompt for curators,
never a change by itself."""

from collections.abc import Iterable

from directory.outcomes.models import Outcome
from directory.outcomes.repository import MonthCounts

NOT_ELIGIBLE_AT_LEAST = 3
"""A prompt needs at least this many "turned away: not eligible" in one month ..."""
NOT_ELIGIBLE_SHARE = 0.5
"""... and at least this share of that service's outcomes that month."""


def often_not_eligible(item: MonthCounts) -> bool:
    """Turned away as "not eligible" often in that month: at least 3 times, and at least half
    of the month's recorded outcomes for the service."""
    not_eligible = item.of(Outcome.turned_away_not_eligible)
    return not_eligible >= NOT_ELIGIBLE_AT_LEAST and not_eligible >= NOT_ELIGIBLE_SHARE * item.total


def eligibility_prompts(items: Iterable[MonthCounts]) -> list[MonthCounts]:
    """The (service, month) counts that call for a check of the service's eligibility data."""
    return [item for item in items if often_not_eligible(item)]
