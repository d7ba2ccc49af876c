"""The outcome counters' table and the outcomes a referrer may record.

A row is (service, month `YYYY-MM`, outcome) -> how many times it was recorded: no account, no
person, no day, no free text, no address. Counters never change the directory: curators read
them as prompts (`prompts.py`).
"""

from enum import StrEnum

from sqlmodel import Field, SQLModel


class Outcome(StrEnum):
    """What became of a referral, as a social worker records it."""

    accepted = "accepted"
    turned_away_full = "turned_away_full"
    turned_away_not_eligible = "turned_away_not_eligible"
    turned_away_no_answer = "turned_away_no_answer"
    turned_away_other = "turned_away_other"


class ReferralOutcomeCount(SQLModel, table=True):
    """How many referrals to one service had one outcome in one month."""

    __tablename__ = "referral_outcome_count"

    service_id: str = Field(primary_key=True, max_length=36)
    month: str = Field(primary_key=True, max_length=7, index=True)
    outcome: str = Field(primary_key=True, max_length=32)
    count: int = 0


OUTCOME_COUNT = ReferralOutcomeCount.__table__  # type: ignore[attr-defined]
