"""The person a search is for, as the matcher sees it: plain values, nothing stored."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from directory.taxonomy import WELCOME_STATUSES

STATUSES: tuple[str, ...] = tuple(status.value for status in WELCOME_STATUSES)
"""Residence statuses a person may state (besides `unknown`), in `welcome.` order."""
GENDERS = {"woman": "women", "man": "men", "trans": "trans", "nonbinary": "nonbinary"}
"""A person's stated gender -> the `audience.` word for it."""


@dataclass(frozen=True, slots=True)
class Person:
    latitude: float | None = None
    longitude: float | None = None
    in_area: Callable[[str], bool] | None = None
    """Whether a service area (a country or region name) covers where the person is; None when
    the person gave no location (then every remote service is in reach)."""
    max_distance_km: float | None = None
    languages: tuple[str, ...] = ()
    status: str | None = None
    goal: str | None = None
    needs: tuple[str, ...] = ()
    gender: str | None = None
    age: int | None = None
    in_danger_now: bool = False
    controlled_by_someone: bool = False
    anonymous_only: bool = False
    free_only: bool = False
    accessibility: tuple[str, ...] = ()
    """`access.` words the person asks for (`step_free`, ...): a location whose data says no
    to one of them is left out."""
    text: str | None = None
    limit: int = 10
    now: datetime | None = field(default=None, compare=False)
    """The local time where the person is, for "open now" (None: not judged)."""
    reads: str | None = None
    """The language the answer is read in (the request's `lang`): helplines in it, or in one of
    `languages`, come first."""

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < 18

    @property
    def spoken(self) -> tuple[str, ...]:
        """Languages the person can talk in: those stated and the one they read."""
        return tuple(dict.fromkeys((*self.languages, *((self.reads,) if self.reads else ()))))

    @property
    def known_status(self) -> str | None:
        return self.status if self.status in STATUSES else None
