"""One job on a board: the same feed, reducer and truth as a card, without a widget of its own.

A :class:`BoardRow` follows its job's shared feed (so a board and cards on the
same job cost one poll), runs the card-state reducer on what it hears, and
tells its board that it changed; the board decides when to send. Its
:meth:`BoardRow.as_row` is the row the browser draws (``js/board``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..api.client import SutroClient
from ..api.job_id import check_job_id
from ..api.listing import JobRow
from ..api.shapes import StatusReport, epoch_seconds
from ..errors import SutroError
from ..polling.clock import Clock
from ..polling.feeds import JobFeed
from ..polling.poller import Poller
from .fallback import failure_reason
from .sendable import sendable
from .state import Answered, CardState, Event, Failed, Heard, Started, Stopped, initial, reduce

#: Called with (row, urgent): urgent for a final state or a new problem, sent at once.
Changed = Callable[["BoardRow", bool], None]

_TIME_FIELDS = {"created_at": "datetime_created", "started_at": "datetime_started"}


class BoardRow:
    """The state of one job on a board; every method may be called on any thread."""

    def __init__(
        self, job_id: str, order: int, feed: JobFeed | None, *, clock: Clock, stale_after: float
    ) -> None:
        self.job_id = job_id
        self.order = order
        self.feed = feed
        self.card: CardState = initial(job_id)
        self.details: dict[str, Any] = {}
        self.progress: dict[str, Any] = {}
        self.cancel_error = ""
        self.final_details = False
        self._clock = clock
        self._stale_after = stale_after
        self._lock = threading.RLock()
        self._changed: Changed | None = None
        #: The last row drawn, with whether it was unfolded; ``None`` once anything changed.
        self._drawn: tuple[bool, dict[str, Any]] | None = None

    def follow(self, changed: Changed) -> None:
        """Start following the job; ``changed`` hears of every change."""
        self._changed = changed
        self._apply(Started())
        if self.feed is not None:
            self.feed.join(self)

    def seed(self, listed: JobRow) -> None:
        """Start from what list-jobs said (a server answer), before any poll."""
        report = StatusReport(listed.status, listed.raw_status)
        self.details = dict(listed.details)
        self._apply(Answered(report, still_polling=not report.is_final))

    def stop(self) -> None:
        """Stop following (the row was removed or the board closed)."""
        if self.feed is not None:
            self.feed.leave(self)
        self._changed = None
        with self._lock:
            self.card = self._reduced(self.card, Stopped())
            self._drawn = None

    # -- the feed's view --------------------------------------------------------------

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Run the reducer on one poll's outcome."""
        if isinstance(result, StatusReport):
            self._apply(Answered(result, still_polling))
        else:
            self._apply(Failed(result, still_polling))

    def on_progress_view(self, progress: dict[str, Any], *, heard: bool) -> None:
        """Keep the job's live progress; a stream line is also contact."""
        with self._lock:
            self.progress = dict(progress)
        self._apply(Heard() if heard else None)

    def on_details(self, result: dict[str, Any] | SutroError, *, final: bool) -> None:
        """Keep the job's details (name, rows, cost, times)."""
        with self._lock:
            if isinstance(result, dict):
                self.details = {**self.details, **result}
            self.final_details = self.final_details or final
        self._apply(None, urgent=final)

    def cancel(self, client: SutroClient, poller: Poller) -> None:
        """Ask the server to cancel the job; a refusal lands in ``cancel_error``."""
        self.set_cancel_error("")
        job_id = self.job_id

        def done(result: str | SutroError) -> None:
            if isinstance(result, SutroError):
                self.set_cancel_error(str(result))
            elif self.feed is not None:
                self.feed.poll_now()  # show "cancelling" now

        poller.submit(lambda http: client.cancel_async(job_id, http), done)

    def set_cancel_error(self, text: str) -> None:
        """Say why the last cancel of this job was refused or failed ("" to clear)."""
        with self._lock:
            self.cancel_error = text
        self._apply(None, urgent=bool(text))

    # -- the row the browser draws ------------------------------------------------------

    def as_row(self, *, expanded: bool) -> dict[str, Any]:
        """The row, with the full card's fields when a view unfolded it.

        Kept until the row changes: a board of 500 jobs redraws the rows of
        the few that changed, not all of them, on every flush.
        """
        with self._lock:
            if self._drawn is not None and self._drawn[0] == expanded:
                return self._drawn[1]
            card, details, progress = self.card, self.details, self.progress
            row: dict[str, Any] = {
                "job_id": self.job_id,
                "order": self.order,
                "state": card.state,
                "status": card.status,
                "raw_status": card.raw_status,
                "name": details.get("name") if isinstance(details.get("name"), str) else "",
                "rows_done": progress.get("rows_done"),
                "rows_total": progress.get("rows_total", details.get("num_rows")),
                "eta_seconds": progress.get("eta_seconds"),
                "rows_per_second": progress.get("rows_per_second"),
                "tokens_per_second": progress.get("tokens_per_second"),
                "job_cost": details.get("job_cost"),
                "cost_estimate": details.get("cost_estimate"),
                "error": card.error,
                "reason": failure_reason(card.metadata)
                or _reason_of(details.get("failure_reason")),
                "finished_at": card.finished_at,
                "last_checked_at": card.last_checked_at,
                "polling": card.polling,
                "cancel_error": self.cancel_error,
                "card": _card_fields(card, details, progress) if expanded else None,
            }
            for name, field in _TIME_FIELDS.items():
                row[name] = _epoch_ms(details.get(field))
            drawn: dict[str, Any] = sendable(row)
            self._drawn = (expanded, drawn)
        return drawn

    # -- internals --------------------------------------------------------------------

    def _apply(self, event: Any, *, urgent: bool = False) -> None:
        with self._lock:
            before = self.card
            if event is not None:
                self.card = self._reduced(before, event)
            after = self.card
            self._drawn = None
        changed = self._changed
        if changed is not None:
            news = after.state != before.state or after.error != before.error
            changed(self, urgent or (news and (after.is_final or bool(after.error))))

    def _reduced(self, card: CardState, event: Event) -> CardState:
        now, mono = self._clock.wall() * 1000.0, self._clock.monotonic()
        return reduce(card, event, now, stale_after=self._stale_after, mono=mono)


def board_outcome(rows: list[BoardRow], completed: set[str]) -> dict[str, str] | None:
    """For ``JobBoard.wait``: every final status once all are in; raise a job's fatal error."""
    for row in rows:
        if row.card.fatal is not None:
            raise row.card.fatal
    if all(r.card.is_final and r.job_id in completed for r in rows):
        return {r.job_id: r.card.status for r in rows}
    return None


def board_problem(rows: list[BoardRow], timeout: float | None) -> str:
    """What ``JobBoard.wait``'s ``TimeoutError`` says: the jobs still open, and why."""
    still = [f"{r.job_id} ({r.card.state})" for r in rows if not r.card.is_final]
    return f"{len(still)} jobs not finished after {timeout} s: {', '.join(still[:10])}"


def _card_fields(
    card: CardState, details: dict[str, Any], progress: dict[str, Any]
) -> dict[str, Any]:
    return {
        "message": card.message,
        "metadata": dict(card.metadata),
        "details": details,
        "progress": progress,
        "history": [{"status": status, "at": at} for status, at in card.history],
        "results_snippet": card.results_snippet,
        "stale": card.stale,
    }


def _reason_of(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("message")
    return value if isinstance(value, str) else ""


def _epoch_ms(value: object) -> float:
    """An API time as epoch ms, or 0 when absent or unreadable."""
    seconds = epoch_seconds(value)
    return 0.0 if seconds is None else seconds * 1000.0


def check_board_ids(job_ids: Iterable[str]) -> list[str]:
    """The ids a board is made from, each checked; one string is refused, not split."""
    if isinstance(job_ids, str):
        raise TypeError("JobBoard takes a list of job ids; for one job use JobStatusWidget.")
    return [check_job_id(job_id) for job_id in job_ids]
