"""What JupyterLab follows through its server: the account's newest jobs, and any job asked about.

One :class:`ServerJobs` per Jupyter server holds a row per job, the same
:class:`~sutro_widget.card.board_row.BoardRow` a ``JobBoard`` holds in a kernel:
the same feeds, poller, policy and reducer, so a job the page follows costs
what it costs in a kernel, however many pages watch it. Rows come from
``list-jobs`` (a page at a time, and its first page again every
:data:`RELIST_SECONDS` while someone looks, for jobs submitted since) and from
jobs asked about by id (a card whose kernel is gone, a job to watch). Every
change bumps the version; pages wait for the next one (a long poll) and are
sent the rows that changed since the version they have.
Nobody asking for :data:`IDLE_SECONDS` stops everything: the server polls
Sutro only while someone looks. The key stays in this process, found by the
SDK's rules; it is in no answer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from ..api.client import SutroClient
from ..api.job_id import check_job_id
from ..api.listing import JobPage
from ..card.board_row import BoardRow
from ..errors import SutroError
from ..polling.feeds import feeds_of
from ..polling.policy import PollPolicy
from ..polling.poller import Poller
from ..polling.shared import default_poller

#: Jobs per list-jobs page.
PAGE_SIZE = 20
#: The first page is asked again this often while someone looks (new jobs appear).
RELIST_SECONDS = 60.0
#: A page that opens (asks for every row) lists again when the list is older than this.
RELIST_ON_OPEN_SECONDS = 1.0
#: With nobody asking for this long, every row stops and the list is forgotten.
IDLE_SECONDS = 600.0
#: The most rows kept (a page cannot grow the server's memory without bound).
MAX_ROWS = 2000


class ServerJobs:
    """The rows, their version, and who waits for the next; every method is thread-safe."""

    def __init__(
        self,
        *,
        poller: Poller | None = None,
        policy: PollPolicy | None = None,
        client: Callable[[], SutroClient] = SutroClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._poller = poller or default_poller()
        self._policy = policy or PollPolicy()
        self._make_client = client
        self._clock = clock
        self._lock = threading.RLock()
        self._rows: dict[str, BoardRow] = {}
        #: The version at which each row last changed, and the one the rows were last reset at.
        self._changed_at: dict[str, int] = {}
        self._reset_at = 0
        self._expanded: set[str] = set()
        self._client: SutroClient | None = None
        self._version = 0
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._cursor: str | None = None
        #: The last page is in: "Load more" has nothing left to ask (until a reset).
        self._listed_all = False
        self._listed_at = float("-inf")
        self._asked_at = float("-inf")
        self.has_more = False
        self.loading = False
        self.error = ""

    # -- what the page asks ------------------------------------------------------------

    def snapshot(self, after: int = 0) -> dict[str, Any]:
        """What the panel draws: the board's traits, and the rows changed since version ``after``.

        ``full`` says the rows are all of them (``after`` 0, or older than the last reset).
        """
        self._seen()
        if after <= 0:
            self._relist_if_older(RELIST_ON_OPEN_SECONDS)
        with self._lock:
            full = after < self._reset_at or after <= 0
            rows = [
                r.as_row(expanded=r.job_id in self._expanded)
                for r in self._rows.values()
                if full or self._changed_at.get(r.job_id, 0) > after
            ]
            return {
                "version": self._version,
                "full": full,
                "rows": rows,
                "has_more": self.has_more,
                "loading": self.loading,
                "error": self.error,
                "deployment": self._client.base_url if self._client is not None else "",
            }

    async def next_snapshot(self, after: int, timeout: float) -> dict[str, Any]:
        """What changed since ``after``, once anything has (at once if it has) or at ``timeout``."""
        event = asyncio.Event()
        entry = (asyncio.get_running_loop(), event)
        with self._lock:
            ahead = self._version > after
            if not ahead:
                self._waiters.append(entry)
        if not ahead:
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except asyncio.TimeoutError:
                pass
            finally:
                with self._lock:
                    if entry in self._waiters:
                        self._waiters.remove(entry)
        return self.snapshot(after)

    def load_more(self) -> None:
        """Ask for the next list-jobs page (or the first, at the start); after the last, nothing."""
        client = self._ensure_client()
        if client is None:
            return
        with self._lock:
            if self.loading or self._listed_all:
                return
            self.loading, cursor = True, self._cursor
            self._bump()
        self._poller.submit(
            lambda http: client.list_jobs_async(http, limit=PAGE_SIZE, cursor=cursor),
            lambda result: self._on_page(result, first=cursor is None),
        )

    def follow(self, job_id: str) -> None:
        """Follow ``job_id`` too (a card whose kernel is gone, a job to watch)."""
        job_id = check_job_id(job_id)
        client = self._ensure_client()
        if client is None:
            return
        with self._lock:
            if job_id in self._rows or len(self._rows) >= MAX_ROWS:
                return
            row = self._add(job_id, client)
        row.follow(self._row_changed)

    def set_expanded(self, job_id: str, expanded: bool) -> None:
        """Send (or stop sending) the full card fields of ``job_id``'s row."""
        with self._lock:
            (self._expanded.add if expanded else self._expanded.discard)(job_id)
            self._bump(job_id)

    def cancel(self, job_id: str) -> bool:
        """Ask Sutro to cancel ``job_id``; ``False`` when no row follows it here."""
        with self._lock:
            row, client = self._rows.get(job_id), self._client
        if row is None or client is None:
            return False
        row.cancel(client, self._poller)
        return True

    def close(self) -> None:
        """Stop every row (the server is stopping, or nobody looked for a while)."""
        with self._lock:
            rows, self._rows = list(self._rows.values()), {}
            self._expanded.clear()
            self._changed_at.clear()
            self._cursor, self.has_more, self.loading = None, False, False
            self._listed_all = False
            self._listed_at = float("-inf")
            self._bump()
            self._reset_at = self._version
        for row in rows:
            row.stop()

    def tick(self) -> None:
        """Once in a while: list again while someone looks; stop all when nobody has for long."""
        now = self._clock()
        if now - self._asked_at > IDLE_SECONDS:
            if self._rows:
                self.close()
            return
        self._relist_if_older(RELIST_SECONDS)

    # -- internals --------------------------------------------------------------------

    def _seen(self) -> None:
        """A page asked: start on first use (or after an idle stop)."""
        first = self._asked_at == float("-inf") or self._clock() - self._asked_at > IDLE_SECONDS
        self._asked_at = self._clock()
        if first and not self._rows:
            self.load_more()

    def _relist_if_older(self, seconds: float) -> None:
        """Ask the first page again (for jobs submitted since) if the last list is that old."""
        with self._lock:
            if self.loading or self._clock() - self._listed_at <= seconds:
                return
            self._listed_at = self._clock()
        client = self._ensure_client()
        if client is None:
            return
        self._poller.submit(
            lambda http: client.list_jobs_async(http, limit=PAGE_SIZE),
            lambda result: self._on_page(result, first=True, again=True),
        )

    def _ensure_client(self) -> SutroClient | None:
        with self._lock:
            if self._client is None:
                try:
                    client = self._make_client()
                except (SutroError, ValueError) as exc:  # a bad URL or key: say so
                    self.error = str(exc)
                    self._bump()
                    return None
                if client.missing_key is not None:  # found again on the next request
                    self.error = client.missing_key
                    self._bump()
                    return None
                self._client = client
            return self._client

    def _on_page(self, result: JobPage | SutroError, *, first: bool, again: bool = False) -> None:
        if isinstance(result, SutroError):
            with self._lock:
                self.error = f"Could not list the account's jobs: {result}"
                self.loading = self.loading and again
                self._bump()
            return
        new: list[BoardRow] = []
        with self._lock:
            client = self._client
            assert client is not None
            for listed in result.jobs:
                if listed.job_id in self._rows or len(self._rows) >= MAX_ROWS:
                    continue
                row = self._add(listed.job_id, client, final=listed.status.is_final)
                row.seed(listed)
                new.append(row)
            if not again:
                self._cursor, self.has_more = result.next_cursor, result.next_cursor is not None
                self._listed_all = not self.has_more
                self.loading = False
            if first:
                self._listed_at = self._clock()
            self.error = ""
            self._bump()
        for row in new:
            row.follow(self._row_changed)

    def _add(self, job_id: str, client: SutroClient, *, final: bool = False) -> BoardRow:
        """A new row (caller holds the lock); a final job needs no feed."""
        feed = None if final else feeds_of(self._poller).feed(client, job_id, self._policy)
        clock, stale_after = self._poller.clock, self._policy.stale_after
        row = BoardRow(job_id, len(self._rows), feed, clock=clock, stale_after=stale_after)
        self._rows[job_id] = row
        self._changed_at[job_id] = self._version + 1
        return row

    def _row_changed(self, row: BoardRow, _urgent: bool) -> None:
        with self._lock:
            self._bump(row.job_id)

    def _bump(self, job_id: str | None = None) -> None:
        """A change (of ``job_id``'s row): a new version, every waiting page woken.

        The caller holds the lock.
        """
        self._version += 1
        if job_id is not None:
            self._changed_at[job_id] = self._version
        waiters, self._waiters = self._waiters, []
        for loop, event in waiters:
            loop.call_soon_threadsafe(event.set)
