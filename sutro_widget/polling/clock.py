"""Where every part of the package reads the time, so tests can move it by hand.

The poller, the progress streams and the card all take a :class:`Clock`:
``monotonic`` for due times and ages, ``wall`` for the epoch times shown to
the user. A test passes a clock it advances itself, so staleness, backoff and
heartbeats are checked in virtual time without sleeping.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A source of the two kinds of time the package needs."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for due times and ages)."""

    def wall(self) -> float:
        """Seconds since the epoch (for the times shown to the user)."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """See :meth:`Clock.monotonic`."""
        return time.monotonic()

    def wall(self) -> float:
        """See :meth:`Clock.wall`."""
        return time.time()


SYSTEM_CLOCK = SystemClock()
