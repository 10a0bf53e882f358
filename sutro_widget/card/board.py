"""Every job in one place: a board of rows, one widget, one poll per job.

``JobBoard(["job-1", "job-2"])`` shows a compact row per job (state, name,
progress, time left; the failure reason when one failed), counts per state,
totals and cost, a "Cancel all running" action, and unfolds a row into the
full card. Rows follow the same shared feeds as cards, so a board and ten
cards on one job cost the requests of one. Changes are sent at most twice a
second (:class:`~sutro_widget.card.coalesce.Coalescer`); final states and
errors at once. ``JobBoard.recent()`` lists the account's newest jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import anywidget
import traitlets

from ..api.client import SutroClient
from ..api.ids import check_job_id
from ..api.listing import JobPage
from ..errors import SutroError
from ..polling.feeds import feeds_of
from ..polling.policy import PollPolicy
from ..polling.poller import Poller
from ..polling.shared import default_poller
from .assets import BOARD_ESM, CSS
from .board_fallback import render_board_html, render_board_text
from .board_row import BoardRow
from .coalesce import Coalescer
from .saved_view import SavedView
from .waiting import wait_blocking

log = logging.getLogger(__name__)

#: What "Cancel all running" cancels: jobs that are still on their way.
CANCELLABLE = frozenset({"pending", "submitted", "queued", "starting", "running", "unknown"})
BoardCallback = Callable[[str, str], object]


class JobBoard(anywidget.AnyWidget):
    """A live board of many Sutro jobs; see the module docstring.

    Rows are written only by :meth:`_flush`, under the board's lock. After
    :meth:`close`, :meth:`add` raises ``RuntimeError``; ``close`` is final.
    """

    _esm = BOARD_ESM
    _css = CSS
    #: False until ``__init__`` finished: a rejected constructor leaves nothing to close.
    _ready = False

    #: One row per job, in the order given (newest first for :meth:`recent`).
    rows: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    #: list-jobs has another page ("Load more").
    has_more = traitlets.Bool(False).tag(sync=True)
    loading = traitlets.Bool(False).tag(sync=True)
    #: A board-level problem ("Could not list jobs: …"), else "".
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        job_ids: Iterable[str] = (),
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        policy: PollPolicy | None = None,
        timeout: float | None = None,
        poller: Poller | None = None,
        title: str = "",
        **kwargs: Any,
    ) -> None:
        ids = _check_ids(job_ids)
        self._client = SutroClient(api_key=api_key, base_url=base_url, timeout=timeout)
        self._poller = poller or default_poller()
        self._policy = policy or PollPolicy()
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._rows: dict[str, BoardRow] = {}
        self._expanded: dict[str, int] = {}
        self._on_complete: list[BoardCallback] = []
        self._completed: set[str] = set()
        self._cursor: str | None = None
        self._page_size = 20
        self._closed = False
        self._coalescer = Coalescer(self._poller, self._flush)
        self._saved_view = SavedView(self._bundle)
        super().__init__(title=title, **kwargs)
        self.on_msg(self._on_browser_message)
        self._ready = True
        for job_id in ids:
            self.add(job_id)

    # -- public API ----------------------------------------------------------------

    @property
    def job_ids(self) -> list[str]:
        """The ids followed, in display order."""
        with self._lock:
            return list(self._rows)

    def add(self, job_id: str) -> None:
        """Follow one more job (a no-op if it is already on the board)."""
        job_id = check_job_id(job_id)
        with self._lock:
            if self._closed:
                raise RuntimeError("This board was closed; add() needs a new JobBoard.")
            if job_id in self._rows:
                return
            feed = feeds_of(self._poller).feed(self._client, job_id, self._policy)
            row = self._new_row(job_id, feed)
        row.follow(self._row_changed)

    def remove(self, job_id: str) -> None:
        """Stop following ``job_id`` and drop its row."""
        with self._lock:
            row = self._rows.pop(job_id, None)
        if row is not None:
            row.stop()
            self._coalescer.mark(urgent=True)

    def wait(self, timeout: float | None = None) -> dict[str, str]:
        """Block until every job is final; return ``{job_id: final status}``.

        Raises like :meth:`JobStatusWidget.wait`: ``TimeoutError`` naming the
        jobs still open, the error that stopped one job for good, or
        ``RuntimeError`` from a callback (the poller thread).
        """
        return wait_blocking(
            self._changed, self._outcome, self._problem, timeout, poller_thread=self._poller.thread
        )

    def on_complete(self, callback: BoardCallback) -> BoardCallback:
        """Call ``callback(job_id, final_status)`` once per job when it finishes."""
        with self._lock:
            self._on_complete.append(callback)
            done = [(r.job_id, r.card.status) for r in self._rows.values() if r.card.is_final]
        for job_id, status in done:
            _run(callback, job_id, status)
        return callback

    def cancel(self, job_id: str) -> None:
        """Ask the server to cancel one job of the board; returns at once."""
        with self._lock:
            row = self._rows.get(job_id)
        if row is None:
            raise KeyError(f"Job {job_id!r} is not on this board.")
        row.set_cancel_error("")
        client = self._client

        def done(result: str | SutroError) -> None:
            if isinstance(result, SutroError):
                row.set_cancel_error(str(result))
            elif row.feed is not None:
                row.feed.poll_now()

        self._poller.submit(lambda http: client.cancel_async(job_id, http), done)

    def cancel_all(self) -> list[str]:
        """Cancel every job still on its way (queued, running, …); return their ids."""
        with self._lock:
            ids = [r.job_id for r in self._rows.values() if r.card.state in CANCELLABLE]
        for job_id in ids:
            self.cancel(job_id)
        return ids

    @classmethod
    def recent(
        cls,
        limit: int = 20,
        api_key: str | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> JobBoard:
        """A board of the account's newest jobs (``list-jobs``), with "Load more" paging."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise ValueError(f"limit must be a whole number from 1 to 100, not {limit!r}.")
        board = cls((), api_key, base_url, title="Recent jobs", **options)
        board._page_size = limit
        board.load_more()
        return board

    def load_more(self) -> None:
        """Fetch the next page of list-jobs (after :meth:`recent`)."""
        limit, cursor, client = self._page_size, self._cursor, self._client
        self.loading = True
        self._poller.submit(
            lambda http: client.list_jobs_async(http, limit=limit, cursor=cursor), self._on_page
        )

    def close(self) -> None:
        """Stop following every job and close the board in the browser; final."""
        if not self._ready:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            rows = list(self._rows.values())
        for row in rows:
            row.stop()
        self._saved_view.refresh()
        self._client.close()
        super().close()

    # -- rows --------------------------------------------------------------------------

    def _new_row(self, job_id: str, feed: Any) -> BoardRow:
        row = BoardRow(
            job_id,
            len(self._rows),
            feed,
            clock=self._poller.clock,
            stale_after=self._policy.stale_threshold,
        )
        self._rows[job_id] = row
        return row

    def _on_page(self, result: JobPage | SutroError) -> None:
        if isinstance(result, SutroError):
            self.set_trait("error", f"Could not list jobs: {result}")
            self.set_trait("loading", False)
            return
        for listed in result.jobs:
            with self._lock:
                if listed.job_id in self._rows or self._closed:
                    continue
                final = listed.status.is_final  # a final status never changes: no polling
                feed = (
                    None
                    if final
                    else feeds_of(self._poller).feed(self._client, listed.job_id, self._policy)
                )
                row = self._new_row(listed.job_id, feed)
            row.seed(listed)
            row.follow(self._row_changed)
        self._cursor = result.next_cursor
        with self.hold_sync():
            self.has_more, self.loading, self.error = result.next_cursor is not None, False, ""
        self._coalescer.mark(urgent=True)

    def _row_changed(self, row: BoardRow, urgent: bool) -> None:
        final = row.card.is_final and (row.final_details or row.feed is None)
        with self._lock:
            first = final and row.job_id not in self._completed
            if first:
                self._completed.add(row.job_id)
        if first:
            for callback in list(self._on_complete):
                _run(callback, row.job_id, row.card.status)
            self._saved_view.refresh()
        self._coalescer.mark(urgent=urgent)

    def _flush(self) -> None:
        with self._lock:
            rows = [r.as_row(expanded=r.job_id in self._expanded) for r in self._rows.values()]
            try:
                if rows != self.rows:
                    self.rows = rows
            except Exception:  # the browser may miss a change; the kernel must not
                log.exception("could not send the board's rows to the browser")
            finally:
                self._changed.notify_all()

    # -- waiting ------------------------------------------------------------------------

    def _outcome(self) -> dict[str, str] | None:
        rows = list(self._rows.values())
        for row in rows:
            if row.card.fatal is not None:
                raise row.card.fatal
        if all(r.card.is_final and r.job_id in self._completed for r in rows):
            return {r.job_id: r.card.status for r in rows}
        return None

    def _problem(self, timeout: float | None) -> str:
        still = [f"{r.job_id} ({r.card.state})" for r in self._rows.values() if not r.card.is_final]
        return f"{len(still)} jobs not finished after {timeout} s: {', '.join(still[:10])}"

    # -- browser messages and representations --------------------------------------------

    def _on_browser_message(self, _widget: object, content: object, _buffers: object) -> None:
        if not isinstance(content, dict) or self._closed:
            return
        action, job_id = content.get("type"), content.get("job_id")
        if action == "cancel_all":
            self.cancel_all()
        elif action == "load_more":
            self.load_more()
        elif isinstance(job_id, str) and job_id in self._rows:
            self._on_row_message(action, job_id)

    def _on_row_message(self, action: object, job_id: str) -> None:
        row = self._rows[job_id]
        if action == "cancel":
            self.cancel(job_id)
        elif action in ("refresh", "retry") and row.feed is not None:
            if not row.feed.poll_now():
                row.follow(self._row_changed)
        elif action in ("expand", "collapse"):
            with self._lock:
                count = self._expanded.get(job_id, 0) + (1 if action == "expand" else -1)
                self._expanded[job_id] = count
                if count <= 0:
                    del self._expanded[job_id]
            self._coalescer.mark(urgent=True)

    def __repr__(self) -> str:
        if not self._ready:
            return f"<{type(self).__name__} (not created)>"
        return render_board_text([r.card for r in self._rows.values()])

    def _bundle(self) -> dict[str, Any]:
        bundle = self._repr_mimebundle_()
        return bundle[0] if bundle else {"text/plain": repr(self)}

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        rows = [(r.card, r.details) for r in self._rows.values()]
        return {**data, "text/plain": repr(self), "text/html": render_board_html(rows)}, metadata

    def _ipython_display_(self) -> None:
        """Display with a ``display_id``, so the saved output can be kept true later."""
        self._saved_view.show()


def _check_ids(job_ids: Iterable[str]) -> list[str]:
    if isinstance(job_ids, str):
        raise TypeError("JobBoard takes a list of job ids; for one job use JobStatusWidget.")
    return [check_job_id(job_id) for job_id in job_ids]


def _run(callback: BoardCallback, job_id: str, status: str) -> None:
    try:
        callback(job_id, status)
    except Exception:
        log.exception("a sutro-widget board callback raised; the board carries on")
