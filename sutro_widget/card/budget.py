"""A comm budget: all widgets of a poller together send at most ~100 updates a second.

Each running card's progress stream can change it four times a second; 500
cards would send 2,000 messages a second, twice Jupyter's IOPub rate limit,
past which the notebook drops output. So routine updates (progress, the
"checked" heartbeat) spend tokens from one bucket shared by every widget; a
widget that finds it empty is queued and sent later, with whatever its traits
hold by then (latest wins). Changes of state, errors and final states are
never queued: they are what the user is waiting to see.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from ..polling.poller import Poller
from ..polling.shared import per_poller

#: Routine updates per second, for every widget of one poller together.
RATE_PER_SECOND = 100.0
#: How often queued widgets are drained.
DRAIN_SECONDS = 0.1
#: Traits whose change is news and goes out at once, whatever the budget.
URGENT_TRAITS = frozenset(
    {"state", "status", "raw_status", "error", "finished_at", "cancel_error", "polling", "stale"}
)

Flush = Callable[[], None]


class CommBudget:
    """A token bucket of routine sends, and the queue of widgets waiting for a token."""

    def __init__(self, poller: Poller, rate: float = RATE_PER_SECOND) -> None:
        self._poller = poller
        self._rate = rate
        self._lock = threading.Lock()
        self._tokens = rate
        self._refilled = poller.clock.monotonic()
        self._waiting: dict[int, Flush] = {}
        self._draining = False

    def take(self) -> bool:
        """Spend one token if there is one (a routine send may go now)."""
        with self._lock:
            self._refill()
            if self._tokens >= 1 and not self._waiting:
                self._tokens -= 1
                return True
            return False

    def queue(self, key: int, flush: Flush) -> None:
        """Send ``flush`` later, once per key however often it is queued (latest wins)."""
        with self._lock:
            self._waiting.setdefault(key, flush)
            start = not self._draining
            self._draining = True
        if start:
            self._schedule()

    def _refill(self) -> None:
        now = self._poller.clock.monotonic()
        self._tokens = min(self._rate, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now

    def _schedule(self) -> None:
        self._poller.submit(lambda _http: asyncio.sleep(DRAIN_SECONDS), self._drain)

    def _drain(self, _result: object) -> None:
        with self._lock:
            self._refill()
            count = min(len(self._waiting), int(self._tokens))
            keys = list(self._waiting)[:count]
            due = [self._waiting.pop(key) for key in keys]
            self._tokens -= len(due)
            more = bool(self._waiting)
            self._draining = more
        for flush in due:
            flush()
        if more:
            self._schedule()


#: The comm budget shared by every widget of ``poller``.
budget_of = per_poller(CommBudget)
