"""Due times in a heap with lazy removal: when each watch is next asked about.

Pure (no clock, no thread), so it is tested in virtual time; the poller
pushes a watch's next due time and pops whatever is due now.
"""

from __future__ import annotations

import heapq
import itertools

from .watch import Watch


class DueQueue:
    """Due times in a heap, with lazy removal; pure, so it is tested in virtual time."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()

    def push(self, watch: Watch, due: float) -> None:
        """Schedule ``watch`` at ``due``; an earlier entry for it becomes stale."""
        watch.due = due
        heapq.heappush(self._heap, (due, next(self._order), watch))

    def pop_due(self, now: float) -> list[Watch]:
        """Remove and return every live watch due at or before ``now``."""
        ready: list[Watch] = []
        while self._heap and self._heap[0][0] <= now:
            due, _, watch = heapq.heappop(self._heap)
            if self._is_live(watch, due) and watch not in ready:
                ready.append(watch)
        return ready

    def next_due(self) -> float | None:
        """The earliest live due time, dropping stale entries on the way."""
        while self._heap:
            due, _, watch = self._heap[0]
            if self._is_live(watch, due):
                return due
            heapq.heappop(self._heap)
        return None

    def __len__(self) -> int:
        return len(self._heap)

    @staticmethod
    def _is_live(watch: Watch, due: float) -> bool:
        return watch.live and not watch.in_flight and watch.due == due
