"""A comm budget: all widgets of a poller together send at most ~100 messages a second.

Each running card's progress stream can change it four times a second; 500
cards would send 2,000 messages a second, twice Jupyter's IOPub rate limit,
past which the notebook drops output. So every send from the poller thread
counts in one sliding window shared by every widget: at most
:data:`RATE_PER_SECOND` in any second. A widget that finds no room is queued
and sent later with whatever its traits hold by then (latest wins). Three
tiers, drained in this order:

* **urgent** (errors, a lost contact, a final state: :data:`URGENT_TRAITS`)
  goes out at once: routine sends may fill only :data:`ROUTINE_SHARE` of the
  window, so no progress traffic can hold it back. Only more than ~20 urgent
  sends in one second (hundreds of jobs ending together) make the rest wait,
  first in line, rather than break the limit;
* **news** (a change of state, :data:`NEWS_TRAITS`: a card's first status,
  queued -> running) may use the whole window, ahead of routine sends;
* **routine** (progress, the "checked" heartbeat) gets what is left.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..polling.shared import per_poller

if TYPE_CHECKING:
    from ..polling.poller import Poller

#: Sends per second, for every widget of one poller together (a sliding window).
RATE_PER_SECOND = 100
WINDOW_SECONDS = 1.0
#: The part of the window routine sends may fill: the rest is kept for news and urgent sends.
ROUTINE_SHARE = 0.8
#: How often queued widgets are drained.
DRAIN_SECONDS = 0.1
#: Traits whose change goes out at once, whatever the budget.
URGENT_TRAITS = frozenset({"error", "finished_at", "cancel_error", "polling", "stale"})
#: Traits whose change goes ahead of routine sends (but within the budget).
NEWS_TRAITS = frozenset({"state", "status", "raw_status"})

#: The tiers, in the order they are served.
URGENT, NEWS, ROUTINE = 0, 1, 2

#: Sends what a widget held back; ``True`` if it sent anything.
Flush = Callable[[], bool]


class CommBudget:
    """The sliding window of sends, and the widgets waiting for room, news first."""

    def __init__(self, poller: Poller, rate: int = RATE_PER_SECOND) -> None:
        self._poller = poller
        self._rate = rate
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self._urgent: dict[int, Flush] = {}
        self._news: dict[int, Flush] = {}
        self._routine: dict[int, Flush] = {}
        self._draining = False

    def take(self, tier: int = ROUTINE) -> bool:
        """Count one send of ``tier`` if there is room and nobody ahead waits (it may go now)."""
        with self._lock:
            queues = (self._urgent, self._news, self._routine)[: tier + 1]
            if any(queues) or self._room(tier) < 1:
                return False
            self._sent.append(self._poller.clock.monotonic())
            return True

    def queue(self, key: int, flush: Flush, tier: int = ROUTINE) -> None:
        """Send ``flush`` later, once per key however often it is queued (latest wins).

        A key queued again in a higher tier moves up (its flush sends everything held).
        """
        with self._lock:
            queues = (self._urgent, self._news, self._routine)
            if not any(key in q for q in queues[:tier]):  # not already ahead
                for lower in queues[tier + 1 :]:
                    flush = lower.pop(key, flush)
                queues[tier].setdefault(key, flush)
            start = not self._draining
            self._draining = True
        if start:
            self._schedule()

    def _room(self, tier: int) -> int:
        """Sends ``tier`` may still make in the window ending now (old ones forgotten)."""
        horizon = self._poller.clock.monotonic() - WINDOW_SECONDS
        while self._sent and self._sent[0] <= horizon:
            self._sent.popleft()
        limit = self._rate * ROUTINE_SHARE if tier == ROUTINE else self._rate
        return max(0, int(limit) - len(self._sent))

    def _schedule(self) -> None:
        import asyncio  # here: loaded with the poller, not with the card's import

        self._poller.submit(lambda _http: asyncio.sleep(DRAIN_SECONDS), self._drain)

    def _drain(self, _result: object) -> None:
        with self._lock:
            due: list[Flush] = []
            for tier, waiting in enumerate((self._urgent, self._news, self._routine)):
                room = self._room(tier) - len(due)
                while waiting and room > 0:
                    due.append(waiting.pop(next(iter(waiting))))
                    room -= 1
        sent = [flush() for flush in due]
        with self._lock:
            now = self._poller.clock.monotonic()
            self._sent.extend(now for went in sent if went)
            more = bool(self._urgent or self._news or self._routine)
            self._draining = more
        if more:
            self._schedule()


#: The comm budget shared by every widget of ``poller``.
budget_of = per_poller(CommBudget)
