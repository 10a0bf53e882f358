"""What the terminal knows about one job, kept by the poller's listener.

:class:`JobTracker` is a :class:`~sutro_widget.polling.watch.JobListener`: the
poller thread hands it poll results and progress updates, it turns them into
reducer events (the same reducer as the card, so the terminal and the card
never disagree on a state) and folds progress into a
:class:`~sutro_widget.polling.progress.ProgressTracker`. The drawing thread only
ever reads a :class:`JobView`, an immutable snapshot taken under the lock, so
it never sees a half-applied update.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..api.shapes import StatusReport
from ..card.state import Answered, CardState, Event, Failed, Heard, Started, initial, reduce
from ..errors import SutroError
from ..polling.clock import Clock
from ..polling.progress import ProgressTracker


@dataclass(frozen=True)
class JobView:
    """One job as the screen draws it: the card state, progress, name and times."""

    card: CardState
    progress: MappingProxyType[str, Any]
    #: The job's name from its details; ``""`` until (or unless) they arrived.
    name: str
    #: Seconds since following began, frozen once the job is over for us.
    elapsed: float
    #: Why we stopped before the job was over (``gave up after 30 s``), else ``""``.
    cut_short: str = ""

    @property
    def over(self) -> bool:
        """Whether nothing more will be learnt: final, an unfixable problem, or cut short."""
        return self.card.is_final or self.card.fatal is not None or bool(self.cut_short)


class JobTracker:
    """Follows one job for the terminal; see the module docstring.

    ``clock`` is the poller's (wall time for the reducer, monotonic time for
    rates and elapsed time); ``stale_after`` the policy's threshold in seconds.
    """

    def __init__(self, job_id: str, *, clock: Clock, stale_after: float) -> None:
        self.job_id = job_id
        self._clock = clock
        self._stale_after = stale_after
        self._lock = threading.Lock()
        self._card = self._reduced(initial(job_id), Started())
        self._progress = ProgressTracker()
        self._streaming = False
        self._name = ""
        self._started = clock.monotonic()
        self._ended: float | None = None
        self._cut_short = ""
        #: Details to fetch once the job answers, unless the answer brought them
        #: (``jobs/{id}`` polls) or said there are none (the legacy API).
        self._details_wanted = True

    # -- the poller's listener (runs on the poller thread) -------------------------

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Turn one poll's outcome into a reducer event (and take the details it carried)."""
        event: Event
        if isinstance(result, StatusReport):
            event = Answered(result, still_polling)
            if result.details is not None:
                self.on_details(dict(result.details))
            if result.details is not None or result.legacy:
                with self._lock:
                    self._details_wanted = False
        else:
            event = Failed(result, still_polling)
        with self._lock:
            self._card = self._reduced(self._card, event)
            self._mark_end()

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Fold progress-stream updates in; any line at all is a sign of life."""
        now = self._clock.monotonic()
        with self._lock:
            if updates:
                self._card = self._reduced(self._card, Heard())
            for update in updates:
                self._progress.apply(update, now)
            self._streaming = streaming

    def on_details(self, result: dict[str, Any] | SutroError) -> None:
        """Take the name and row count from ``jobs/{id}``; quiet when there are none.

        The legacy API has no details endpoint, so a failure here only means
        the line shows the id and no bar; a failure that may pass (the server
        was unreachable) is retried once the server answers (:meth:`take_details_retry`).
        """
        if isinstance(result, SutroError):
            with self._lock:
                # Ask again once the server answers a status poll (it was down, say).
                self._details_wanted = result.transient
            return
        name, rows = result.get("name"), result.get("num_rows")
        with self._lock:
            if isinstance(name, str):
                self._name = name
            if isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0:
                self._progress.rows_total = rows

    # -- the drawing thread ----------------------------------------------------------

    def cut_short(self, why: str) -> None:
        """Stop here for the reason ``why`` (a timeout, Ctrl-C) unless the job is already over."""
        with self._lock:
            if not self._card.is_final and self._card.fatal is None and not self._cut_short:
                self._cut_short = why
                self._mark_end()

    def take_details_retry(self) -> bool:
        """True (once) when details are wanted and the server has answered: fetch them then.

        Wanted: not brought by the answers, not ruled out (legacy), or failed for a passing reason.
        """
        with self._lock:
            due = self._details_wanted and self._card.status != ""
            if due:
                self._details_wanted = False
            return due

    def view(self) -> JobView:
        """A consistent snapshot of everything the screen shows about this job."""
        with self._lock:
            progress = self._progress.view(streaming=self._streaming)
            end = self._ended if self._ended is not None else self._clock.monotonic()
            return JobView(
                card=self._card,
                progress=MappingProxyType(progress),
                name=self._name,
                elapsed=max(0.0, end - self._started),
                cut_short=self._cut_short,
            )

    # -- internals ---------------------------------------------------------------------

    def _reduced(self, card: CardState, event: Event) -> CardState:
        now, mono = self._clock.wall() * 1000.0, self._clock.monotonic()
        return reduce(card, event, now, stale_after=self._stale_after, mono=mono)

    def _mark_end(self) -> None:
        over = self._card.is_final or self._card.fatal is not None or self._cut_short
        if over and self._ended is None:
            self._ended = self._clock.monotonic()
