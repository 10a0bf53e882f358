"""What the poller follows (:class:`Watch`) and whom it tells (:class:`JobListener`).

Kept apart from the poller and the streams so that both depend on this
module and not on each other: the poller schedules watches, the streams read
them, and neither imports the other's internals.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..api.client import SutroClient
from ..api.shapes import StatusReport
from ..errors import SutroError
from .policy import Decision, JobHint, PollPolicy, PollState

log = logging.getLogger(__name__)


class JobListener(Protocol):
    """What a watched job reports to; held weakly, so a dropped card stops polling.

    Both methods are called on the poller thread and must not block: they
    record what happened and return.
    """

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """After each status poll, with the answer or the error."""

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """With the progress-stream updates since the last call (``streaming``: still open)."""


def hint_of(listener: object) -> JobHint | None:
    """What the listener knows beyond the status (``job_hint()``, optional), for the policy.

    A listener without the method, or whose method fails, gives no hint: the
    policy then keeps its safe defaults.
    """
    ask = getattr(listener, "job_hint", None)
    if ask is None:
        return None
    try:
        hint = ask()
    except Exception:
        log.exception("a sutro-widget listener's job_hint failed")
        return None
    return hint if isinstance(hint, JobHint) else None


@dataclass(frozen=True)
class _Basis:
    """What one decision started from: the settled state, the poll's result and cost."""

    state: PollState
    result: StatusReport | SutroError
    changed: bool
    requests: int


@dataclass(eq=False)
class Watch:
    """One job being polled for one listener. Returned by ``Poller.watch``."""

    job_id: str
    client: SutroClient
    policy: PollPolicy
    listener: weakref.ReferenceType[JobListener]
    once: bool = False
    state: PollState = field(init=False)
    last_report: StatusReport | None = None
    due: float = 0.0
    in_flight: bool = False
    active: bool = True
    #: A refresh asked for while a request was in flight; honoured when it returns.
    again_now: bool = False
    #: When the last decision was taken (monotonic), and the delay it scheduled.
    decided_at: float | None = None
    scheduled: float = 0.0
    #: What the last decision started from, so a change of the stream can re-decide it.
    _basis: _Basis | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.state = self.policy.start()

    def decide(
        self,
        result: StatusReport | SutroError,
        *,
        streaming: bool,
        hint: JobHint | None,
        now: float,
        requests: int = 1,
    ) -> Decision:
        """Apply the policy to one poll's ``result`` at ``now``, remembering what it keeps.

        The budget is settled first for the time really waited since the last
        decision (a poll that came early or late), so it counts real time;
        ``requests`` is what the poll took (each spends the budget).
        """
        changed = isinstance(result, StatusReport) and result != self.last_report
        if isinstance(result, StatusReport):
            self.last_report = result
        state = self.state
        if self.decided_at is not None:
            waited = now - self.decided_at
            state = self.policy.settle(state, scheduled=self.scheduled, waited=waited)
        self._basis = _Basis(state, result, changed, requests)
        self.decided_at = now
        return self._apply(self._basis, streaming=streaming, hint=hint)

    def redue(self, *, streaming: bool, hint: JobHint | None, now: float) -> float | None:
        """The next due time, the last decision taken again: the stream started or stopped.

        Its delay counts from :attr:`decided_at` (never before ``now``);
        ``None`` before the first decision or when it says stop.
        """
        if self._basis is None or self.decided_at is None:
            return None
        delay = self._apply(self._basis, streaming=streaming, hint=hint).delay
        return None if delay is None else max(now, self.decided_at + delay)

    def credit_wait(self, now: float) -> float:
        """Seconds from ``now`` until one more request fits the budget (early checks wait it)."""
        if self.decided_at is None:
            return 0.0
        return self.policy.credit_wait(self.state, elapsed=now - self.decided_at)

    def _apply(self, basis: _Basis, *, streaming: bool, hint: JobHint | None) -> Decision:
        decision = self.policy.after_result(
            basis.state,
            basis.result,
            changed=basis.changed,
            streaming=streaming,
            once=self.once,
            hint=hint,
            requests=basis.requests,
        )
        self.state = decision.state
        self.scheduled = decision.delay or 0.0
        return decision

    @property
    def live(self) -> bool:
        """Still wanted: not unwatched, finished, or left by a garbage-collected listener."""
        return self.active and self.listener() is not None
