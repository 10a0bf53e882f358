"""Every job in one place: a board of rows, one widget, one poll per job.

``JobBoard(["job-1", "job-2"])`` shows a compact row per job, counts per
state, totals and cost, "Cancel all running", and unfolds a row into the full
card. Rows follow the same shared feeds as cards, so a board and ten cards on
one job cost one card's requests. Rows are sent at most twice a second
(:mod:`~sutro_widget.card.coalesce`); final states and errors at once.
``JobBoard.recent()`` lists the account's newest jobs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import traitlets

from ..api.client import SutroClient
from ..api.job_id import check_job_id
from ..api.listing import JobPage, check_page_size
from ..errors import SutroError
from ..polling.feeds import feeds_of
from ..polling.policy import PollPolicy
from ..polling.poller import Poller
from ..polling.shared import default_poller
from .assets import BOARD_ESM, CSS
from .board_fallback import render_board_html, render_board_text
from .board_messages import handle_board_message
from .board_row import BoardRow, board_outcome, board_problem, check_board_ids
from .budget import budget_of
from .coalesce import SAVED_VIEW_SECONDS, Coalescer
from .host_widget import HostWidget
from .hosts import resolve_sync
from .waiting import run_callback, wait_blocking

log = logging.getLogger(__name__)

#: What "Cancel all running" cancels: what the header counts as "running". Other
#: unfinished jobs stay, and the confirm says how many; each row can cancel one.
CANCELLABLE = frozenset({"running"})
BoardCallback = Callable[[str, str], object]


class JobBoard(HostWidget):
    """A live board of many Sutro jobs; see the module docstring.

    Rows are written only by :meth:`_flush`, under the board's lock. After
    :meth:`close`, :meth:`add` raises ``RuntimeError``; ``close`` is final.
    """

    _esm = BOARD_ESM
    _entry = "board.js"
    _css = CSS

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
        sync: str = "auto",
        **kwargs: Any,
    ) -> None:
        ids = check_board_ids(job_ids)
        sync_mode = resolve_sync(sync)
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
        super().__init__(title=title, sync_mode=sync_mode, budget=budget_of(self._poller), **kwargs)
        self._copy_pace = Coalescer(self._poller, self.saved_view.refresh, SAVED_VIEW_SECONDS)
        self.on_msg(self._on_browser_message)
        self._ready = True
        for job_id in ids:
            self.add(job_id)
        self._flush()  # every row at once ("connecting"), not after the first answers

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
        return wait_blocking(self._changed, self._outcome, self._problem, timeout)

    def on_complete(self, callback: BoardCallback) -> BoardCallback:
        """Call ``callback(job_id, final_status)`` once per job when it finishes."""
        with self._lock:
            self._on_complete.append(callback)
            done = [(r.job_id, r.card.status) for r in self._rows.values() if r.card.is_final]
        for job_id, status in done:
            run_callback(callback, job_id, status)
        return callback

    def cancel(self, job_id: str) -> None:
        """Ask the server to cancel one job of the board; returns at once."""
        with self._lock:
            row = self._rows.get(job_id)
        if row is None:
            raise KeyError(f"Job {job_id!r} is not on this board.")
        row.cancel(self._client, self._poller)

    def cancel_all(self) -> list[str]:
        """Cancel every running job (not the queued or starting ones); return their ids."""
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
        page_size = check_page_size(limit)  # before anything starts
        board = cls((), api_key, base_url, title="Recent jobs", **options)
        board._page_size = page_size
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
        self.saved_view.refresh()
        self._client.close()
        super().close()

    # -- rows --------------------------------------------------------------------------

    def _new_row(self, job_id: str, feed: Any) -> BoardRow:
        row = BoardRow(
            job_id,
            len(self._rows),
            feed,
            clock=self._poller.clock,
            stale_after=self._policy.stale_after,
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
            all_ended = self._rows.keys() <= self._completed
        if first:
            for callback in list(self._on_complete):
                run_callback(callback, row.job_id, row.card.status)
            if all_ended:  # a copy redraws the board: the last end at once, the others paced
                self.saved_view.refresh()
            else:
                self.saved_view.refresh_soon(self._copy_pace.mark)
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

    def _outcome(self) -> dict[str, str] | None:
        return board_outcome(list(self._rows.values()), self._completed)

    def _problem(self, timeout: float | None) -> str:
        return board_problem(list(self._rows.values()), timeout)

    # -- browser messages and representations --------------------------------------------

    def _on_browser_message(self, _widget: object, content: object, _buffers: object) -> None:
        if not self._closed:
            handle_board_message(self, content)

    def refresh_job(self, job_id: str) -> None:
        """Ask about one job now (its row's Refresh or Retry)."""
        row = self._rows.get(job_id)
        if row is not None and row.feed is not None and not row.feed.poll_now():
            row.follow(self._row_changed)  # its watch had ended (not found, unreachable)

    def set_expanded(self, job_id: str, expanded: bool) -> None:
        """A view unfolded (or folded) a row: send (or stop sending) its full card."""
        with self._lock:
            count = self._expanded.get(job_id, 0) + (1 if expanded else -1)
            self._expanded[job_id] = count
            if count <= 0:
                del self._expanded[job_id]
        self._coalescer.mark(urgent=True)

    def __repr__(self) -> str:
        if not self._ready:
            return f"<{type(self).__name__} (not created)>"
        return render_board_text([r.card for r in self._rows.values()])

    def static_html(self) -> str:
        """The saved notebook's stand-in, kept true by the saved view."""
        return render_board_html([(r.card, r.details) for r in self._rows.values()])
