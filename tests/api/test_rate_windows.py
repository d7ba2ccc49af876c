"""The in-process moving window: counts, refusals, Retry-After, idle clients swept, no thread."""

import threading

from limits import parse

from api.rate_windows import LocalWindows

THREE_A_MINUTE = parse("3/minute")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_window_refuses_until_its_oldest_hit_leaves() -> None:
    clock = Clock()
    windows = LocalWindows(clock)
    for second in (0, 10, 20):
        clock.now = 1000 + second
        assert windows.hit(THREE_A_MINUTE, "match", "client")
    clock.now = 1030
    assert not windows.hit(THREE_A_MINUTE, "match", "client")
    assert windows.retry_after(THREE_A_MINUTE, "match", "client") == 30
    clock.now = 1059.5
    assert not windows.hit(THREE_A_MINUTE, "match", "client")
    assert windows.retry_after(THREE_A_MINUTE, "match", "client") == 1
    clock.now = 1060  # the hit at 1000 has left the window; refusals were never counted
    assert windows.hit(THREE_A_MINUTE, "match", "client")
    assert not windows.hit(THREE_A_MINUTE, "match", "client")
    assert windows.retry_after(THREE_A_MINUTE, "match", "client") == 10


def test_buckets_and_clients_are_counted_apart() -> None:
    windows = LocalWindows(Clock())
    assert all(windows.hit(THREE_A_MINUTE, "match", "a") for _ in range(3))
    assert not windows.hit(THREE_A_MINUTE, "match", "a")
    assert windows.hit(THREE_A_MINUTE, "match", "b")
    assert windows.hit(THREE_A_MINUTE, "forms", "a")


def test_idle_clients_are_forgotten_at_the_next_sweep() -> None:
    clock = Clock()
    windows = LocalWindows(clock, sweep_seconds=60)
    windows.hit(THREE_A_MINUTE, "match", "gone")
    clock.now += 30
    windows.hit(THREE_A_MINUTE, "match", "recent")
    assert windows.clients() == 2
    clock.now += 45  # "gone" idle for 75 s, "recent" for 45 s: only one window is over
    windows.hit(THREE_A_MINUTE, "match", "recent")
    assert windows.clients() == 1
    assert windows.retry_after(THREE_A_MINUTE, "match", "gone") == 1


def test_counting_starts_no_thread() -> None:
    windows = LocalWindows()
    before = threading.active_count()
    for n in range(200):
        windows.hit(THREE_A_MINUTE, "match", str(n % 7))
    assert threading.active_count() == before
