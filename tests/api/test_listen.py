"""The index refresher stops when the app shuts down, whatever it is doing at that moment."""

import asyncio

from sqlalchemy import create_engine

from api.listen import refresh_forever


def test_the_refresher_stops_at_shutdown_between_and_during_its_refreshes() -> None:
    """Cancelled at any moment, the refresher ends (the app's shutdown waits for it). A hang
    was seen once in the suite: asyncio.wait_for, which it used, returns instead of raising
    when the cancellation and the wake-up land together; this loop does not force that moment,
    it checks that the loop without wait_for still stops every time."""
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
