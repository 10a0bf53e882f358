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

    def __post_init__(self) -> None:
        self.state = self.policy.start()

    def decide(
        self, result: StatusReport | SutroError, *, streaming: bool, hint: JobHint | None
    ) -> Decision:
        """Apply the policy to one poll's ``result``, remembering what it keeps."""
        changed = isinstance(result, StatusReport) and result != self.last_report
        if isinstance(result, StatusReport):
            self.last_report = result
        decision = self.policy.after_result(
            self.state, result, changed=changed, streaming=streaming, once=self.once, hint=hint
        )
        self.state = decision.state
        return decision

    @property
    def live(self) -> bool:
        """Still wanted: not unwatched, finished, or left by a garbage-collected listener."""
        return self.active and self.listener() is not None
