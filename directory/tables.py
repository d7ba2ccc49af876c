"""Imports every module that defines tables, so that `SQLModel.metadata` knows them all."""

from directory import accounts, changes, coarse_points, models, research_notes, state, suspensions

__all__ = [
    "accounts",
    "changes",
    "coarse_points",
    "models",
    "research_notes",
    "state",
    "suspensions",
]
