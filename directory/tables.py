"""Imports every module that defines tables, so that `SQLModel.metadata` knows them all."""

from directory import state
from directory.accounts import service as accounts
from directory.changes import repository as changes
from directory.hsds import coarse_points, models, research_notes, suspensions

__all__ = [
    "accounts",
    "changes",
    "coarse_points",
    "models",
    "research_notes",
    "state",
    "suspensions",
]
