"""Sign-in throttling: growing waits after failed sign-ins, never a lock-out.

Two counters, each a row of `login_throttle` under a keyed hash (neither the e-mail nor the
address is stored):

- per e-mail and client address: every failure doubles the wait before the next try from that
  address (1 s, 2 s, 4 s... at most 15 minutes);
- per e-mail, from any address: the first `PER_ACCOUNT.free_failures` failures in a row cost
  nothing; after them each try on the account waits 1 s, 2 s, 4 s... at most a minute. Guesses
  spread over many addresses are then bounded too (at most one a minute), while the account's
  owner is never locked out: at worst they wait a minute.

An attempt is counted as a failure *before* the password is checked, in the same transaction as
the check that no wait is running (`claim_attempt`), and a correct password wipes both counters
(`forget_failures`). Parallel attempts therefore cannot all pass: one is checked, the others wait.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from directory.accounts.service import LoginThrottle


@dataclass(frozen=True, slots=True)
class Rule:
    free_failures: int
    max_delay_seconds: int

    def delay(self, failures: int) -> int:
        """Seconds to wait after `failures` failures in a row."""
        over = failures - self.free_failures
        return 0 if over <= 0 else min(2 ** (over - 1), self.max_delay_seconds)


PER_ADDRESS = Rule(free_failures=0, max_delay_seconds=15 * 60)
PER_ACCOUNT = Rule(free_failures=20, max_delay_seconds=60)


class TooSoon(Exception):
    """A wait is running: try again in `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"try again in {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class Keys:
    address: str
    account: str


def _keyed(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def throttle_keys(secret: str, *, email: str, client: str) -> Keys:
    """Keyed hashes of (e-mail, client address) and of the e-mail alone."""
    email = email.strip().lower()
    return Keys(
        address=_keyed(secret, f"{email}\0{client}"), account=_keyed(secret, f"{email}\0\0")
    )


def _table() -> Any:
    return LoginThrottle.__table__  # type: ignore[attr-defined]


def _wait(connection: Connection, key: str, now: datetime) -> int:
    table = _table()
    until = connection.execute(
        select(table.c.blocked_until).where(table.c.key == key)
    ).scalar_one_or_none()
    return 0 if until is None else max(0, int((until - now).total_seconds() + 0.999))


def _count(connection: Connection, *, key: str, rule: Rule, now: datetime) -> None:
    table = _table()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        insert(table).values(key=key, failures=0, blocked_until=now).on_conflict_do_nothing()
    )
    failures = connection.execute(
        update(table)
        .where(table.c.key == key, table.c.blocked_until <= now)
        .values(failures=table.c.failures + 1)
        .returning(table.c.failures)
    ).scalar_one_or_none()
    if failures is None:  # a wait is running (perhaps set by a parallel attempt just now)
        raise TooSoon(max(1, _wait(connection, key, now)))
    until = now + timedelta(seconds=rule.delay(int(failures)))
    connection.execute(update(table).where(table.c.key == key).values(blocked_until=until))


def claim_attempt(connection: Connection, *, keys: Keys) -> None:
    """Count this sign-in as failed until it succeeds, or raise TooSoon. The caller's
    transaction must be rolled back on TooSoon and committed before the password is checked."""
    now = datetime.now(UTC)
    _count(connection, key=keys.address, rule=PER_ADDRESS, now=now)
    _count(connection, key=keys.account, rule=PER_ACCOUNT, now=now)


def forget_failures(connection: Connection, *, keys: Keys) -> None:
    """A correct password: both counters start again."""
    table = _table()
    connection.execute(table.delete().where(table.c.key.in_([keys.address, keys.account])))
