"""When to ask about a job next: a pure function of what the last answer was.

Kept apart from the poller thread so it can be tested in virtual time: no
clock, no threads, no I/O, and randomness (jitter) passed in. The shape:

* right after a change, ask again soon (``initial_interval``): jobs that just
  moved tend to move again (queued -> starting -> running);
* while nothing changes, stretch the interval by ``growth`` up to
  ``max_interval``, so an hours-long job costs few requests;
* after a failure that may pass (network, 5xx, 429, malformed answer), back off
  exponentially with jitter, and never come back before a ``Retry-After``;
* after a final status or a failure that will not pass (401/403/404), stop.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from .errors import RateLimitedError, SutroError

#: A source of uniform floats in [0, 1): ``random.random`` in production, a
#: fixed function in tests.
Random = Callable[[], float]


@dataclass(frozen=True)
class PollState:
    """What the policy remembers between two polls of one job."""

    #: The healthy interval the next unchanged answer grows from, in seconds.
    interval: float
    #: Failures since the last good answer; 0 while healthy.
    failures: int = 0


@dataclass(frozen=True)
class Decision:
    """The policy's answer: the state to keep, and seconds until the next poll.

    ``delay`` is ``None`` when polling should stop.
    """

    state: PollState
    delay: float | None

    @property
    def stop(self) -> bool:
        """Whether this job should not be polled again."""
        return self.delay is None


@dataclass(frozen=True)
class PollPolicy:
    """How often to poll; every number is in seconds and can be configured.

    The defaults ask once a second while a job is moving, settle at one request
    every 15 s while it is not (240 per job-hour, a third of the official SDK's
    fixed 5 s), and back off to at most 2 minutes while the server is failing.
    """

    initial_interval: float = 1.0
    max_interval: float = 15.0
    growth: float = 1.5
    #: Healthy delays vary by this fraction either way, so that many cards
    #: opened together do not keep asking in lock-step.
    jitter: float = 0.1
    error_initial: float = 2.0
    error_max: float = 120.0
    #: A ``Retry-After`` longer than this is cut to it: a misconfigured server
    #: must not silence a card for a day.
    max_retry_after: float = 600.0
    #: After this long without a good answer the card calls its state stale
    #: ("last confirmed 2m ago, reconnecting…"); ``None`` means three
    #: ``max_interval``s, i.e. a few polls that should have succeeded and did not.
    stale_after: float | None = None
    #: While a live progress stream is open the stream's end triggers a status
    #: check at once, so polls are only a safety net and come this rarely.
    streaming_interval: float = 60.0

    def __post_init__(self) -> None:
        if not 0 < self.initial_interval <= self.max_interval:
            raise ValueError("Need 0 < initial_interval <= max_interval.")
        if self.growth < 1:
            raise ValueError("growth must be at least 1 (intervals never shrink on their own).")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1).")
        if not 0 < self.error_initial <= self.error_max:
            raise ValueError("Need 0 < error_initial <= error_max.")

    @property
    def stale_threshold(self) -> float:
        """Seconds without a good answer after which the last state is stale."""
        return self.stale_after if self.stale_after is not None else 3 * self.max_interval

    def start(self) -> PollState:
        """The state of a job that has not been polled yet."""
        return PollState(interval=self.initial_interval)

    def after_answer(
        self,
        state: PollState,
        *,
        changed: bool,
        final: bool,
        streaming: bool = False,
        rand: Random = random.random,
    ) -> Decision:
        """Decide after a good answer: stop if final, else soon if it changed, else later.

        With ``streaming`` (a progress stream is open) the next poll waits at
        least ``streaming_interval``.
        """
        if final:
            return Decision(replace(state, failures=0), None)
        if changed:
            interval = self.initial_interval
        else:
            interval = min(self.max_interval, state.interval * self.growth)
        spread = 1 + self.jitter * (2 * rand() - 1)
        wait = max(interval, self.streaming_interval) if streaming else interval
        return Decision(PollState(interval=interval), wait * spread)

    def after_error(
        self, state: PollState, error: SutroError, *, rand: Random = random.random
    ) -> Decision:
        """Decide after a failure: stop if it cannot pass, else back off with jitter."""
        failures = state.failures + 1
        next_state = replace(state, failures=failures)
        if not error.transient:
            return Decision(next_state, None)
        ceiling = min(self.error_max, self.error_initial * 2 ** (failures - 1))
        # "Equal jitter": at least half the ceiling, so retries never bunch at zero.
        delay = ceiling / 2 + rand() * ceiling / 2
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            delay = max(delay, min(error.retry_after, self.max_retry_after))
        return Decision(next_state, delay)
