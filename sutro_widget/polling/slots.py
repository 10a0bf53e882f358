"""Request slots per deployment, handed out by priority: the poller's own queue.

Why not let the connection pool queue them: a burst of cards (2,000 created
in one cell) would put thousands of requests in httpcore's pool queue, whose
handling is quadratic in its length, where queued requests time out and
connections cancelled while connecting leak until no slot is left
(encode/httpcore#1093). So the poller never asks a pool for more
connections than it holds: each request first takes one of a deployment's
:data:`~sutro_widget.api.limits.IN_FLIGHT_PER_ORIGIN` slots here (fewer than
the pool's connections), and waits in this heap, O(log n), in priority
order: status polls and user actions before optional fetches (details).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from ..api.transport import Origin, origin_of

#: Status polls, cancels: what a card is waiting to show.
URGENT = 0
#: Details and other fetches that can wait a few seconds without anyone noticing.
OPTIONAL = 1


class Slots:
    """At most ``size`` holders at once; waiters served by priority, then arrival."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("Need at least one slot.")
        self._free = size
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def held(self, priority: int = URGENT) -> AsyncIterator[None]:
        """Hold one slot for the duration of the block."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # handed a slot as we were cancelled: pass it on
            raise

    def _release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)  # the slot goes straight to the next waiter
                return
        self._free += 1


class OriginSlots:
    """The :class:`Slots` of every deployment, made on first use."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._slots: dict[Origin, Slots] = {}
        self._by_url: dict[str, Slots] = {}

    def of(self, base_url: str) -> Slots:
        """The slots of the deployment at ``base_url`` (one set per origin)."""
        slots = self._by_url.get(base_url)
        if slots is None:
            origin = origin_of(httpx.URL(base_url))
            slots = self._slots.setdefault(origin, Slots(self._size))
            self._by_url[base_url] = slots
        return slots
