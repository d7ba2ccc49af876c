"""Imports every module that defines tables, so that `SQLModel.metadata` knows them all."""

from directory import models, state

__all__ = ["models", "state"]
