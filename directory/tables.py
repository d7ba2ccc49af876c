"""Imports every module that defines tables, so that `SQLModel.metadata` knows them all."""

from directory import state
from directory.accounts import models as accounts
from directory.changes import models as changes
from directory.hsds import audit_events, coarse_points, models, research_notes, suspensions
from directory.outcomes import models as outcomes

__all__ = [
    "accounts",
    "audit_events",
    "changes",
    "coarse_points",
    "models",
    "outcomes",
    "research_notes",
    "state",
    "suspensions",
]
