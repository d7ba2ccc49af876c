"""The portal's words for referral outcomes: each outcome's label, and what the pages say."""

from directory.outcomes.models import Outcome
from web.i18n import N_

OUTCOMES: tuple[tuple[str, str], ...] = (
    (Outcome.accepted.value, N_("Accepted")),
    (Outcome.turned_away_full.value, N_("Turned away: full")),
    (Outcome.turned_away_not_eligible.value, N_("Turned away: not eligible")),
    (Outcome.turned_away_no_answer.value, N_("Turned away: no answer")),
    (Outcome.turned_away_other.value, N_("Turned away: other reason")),
)
"""Every outcome and its label, in the order the form and the counts show them."""
HOW_TO_RECORD = N_(
    "To record what became of a referral, follow the link “Record an outcome” on a service's "
    "page or on a referral sheet."
)
RECORDED = N_(
    "Thank you: the outcome was counted. Only the service, the month and the outcome are kept."
)
NOT_AN_OUTCOME = N_("Please pick one of the outcomes.")
OUTCOME = N_("Outcome")
OUTCOMES_TITLE = N_("Referral outcomes")
