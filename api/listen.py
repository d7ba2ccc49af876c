"""Changes reach every worker and every host at once: PostgreSQL `LISTEN/NOTIFY`, polling behind.

Every write that changes the published directory sends a notification on
`directory.state.CHANNEL` when it commits. Each worker holds one more connection, in a thread,
that listens on that channel and wakes its refresher; the refresher also wakes every
`refresh_seconds` on its own (the fallback: a lost connection, a notification missed, SQLite,
where nothing is sent). The notification carries nothing: the worker reads what changed from
`directory_change`, as when it polls.
"""

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from directory.state import CHANNEL

log = logging.getLogger("passerelle")
RETRY_SECONDS = 5.0


class Listener:
    """A thread listening on `CHANNEL`: calls `wake()` at every notification, and once after
    each (re)connection (changes sent while it was away are read by the refresh)."""

    def __init__(self, engine: Engine, wake: Callable[[], object]) -> None:
        url = engine.url.set(drivername="postgresql")
        self.conninfo = url.render_as_string(hide_password=False)
        self.wake = wake
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="passerelle-listen", daemon=True)

    def start(self) -> "Listener":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg  # here: a worker's start-up imports no more than it needs

        while not self.stopped.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.wake()
                    while not self.stopped.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self.wake()
            except psycopg.Error as error:
                log.warning("change notifications: %s; polling meanwhile", type(error).__name__)
                self.stopped.wait(RETRY_SECONDS)


async def woken_or_timed_out(woken: asyncio.Event, seconds: float) -> None:
    """Return once `woken` is set or `seconds` have passed; a cancellation always passes on.
    (Not `asyncio.wait_for`: on Python 3.11 it returns instead of raising when the event is set
    as the cancellation arrives, and a refresher cancelled then went on for ever.)"""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await woken.wait()


async def refresh_forever(
    engine: Engine,
    refresh: Callable[[], bool],
    seconds: float,
    failed: Callable[[str], None],
) -> None:
    """Run `refresh` (in a thread) at every notification and every `seconds`, forever (cancelled
    at exit); whatever goes wrong is passed to `failed`, and the next wake-up tries again."""
    woken = asyncio.Event()
    loop = asyncio.get_running_loop()
    listener = None
    if engine.dialect.name == "postgresql":
        listener = Listener(engine, lambda: loop.call_soon_threadsafe(woken.set)).start()
    try:
        while True:
            await woken_or_timed_out(woken, seconds)
            woken.clear()
            try:
                await asyncio.to_thread(refresh)
            except Exception as error:  # noqa: BLE001 - the refresher must never die silently
                failed(f"refresh failed ({type(error).__name__})")
    finally:
        if listener is not None:
            await asyncio.to_thread(listener.stop)
