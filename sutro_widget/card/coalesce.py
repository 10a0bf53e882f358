"""Send changes at most a few times a second, but final states and errors at once.

A board of 500 running jobs changes hundreds of times a second; the browser
needs a few repaints a second, and Jupyter drops output past its IOPub rate
limit. A :class:`Coalescer` marks "something changed" and flushes once per
interval (latest wins); an urgent change flushes now. The delay runs on the
poller's loop, so no thread is made for it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from ..polling.poller import Poller

#: The default pause between two flushes of non-urgent changes.
FLUSH_SECONDS = 0.5


class Coalescer:
    """Calls ``flush`` at most once per ``interval``, or at once for urgent changes."""

    def __init__(
        self, poller: Poller, flush: Callable[[], None], interval: float = FLUSH_SECONDS
    ) -> None:
        self._poller = poller
        self._flush = flush
        self._interval = interval
        self._lock = threading.Lock()
        self._scheduled = False

    def mark(self, *, urgent: bool = False) -> None:
        """Something changed; flush now when ``urgent``, else within ``interval``."""
        if urgent:
            self._flush()
            return
        with self._lock:
            if self._scheduled:
                return
            self._scheduled = True
        interval = self._interval
        self._poller.submit(lambda _http: asyncio.sleep(interval), self._fire)

    def _fire(self, _result: object) -> None:
        with self._lock:
            self._scheduled = False
        self._flush()
