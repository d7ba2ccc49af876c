"""Sign-in throttling: growing waits after failures, never a lock-out, nothing stored in clear."""

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from directory.accounts.login_throttle import (
    PER_ACCOUNT,
    PER_ADDRESS,
    TooSoon,
    claim_attempt,
    forget_failures,
    throttle_keys,
)

SECRET = "test-secret-key"


def test_waits_double_up_to_their_cap_after_the_free_failures() -> None:
    assert [PER_ADDRESS.delay(n) for n in (0, 1, 2, 3, 4)] == [0, 1, 2, 4, 8]
    assert PER_ADDRESS.delay(60) == 15 * 60
    assert PER_ACCOUNT.delay(PER_ACCOUNT.free_failures) == 0
    assert PER_ACCOUNT.delay(PER_ACCOUNT.free_failures + 1) == 1
    assert PER_ACCOUNT.delay(PER_ACCOUNT.free_failures + 40) == 60


def test_keys_ignore_case_and_keep_neither_email_nor_address() -> None:
    keys = throttle_keys(SECRET, email=" Someone@Example.org", client="198.51.100.7")
    assert keys == throttle_keys(SECRET, email="someone@example.org", client="198.51.100.7")
    assert keys.address != throttle_keys(SECRET, email="someone@example.org", client="x").address
    assert keys.account == throttle_keys(SECRET, email="someone@example.org", client="x").account
    assert "someone" not in keys.address + keys.account and "198.51" not in keys.address


def test_a_second_attempt_right_after_a_failure_waits_and_a_success_forgets(
    engine: Engine,
) -> None:
    keys = throttle_keys(SECRET, email="someone@example.org", client="198.51.100.7")
    with engine.begin() as connection:
        claim_attempt(connection, keys=keys)  # the first try costs nothing yet
    with pytest.raises(TooSoon) as waited, engine.begin() as connection:
        claim_attempt(connection, keys=keys)
    assert waited.value.seconds == 1
    other = throttle_keys(SECRET, email="someone@example.org", client="203.0.113.9")
    with engine.begin() as connection:
        claim_attempt(connection, keys=other)  # another address is not held up
        forget_failures(connection, keys=keys)
        forget_failures(connection, keys=other)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM login_throttle")).scalar_one() == 0
        claim_attempt(connection, keys=keys)
