"""One watch per job, however many views show it: re-running a cell costs no requests.

A :class:`JobFeed` is the poller's one listener for a (deployment, key, job,
policy): it polls once, reads one progress stream, and tells every
:class:`FeedView` that follows it. Details come with the polls where the
deployment's ``jobs/{id}`` answers them (:mod:`~.details_support`); elsewhere
they are fetched once after the first answer and once after the end (behind
status polls, never on a deployment known to have none). It also tells the policy what it knows
(:meth:`JobFeed.job_hint`: the job's real age, rows and rate).
A view that joins late is told the latest state at once, without a request.
Views are held weakly: a dropped card stops being told, and the watch ends
with the last view. Nothing here knows what a view draws.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any, Protocol

import httpx

from ..api.client import SutroClient
from ..api.shapes import StatusReport, epoch_seconds
from ..errors import SutroError
from .policy import JobHint, PollPolicy
from .poller import Poller
from .progress import ProgressTracker
from .requests import deliver
from .shared import per_poller
from .slots import OPTIONAL
from .watch import Watch

DetailsResult = dict[str, Any] | SutroError


class FeedView(Protocol):
    """Whatever shows a job (a card, a board row); every call comes on any thread."""

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """A status answer or the error in its way (replayed to a view that joins late)."""

    def on_progress_view(self, progress: dict[str, Any], *, heard: bool) -> None:
        """The job's live progress; ``heard``: the stream just said something."""

    def on_details(self, result: DetailsResult, *, final: bool) -> None:
        """The job's details (``final``: fetched after the job ended), or why there are none."""


class JobFeed:
    """The shared watch of one job; see the module docstring."""

    def __init__(
        self,
        poller: Poller,
        client: SutroClient,
        job_id: str,
        policy: PollPolicy,
    ):
        self.job_id = job_id
        self._poller = poller
        self._client = client
        self._policy = policy
        self._lock = threading.RLock()
        self._views: weakref.WeakSet[FeedView] = weakref.WeakSet()
        self._watch: Watch | None = None
        self._tracker = ProgressTracker()
        self._last: tuple[StatusReport | SutroError, bool] | None = None
        self._progress: dict[str, Any] = {}
        self._details: tuple[DetailsResult, bool] | None = None
        self._details_asked = False
        #: When the job started running, on the monotonic clock (from ``datetime_started``
        #: once, so a wall clock that jumps later changes no decision).
        self._started_mono: float | None = None

    @property
    def active(self) -> bool:
        """Whether the job is being polled now."""
        return self._watch is not None and self._watch.active

    def join(self, view: FeedView) -> None:
        """Start telling ``view``; replay what is known, and start polling if needed."""
        with self._lock:
            self._views.add(view)
            last, progress, details = self._last, dict(self._progress), self._details
            finished = isinstance(last, tuple) and isinstance(last[0], StatusReport)
            finished = finished and last[0].is_final  # type: ignore[union-attr, index]
            if not self.active and not finished:
                self._watch = self._poller.watch(
                    self.job_id, self._client, self, policy=self._policy
                )
                self._last = last = None
        if last is not None:
            deliver(view.on_poll_result, last[0], still_polling=self.active)
        if progress:
            deliver(view.on_progress_view, progress, heard=False)
        if details is not None:
            deliver(view.on_details, details[0], final=details[1])

    def leave(self, view: FeedView) -> None:
        """Stop telling ``view``; the watch ends with the last view."""
        with self._lock:
            self._views.discard(view)
            if not self._views and self._watch is not None:
                self._poller.unwatch(self._watch)
                self._watch = None

    def poll_now(self) -> bool:
        """Ask now (a Refresh); ``False`` when not polling (the caller asks once itself)."""
        watch = self._watch
        if watch is None or not watch.active:
            return False
        self._poller.poll_now(watch)
        return True

    # -- the poller's listener --------------------------------------------------------

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Remember and fan out one poll's outcome, then the details it brought or that are due.

        Views hear the status first: a final status makes them wait for the
        final details, which follow at once when the answer carried them.
        """
        with self._lock:
            before = self._last
            self._last = (result, still_polling)
            if not still_polling:
                self._watch = None
            views = list(self._views)
        was_final = before is not None and isinstance(before[0], StatusReport)
        was_final = was_final and before[0].is_final  # type: ignore[union-attr, index]
        report = result if isinstance(result, StatusReport) else None
        for view in views:
            deliver(view.on_poll_result, result, still_polling=still_polling)
        if report is None:
            return
        if report.details is not None:
            self._details_asked = True  # they came with the answer
            self._on_details(dict(report.details), final=report.is_final)
        elif report.legacy:
            if (report.is_final and not was_final) or not self._details_asked:
                self._details_asked = True  # that API has none: say so without asking
                self._on_details(NO_LEGACY_DETAILS, final=report.is_final)
        elif report.is_final and not was_final:
            self._fetch_details(final=True)  # the final tokens, cost and completion time
        elif not self._details_asked and not self._polls_bring_details():
            self._fetch_details(final=False)

    def _polls_bring_details(self) -> bool:
        """Whether this deployment's next polls carry the details (no request of their own)."""
        return self._poller.details_support.polls_bring_details(self._client.base_url)

    def job_hint(self) -> JobHint | None:
        """What the policy may use beyond the status: the job's age, rows and rate."""
        with self._lock:
            tracker, now = self._tracker, self._poller.clock.monotonic()
            changed = tracker.rows_changed_at
            rate = tracker.rows_per_second()
            started = self._started_mono
            return JobHint(
                running_for=None if started is None else max(0.0, now - started),
                rows_done=tracker.rows_done,
                rows_total=tracker.rows_total,
                rows_per_second=rate,
                progress_age=None if changed is None else now - changed,
            )

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Fold stream updates once, and fan out the progress view if it changed."""
        now = self._poller.clock.monotonic()
        with self._lock:
            for update in updates:
                self._tracker.apply(update, now)
            if self._tracker.has_news:
                view = self._tracker.view(streaming=streaming)
            elif self._progress:
                view = {**self._progress, "streaming": streaming}
            else:
                view = {}
            changed = view != self._progress
            self._progress = view
            views = list(self._views)
        for subscriber in views:
            if changed or updates:
                deliver(subscriber.on_progress_view, view, heard=bool(updates))

    # -- details ------------------------------------------------------------------

    def _fetch_details(self, *, final: bool) -> None:
        """Ask for details (once the job's status answered), unless the deployment has none."""
        self._details_asked = True
        job_id, client, support = self.job_id, self._client, self._poller.details_support
        missing = support.missing(client.base_url)
        if missing is not None:  # this deployment has none: say so without asking
            self._on_details(missing, final=final)
            return

        async def fetch(http: httpx.AsyncClient) -> DetailsResult | None:
            if not self._views:
                return None  # nobody is left to show them
            return await support.fetch(
                client.base_url, lambda: client.fetch_details_async(job_id, http)
            )

        def done(result: DetailsResult | None) -> None:
            if result is not None:
                self._on_details(result, final=final)

        self._poller.submit(fetch, done, base_url=client.base_url, priority=OPTIONAL)

    def _on_details(self, result: DetailsResult, *, final: bool) -> None:
        with self._lock:
            if isinstance(result, dict) and self._started_mono is None:
                running_for = _running_for(result)
                if running_for is not None:
                    self._started_mono = self._poller.clock.monotonic() - running_for
            if isinstance(result, dict):
                rows = result.get("num_rows")
                if isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0:
                    self._tracker.rows_total = rows
                    if self._progress:
                        self._progress = {**self._progress, "rows_total": rows}
            self._details = (result, final)
            views = list(self._views)
        for view in views:
            deliver(view.on_details, result, final=final)


#: What a legacy-generation answer implies about details: there is no such route.
NO_LEGACY_DETAILS = SutroError("The legacy API has no job details.", status_code=404)


def _running_for(details: object) -> float | None:
    """Seconds since the job started running, from its details' ``datetime_started``."""
    started = epoch_seconds(details.get("datetime_started")) if isinstance(details, dict) else None
    return None if started is None else max(0.0, time.time() - started)


class Feeds:
    """The feeds of one poller, by (deployment, key, job, policy)."""

    def __init__(self, poller: Poller) -> None:
        self._poller = poller
        self._lock = threading.Lock()
        self._feeds: weakref.WeakValueDictionary[tuple[object, ...], JobFeed] = (
            weakref.WeakValueDictionary()
        )

    def feed(self, client: SutroClient, job_id: str, policy: PollPolicy) -> JobFeed:
        """The feed for this job, made on first use; keep a reference while following."""
        key = (client.base_url, client.key_fingerprint, job_id, policy)
        with self._lock:
            feed = self._feeds.get(key)
            if feed is None:
                feed = JobFeed(self._poller, client, job_id, policy)
                self._feeds[key] = feed
            return feed


#: The shared feeds of ``poller`` (one registry per poller).
feeds_of = per_poller(Feeds)
