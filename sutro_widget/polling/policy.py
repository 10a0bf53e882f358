"""When to ask about a job next: a pure function of what the last answer was.

Kept apart from the poller thread so it can be tested in virtual time: no
clock, no threads, no I/O, and randomness (jitter) passed in. The shape:

* right after a change, ask again soon (``initial_interval``): jobs that just
  moved tend to move again (queued -> starting -> running);
* while nothing changes, stretch the interval by ``growth`` up to
  ``max_interval``, so an hours-long job costs few requests;
* after a failure that may pass (network, 5xx, 429, malformed answer), back off
  exponentially with jitter (:func:`backoff`, which progress streams reuse),
  and never come back before a ``Retry-After``; a server that cannot be
  reached at all is retried at least every ``unreachable_max`` seconds, so a
  card is live again within seconds of the server's return;
* after a final status or a failure that will not pass (401/403/404), stop.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..api.limits import MAX_RETRY_AFTER
from ..api.shapes import JobStatus, StatusReport
from ..errors import NetworkError, RateLimitedError, SutroError

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


def backoff(failures: int, initial: float, maximum: float, rand: Random = random.random) -> float:
    """Seconds to wait after ``failures`` failures in a row: doubling, capped, jittered.

    "Equal jitter": between half and all of ``initial * 2**(failures-1)``
    (capped at ``maximum``), so many clients that failed together spread
    out, and no retry ever comes at once. The one backoff of the package:
    status polls and progress-stream reconnects both use it.
    """
    ceiling = min(maximum, initial * 2 ** max(0, failures - 1))
    return float(ceiling / 2 + rand() * ceiling / 2)


@dataclass(frozen=True)
class PollPolicy:
    """How often to poll; every number is in seconds and can be configured.

    The defaults ask once a second while a job is moving, settle at one request
    every 15 s while it is not (240 per job-hour, a third of the official SDK's
    fixed 5 s), back off to at most 2 minutes while the server answers with
    errors, and retry at least every 8 s while it cannot be reached at all.
    """

    initial_interval: float = 1.0
    max_interval: float = 15.0
    growth: float = 1.5
    #: Healthy delays vary by this fraction either way, so that many cards
    #: opened together do not keep asking in lock-step.
    jitter: float = 0.1
    error_initial: float = 2.0
    error_max: float = 120.0
    #: The backoff cap for a server that does not answer at all (connection
    #: refused, timed out): short, so a card recovers within seconds of the
    #: server's return; an answering-but-failing server gets ``error_max``.
    unreachable_max: float = 8.0
    #: A ``Retry-After`` longer than this is cut to it: a misconfigured server
    #: must not silence a card for a day.
    max_retry_after: float = MAX_RETRY_AFTER
    #: After a failed request, a card whose last contact with the server (an
    #: answer or a stream line) is older than this says it lost contact
    #: ("Contact lost · last seen running 12 s ago").
    stale_after: float = 10.0
    #: While a live progress stream is open its end triggers a status check at
    #: once, so polls are a safety net; still often enough (with jitter, under
    #: 15 s) that a stream left open after the job ended cannot hide the end.
    streaming_interval: float = 12.0

    def __post_init__(self) -> None:
        if not 0 < self.initial_interval <= self.max_interval:
            raise ValueError("Need 0 < initial_interval <= max_interval.")
        if self.growth < 1:
            raise ValueError("growth must be at least 1 (intervals never shrink on their own).")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1).")
        if not 0 < self.error_initial <= min(self.error_max, self.unreachable_max):
            raise ValueError("Need 0 < error_initial <= error_max and unreachable_max.")
        if not self.stale_after > 0:
            raise ValueError("stale_after must be positive.")

    @property
    def stale_threshold(self) -> float:
        """Seconds without contact after which a failing card says it lost contact."""
        return self.stale_after

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

    def after_result(
        self,
        state: PollState,
        result: StatusReport | SutroError,
        *,
        changed: bool,
        streaming: bool,
        once: bool = False,
    ) -> Decision:
        """Decide after one poll of either outcome (what the poller calls).

        ``once`` (a single refresh of a card that is not polling) never
        schedules another poll; ``streaming`` counts only while the job runs.
        """
        if isinstance(result, SutroError):
            decision = self.after_error(state, result)
            return Decision(decision.state, None) if once else decision
        return self.after_answer(
            state,
            changed=changed,
            final=result.is_final or once,
            streaming=streaming and result.status is JobStatus.RUNNING,
        )

    def after_error(
        self, state: PollState, error: SutroError, *, rand: Random = random.random
    ) -> Decision:
        """Decide after a failure: stop if it cannot pass, else back off with jitter."""
        failures = state.failures + 1
        next_state = replace(state, failures=failures)
        if not error.transient:
            return Decision(next_state, None)
        cap = self.unreachable_max if isinstance(error, NetworkError) else self.error_max
        delay = backoff(failures, self.error_initial, cap, rand)
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            delay = max(delay, min(error.retry_after, self.max_retry_after))
        return Decision(next_state, delay)
