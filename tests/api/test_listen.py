"""The index refresher stops when the app shuts down, whatever it is doing at that moment."""

import asyncio

from sqlalchemy import create_engine

from api.listen import refresh_forever, woken_or_timed_out


def test_a_cancellation_that_lands_with_a_wake_up_is_not_lost() -> None:
    """A notification and the shutdown together: the wait must end cancelled, not return (with
    asyncio.wait_for on Python 3.11 it returned, and the refresher went on for ever)."""

    async def wake_and_cancel_together() -> bool:
        woken = asyncio.Event()
        task = asyncio.create_task(woken_or_timed_out(woken, 3600))
        await asyncio.sleep(0)  # the task is waiting
        woken.set()
        task.cancel()
        await asyncio.wait([task], timeout=10)  # a bound on a hang, not a timing
        return task.cancelled()

    assert asyncio.run(wake_and_cancel_together())


def test_the_refresher_stops_at_shutdown_between_and_during_its_refreshes() -> None:
    engine = create_engine("sqlite://")  # no notifications: the timer alone wakes it
    refreshed: list[int] = []
    failures: list[str] = []

    def refresh() -> bool:
        refreshed.append(1)
        return True

    async def start_and_stop() -> bool:
        task = asyncio.create_task(refresh_forever(engine, refresh, 0.000_01, failures.append))
        while len(refreshed) < 3:
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=10)  # a bound on a hang, not a timing
        return task in done and task.cancelled()

    stopped = [asyncio.run(start_and_stop()) for _ in range(200)]
    assert all(stopped), f"{stopped.count(False)} of 200 refreshers did not stop"
    assert failures == []
