"""Send changes at most a few times a second, but final states and errors at once.

A board of 500 running jobs changes hundreds of times a second; the browser
needs a few repaints a second, and Jupyter drops output past its IOPub rate
limit. A :class:`Coalescer` marks "something changed" and flushes once per
interval (latest wins); an urgent change flushes now, or within
:data:`URGENT_GAP_SECONDS` of the last flush. The delay runs on the
poller's loop, so no thread is made for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..polling.poller import Poller


#: The default pause between two flushes of non-urgent changes.
FLUSH_SECONDS = 0.5
#: A board's saved-notebook copy (``update_display``, which redraws its live view too)
#: is re-published at most this often while its jobs end; the last end goes at once.
SAVED_VIEW_SECONDS = 3.0
#: Urgent changes (final states, errors) go out at once, but at most this
#: often: 500 jobs ending together are a few flushes of their rows, not 500.
URGENT_GAP_SECONDS = 0.1


class Coalescer:
    """Calls ``flush`` at most once per ``interval``, and within URGENT_GAP for urgent changes."""

    def __init__(
        self, poller: Poller, flush: Callable[[], None], interval: float = FLUSH_SECONDS
    ) -> None:
        self._poller = poller
        self._flush = flush
        self._interval = interval
        self._lock = threading.Lock()
        self._due: float | None = None  # when the scheduled flush is due
        self._flushed_at = float("-inf")

    def mark(self, *, urgent: bool = False) -> None:
        """Something changed; flush now when ``urgent`` (unless one just went), else soon."""
        now = self._poller.clock.monotonic()
        gap = URGENT_GAP_SECONDS
        due = max(now, self._flushed_at + gap) if urgent else now + self._interval
        with self._lock:
            if self._due is not None and self._due <= due:
                return  # a flush at least as early is already on its way
            flush_now = due <= now
            if flush_now:
                self._due, self._flushed_at = None, now
            else:
                self._due = due
        if flush_now:
            self._flush()
            return
        wait = due - now
        import asyncio  # here: loaded with the poller, not with the card's import

        self._poller.submit(lambda _http: asyncio.sleep(wait), lambda _r: self._fire(due))

    def _fire(self, due: float) -> None:
        with self._lock:
            if self._due != due:
                return  # an earlier flush went, or a later one replaced this one
            self._due, self._flushed_at = None, self._poller.clock.monotonic()
        self._flush()
