"""When to ask about a job next: a pure function of what is known about it.

Pure, for tests in virtual time: no clock, threads or I/O; jitter passed in.
The peer to beat is the SDK's ``await_job_completion``: a request every 5 s
(720 per job-hour, a finish seen 2.5 s late at the median). Never worse:

* **a budget at the SDK's pace**: from the first poll, a job earns one
  request per ``budget_interval`` (5 s) of its age and each request spends
  one; healthy intervals are at most ``budget_interval`` while the job can
  end at any moment, so a finish is never seen later than the SDK would;
* **waiting is cheap**: while a job is pending, queued or starting (it
  cannot succeed yet) the interval grows to ``max_interval`` (15 s),
  which saves two thirds of the wait's budget;
* **the savings are spent where the end can be**: while the job runs, the
  saved credit is spread over a horizon as long as the job has been running
  (at least ``horizon_min``): a job that has run 20 minutes is likely to run
  about that long again, so the credit is not all spent in the first seconds;
* **with a stream that delivers rows** (never one merely opened, refused,
  broken or silent) its end shows the finish within milliseconds; polls are a
  safety net every ``streaming_interval`` (``streaming_quiet_interval`` while
  a :class:`JobHint` shows rows flowing; a poll at the predicted end);
* the budget counts real time (:meth:`PollPolicy.settle`): early checks never add up;
* after a failure that may pass, back off exponentially with jitter
  (:func:`backoff`, which streams reuse), never before a ``Retry-After``; an
  unreachable server is retried at least every ``unreachable_max`` seconds;
* after a final status or a failure that will not pass (401/403/404), stop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ..api.limits import MAX_RETRY_AFTER
from ..api.shapes import JobStatus, StatusReport
from ..errors import NetworkError, RateLimitedError, SutroError
from .backoff import Random, backoff
from .hint import JobHint

__all__ = ["WAITING", "Decision", "JobHint", "PollPolicy", "PollState"]

#: Statuses in which a job cannot succeed yet: polled at the slow waiting pace.
WAITING = frozenset({JobStatus.PENDING, JobStatus.SUBMITTED, JobStatus.QUEUED, JobStatus.STARTING})


@dataclass(frozen=True)
class PollState:
    """What the policy remembers between two polls of one job."""

    #: The waiting interval the next unchanged answer grows from, in seconds.
    interval: float
    #: Failures since the last good answer; 0 while healthy.
    failures: int = 0
    #: Seconds of delays since the first poll: the job's age as this card knows it.
    age: float = 0.0
    #: Requests earned (one per ``budget_interval`` of age), not yet spent.
    credit: float = 1.0
    #: ``age`` when the job was first seen running, else ``None``.
    running_since: float | None = None
    #: How much of ``credit`` the last decision added in advance for its delay.
    credited: float = 0.0


@dataclass(frozen=True)
class Decision:
    """The state to keep, and seconds until the next poll (``None``: stop)."""

    state: PollState
    delay: float | None


@dataclass(frozen=True)
class PollPolicy:
    """How often to poll; every number is in seconds and can be configured.

    The defaults never spend more than the official SDK (one request per 5 s
    of the job's age, counted from the first poll) and never leave a running
    job unasked for longer than it would (5 s): see the module docstring.
    """

    initial_interval: float = 1.0
    #: The longest healthy interval while the job waits (pending, queued,
    #: starting), where a finish cannot come.
    max_interval: float = 15.0
    growth: float = 1.5
    #: Healthy delays vary by this fraction either way (never past the budget),
    #: so that many cards opened together do not keep asking in lock-step.
    jitter: float = 0.1
    #: The SDK's pace: a request is earned per this many seconds of age, and
    #: a running job without a stream is asked at least this often.
    budget_interval: float = 5.0
    #: At most this many saved requests are kept; they are spread over at least
    #: ``horizon_min`` seconds of running.
    budget_burst: float = 60.0
    horizon_min: float = 60.0
    #: Requests paid in advance for a card's others; 0, so a queued job re-checks within 5 s.
    reserved: float = 0.0
    #: Saved requests never spent on shorter gaps: the card's others (details, a
    #: 404 showing the deployment has none), so the total stays under the SDK's.
    budget_margin: float = 1.0
    error_initial: float = 2.0
    error_max: float = 120.0
    #: The backoff cap for a server that does not answer (refused, timed out): recovery in seconds.
    unreachable_max: float = 8.0
    #: A longer ``Retry-After`` is cut to this: a server must not silence a card for a day.
    max_retry_after: float = MAX_RETRY_AFTER
    stale_after: float = 10.0  # a failing card with older last contact says so
    #: Under a live stream (whose end triggers a check), the polls' safety net:
    #: under 15 s with jitter, so a stream left open cannot hide the end longer.
    streaming_interval: float = 13.5
    #: The safety net while a :class:`JobHint` shows rows still flowing (fresh, not
    #: at the total); a stalled or finished stream gets ``streaming_interval`` again.
    streaming_quiet_interval: float = 60.0
    #: Progress older than this is stalled; a predicted end is polled this after.
    stall_after: float = 10.0
    eta_margin: float = 0.5

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
        if not (self.budget_interval > 0 and self.budget_burst >= 1 and self.horizon_min > 0):
            raise ValueError("Need budget_interval > 0, budget_burst >= 1, horizon_min > 0.")

    @property
    def pace(self) -> float:
        """Seconds per earned request, and the longest interval while a job can end."""
        return min(self.budget_interval, self.max_interval)

    def start(self) -> PollState:
        """The state of a job that has not been polled yet (its first poll is free)."""
        return PollState(interval=self.initial_interval, credit=1 - self.reserved)

    def after_answer(
        self,
        state: PollState,
        *,
        changed: bool,
        final: bool,
        streaming: bool = False,
        status: JobStatus | None = None,
        hint: JobHint | None = None,
        rand: Random = random.random,
        requests: int = 1,
    ) -> Decision:
        """Decide after a good answer: stop if final, else by phase (module docstring).

        ``status`` ``None`` (not known) counts as running; ``streaming``: a stream delivers rows;
        ``requests``: how many the answer took (each spends the budget).
        """
        if final:
            return Decision(replace(state, failures=0), None)
        state = replace(state, failures=0, credit=state.credit - requests)
        spread = 1 + self.jitter * (2 * rand() - 1)
        if status in WAITING:
            grown = min(self.max_interval, state.interval * self.growth)
            interval = self.initial_interval if changed else grown
            # Growth goes on from what was really waited (the budget's 5 s, not 1 s):
            # a job that cannot end yet settles at 15 s within three polls.
            interval = max(interval, min(self._token_wait(state), self.max_interval))
            waiting = replace(state, interval=interval, running_since=None)
            return self._schedule(waiting, interval * spread)
        if state.running_since is None:
            state = replace(state, running_since=state.age)
        if streaming:
            return self._schedule(state, self._streaming_delay(hint, spread))
        if changed and status is not JobStatus.RUNNING:
            target = self.initial_interval  # cancelling, unknown: may move again soon
        else:
            target = self._running_target(state, hint)
        delay = min(self.pace, max(target * spread, self._token_wait(state)))
        eta = hint.eta if hint is not None else None
        if eta is not None and eta + self.eta_margin < delay:
            delay = max(eta + self.eta_margin, self._token_wait(state))
        return self._schedule(state, delay)

    def after_result(
        self,
        state: PollState,
        result: StatusReport | SutroError,
        *,
        changed: bool,
        streaming: bool,
        once: bool = False,
        hint: JobHint | None = None,
        requests: int = 1,
    ) -> Decision:
        """Decide after one poll of either outcome (what the poller calls).

        ``once`` (a single refresh) never schedules another poll; ``streaming``
        counts only while the job runs; ``requests``: what the poll took.
        """
        if isinstance(result, SutroError):
            decision = self.after_error(state, result, requests=requests)
            return Decision(decision.state, None) if once else decision
        return self.after_answer(
            state,
            changed=changed,
            final=result.is_final or once,
            streaming=streaming and result.status is JobStatus.RUNNING,
            status=result.status,
            hint=hint,
            requests=requests,
        )

    def after_error(
        self,
        state: PollState,
        error: SutroError,
        *,
        rand: Random = random.random,
        requests: int = 1,
    ) -> Decision:
        """Decide after a failure: stop if it cannot pass, else back off with jitter."""
        failures = state.failures + 1
        next_state = replace(state, failures=failures, credit=state.credit - requests)
        if not error.transient:
            return Decision(next_state, None)
        quick = isinstance(error, NetworkError) and not error.least_wait  # down, not misset
        cap = self.unreachable_max if quick else self.error_max
        delay = max(backoff(failures, self.error_initial, cap, rand), error.least_wait)
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            delay = max(delay, min(error.retry_after, self.max_retry_after))
        # Failures spend the budget too: flapping answers never get more than one
        # request ahead of the SDK's pace (a first failure still retries in seconds).
        delay = max(delay, min(max(0.0, -next_state.credit * self.pace), cap))
        return self._schedule(next_state, delay)

    # -- the budget ------------------------------------------------------------------

    def settle(self, state: PollState, *, scheduled: float, waited: float) -> PollState:
        """``state`` as of a poll that came after ``waited`` s, not the ``scheduled`` delay.

        A poll sent early (a refresh, a stream's end) or late (a queue, a sleeping
        laptop) waited more or less than scheduled. The age counts what was waited;
        the budget at most a pace past the schedule: time the process was stopped
        (a laptop lid, a paused kernel) earns no requests to spend in a burst on waking.
        """
        age = max(0.0, state.age - scheduled + waited)
        earned = self._earned(state, min(waited, scheduled + self.pace))
        return replace(state, age=age, credit=earned, credited=0.0)

    def credit_wait(self, state: PollState, *, elapsed: float) -> float:
        """Seconds until one more request is within the budget, ``elapsed`` s after deciding.

        For the checks a stream asks for before the scheduled poll.
        """
        earned = self._earned(state, elapsed)
        return min(self.pace, max(0.0, (1 - earned) * self.pace))  # never past the pace

    def _earned(self, state: PollState, elapsed: float) -> float:
        """The credit ``elapsed`` s after the decision that left ``state`` (capped)."""
        before = state.credit - state.credited
        return min(self.budget_burst, before + max(0.0, elapsed) / self.pace)

    def _token_wait(self, state: PollState) -> float:
        """Seconds until the credit covers one more request (0 when it already does)."""
        return max(0.0, (1 - state.credit) * self.pace)

    def _running_target(self, state: PollState, hint: JobHint | None) -> float:
        """The interval that spends the saved credit evenly over the expected rest of the run.

        A job that has run for ``r`` seconds is expected to run about ``r``
        more (at least ``horizon_min``): the credit above the next request is
        spread over that horizon, on top of the pace it keeps earning.
        """
        known = hint.running_for if hint is not None else None
        running_for = known if known is not None else state.age - (state.running_since or 0.0)
        horizon = max(self.horizon_min, running_for)
        spare = max(0.0, state.credit - self.budget_margin)
        rate = 1 / self.pace + spare / horizon
        return max(self.initial_interval, 1 / rate)

    def _streaming_delay(self, hint: JobHint | None, spread: float) -> float:
        """The safety net under an open stream: rarer while rows visibly flow."""
        interval = self.streaming_interval * spread
        if hint is None or hint.progress_age is None:
            return interval
        done, total = hint.rows_done, hint.rows_total
        at_end = done is not None and total is not None and done >= total
        if at_end or hint.progress_age >= self.stall_after:
            return interval
        quiet = self.streaming_quiet_interval * spread
        eta = hint.eta
        if eta is not None:
            quiet = min(quiet, max(interval, eta + self.stall_after))
        return max(interval, quiet)

    def _schedule(self, state: PollState, delay: float) -> Decision:
        """Keep ``delay`` and credit the age it adds (capped at ``budget_burst``)."""
        credit = min(self.budget_burst, state.credit + delay / self.pace)
        kept = replace(state, age=state.age + delay, credit=credit, credited=credit - state.credit)
        return Decision(kept, delay)
