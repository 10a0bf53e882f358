"""The notebook card: traitlets in Python, drawn by ``js/widget.ts`` in the browser.

This is the only module that touches traitlets. It wires a :class:`SutroClient`
and the shared :class:`~sutro_widget.poller.Poller` to the traits the browser
reads, writes each poll's changes in one ``hold_sync()`` (one comm message),
and turns browser button presses into requests to the poller: no HTTP ever
runs on the kernel's comm thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from . import snapshot
from .callbacks import JobEvents, StatusCallback
from .client import SutroClient, check_job_id
from .errors import SutroError
from .policy import PollPolicy
from .poller import Poller, Watch, default_poller
from .progress import ProgressTracker
from .status import JobStatus, StatusReport

log = logging.getLogger(__name__)

_STATIC = Path(__file__).parent / "static"

#: An unchanged answer sends nothing to the browser, except that the "checked
#: N s ago" time is refreshed once it is this many seconds old, so a card on a
#: long job keeps saying truthfully that it is alive without a message per poll.
CHECKED_HEARTBEAT_SECONDS = 30.0

#: Shown on a succeeded card: how to fetch the results with the official SDK.
RESULTS_SNIPPET = "import sutro as so\n\nresults = so.get_job_results({job_id!r})"

_UNBUILT_ESM = """
export default { render({ el }) {
  el.textContent = "sutro-widget: the card's JavaScript was not built. "
    + "Run `npm run build` in the source tree, or install the published wheel.";
} };
"""


def _asset(name: str, fallback: str) -> str:
    """The text of a built asset, or ``fallback`` when the card was not built.

    Text, not a ``Path``: anywidget turns a path into a class-level file watcher
    that keeps a reference to every instance forever, so a dropped card could
    never be garbage-collected (and would never stop polling).
    """
    path = _STATIC / name
    return path.read_text(encoding="utf-8") if path.is_file() else fallback


class JobStatusWidget(anywidget.AnyWidget):
    """A live card for one Sutro job; polling starts as soon as it is created.

    ``JobStatusWidget("job-123")`` finds the key and URL where the official SDK
    does (``SUTRO_API_KEY`` / ``SUTRO_API_URL``, then ``~/.sutro/config.json``);
    pass ``api_key`` / ``base_url`` to override. ``base_url`` is used as given:
    the status URL is ``{base_url}/job-status/{job_id}``. ``policy`` sets how
    often to poll (:class:`~sutro_widget.policy.PollPolicy`), ``timeout`` the
    seconds one request may take (default: 5 s to connect, 10 s to answer).

    The status traits are written only by the poller thread. Problems fetching
    the status land in :attr:`error` as one sentence, while the last good
    status stays: the card never raises into the kernel from the background.
    """

    _esm = _asset("widget.js", _UNBUILT_ESM)
    _css = _asset("widget.css", "")

    job_id = traitlets.Unicode(read_only=True).tag(sync=True)
    status = traitlets.Unicode(JobStatus.PENDING.value).tag(sync=True)
    raw_status = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    metadata = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    polling = traitlets.Bool(False).tag(sync=True)
    started_at = traitlets.Float(0.0).tag(sync=True)
    finished_at = traitlets.Float(0.0).tag(sync=True)
    last_checked_at = traitlets.Float(0.0).tag(sync=True)
    #: True while fetching fails and the last good answer is older than the
    #: policy's ``stale_threshold``: the card then says "last confirmed … ago".
    stale = traitlets.Bool(False).tag(sync=True)
    #: Name, model, rows, tokens, cost and times from ``jobs/{id}``; ``{}`` where
    #: the deployment has no such endpoint (the legacy API).
    details = traitlets.Dict().tag(sync=True)
    #: Live progress while the job runs: rows_done, rows_total, input_tokens,
    #: output_tokens, tokens_per_second, eta_seconds, streaming; ``{}`` until known.
    progress = traitlets.Dict().tag(sync=True)
    #: The status changes this card saw, ``[{"status": ..., "at": epoch ms}, ...]``.
    history: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    #: ``""`` or why the last cancel request was refused or failed.
    cancel_error = traitlets.Unicode("").tag(sync=True)
    #: On success, a snippet that fetches the results with the official SDK.
    results_snippet = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        job_id: str,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        policy: PollPolicy | None = None,
        timeout: float | None = None,
        poller: Poller | None = None,
        autostart: bool = True,
        **kwargs: Any,
    ) -> None:
        job_id = check_job_id(job_id)
        # Resolve (and validate) key and URL before any trait exists, so a bad
        # URL is a ValueError at the call site, not a message on a dead card.
        self._client = SutroClient(api_key=api_key, base_url=base_url, timeout=timeout)
        self._poller = poller or default_poller()
        self._policy = policy or PollPolicy()
        self._watch: Watch | None = None
        self._fatal: SutroError | None = None
        self._last_good_monotonic: float | None = None
        self._last_good_ms = 0.0
        self._tracker = ProgressTracker()
        self._events = JobEvents()
        self._changed = threading.Condition()
        super().__init__(**kwargs)
        self.set_trait("job_id", job_id)
        self.started_at = self._now_ms()
        self.on_msg(self._on_browser_message)
        if autostart:
            self.start()

    # -- public API ----------------------------------------------------------------

    def start(self) -> None:
        """Start (or resume) polling; a no-op while already polling."""
        with self._changed:
            if self._watch is not None and self._watch.active:
                return
            self._fatal = None
            self._events.reset_failure()
            self._watch = self._poller.watch(self.job_id, self._client, self, policy=self._policy)
            self.polling = True
        self._fetch_details()

    def stop(self) -> None:
        """Stop polling; the card keeps showing the last state it knew."""
        with self._changed:
            if self._watch is not None:
                self._poller.unwatch(self._watch)
                self._watch = None
            self.polling = False
            self._changed.notify_all()
        if not JobStatus(self.status).is_final:
            self._events.failed(
                RuntimeError(f"Polling of job {self.job_id!r} was stopped before it finished.")
            )

    def refresh(self) -> None:
        """Ask for the status now, whether or not the card is polling."""
        with self._changed:
            if self._watch is not None and self._watch.active:
                self._poller.poll_now(self._watch)
            else:
                self._poller.watch(self.job_id, self._client, self, policy=self._policy, once=True)

    def wait(self, timeout: float | None = None) -> str:
        """Block until the job reaches a final status and return it.

        Raises ``TimeoutError`` after ``timeout`` seconds, the
        :class:`~sutro_widget.errors.SutroError` that stopped polling (a wrong
        key, an unknown job), or ``RuntimeError`` if polling was stopped.
        The card keeps updating in the browser while this blocks.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                final = self._final_or_raise()
                if final is not None:
                    return final
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(
                        f"Job {self.job_id!r} is still {self.status} after {timeout} s."
                    )
                self._changed.wait(remaining)

    async def wait_async(self, timeout: float | None = None) -> str:
        """Await the job's final status in asyncio code (a notebook cell can ``await`` it).

        Raises like :meth:`wait`: ``TimeoutError``, the error that stopped
        polling, or ``RuntimeError`` when polling is stopped.
        """
        with self._changed:
            final = self._final_or_raise()
            if final is not None:
                return final
        future = self._events.add_waiter()
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"Job {self.job_id!r} is still {self.status} after {timeout} s."
            ) from None
        finally:
            self._events.discard_waiter(future)

    def _final_or_raise(self) -> str | None:
        """The final status if reached; raise if waiting can never end; else ``None``."""
        if JobStatus(self.status).is_final:
            return self.status
        if self._fatal is not None:
            raise self._fatal
        if not self.polling:
            raise RuntimeError(
                f"Job {self.job_id!r} is not being polled: call start() before waiting for it."
            )
        return None

    def on_change(self, callback: StatusCallback) -> StatusCallback:
        """Call ``callback(status)`` on the poller thread whenever the status changes.

        Returns ``callback``, so this works as a decorator. A callback that
        raises is logged; it never stops the card.
        """
        self._events.add_change(callback)
        return callback

    def on_complete(self, callback: StatusCallback) -> StatusCallback:
        """Call ``callback(final_status)`` exactly once, when the job finishes.

        Registered after the job finished, it is called at once. Returns
        ``callback``, so this works as a decorator.
        """
        self._events.add_complete(callback)
        return callback

    def cancel(self) -> None:
        """Ask the server to cancel the job; returns at once.

        The card then shows ``cancelling`` and ``cancelled`` as the server
        reports them; if the server refuses (the job already finished) or
        cannot be reached, :attr:`cancel_error` says why.
        """
        self.cancel_error = ""
        job_id, client = self.job_id, self._client
        self._poller.submit(lambda http: client.cancel_async(job_id, http), self._on_cancel_answer)

    def close(self) -> None:
        """Stop polling, release connections and close the widget in the browser."""
        self.stop()
        self._client.close()
        super().close()

    # -- poller callback (runs on the poller thread) -------------------------------

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Write one poll's outcome to the traits: one comm message, or none."""
        with self._changed:
            now = self._now_ms()
            polling = self._watch is not None and self._watch.active
            before = self.status
            with self.hold_sync():
                if isinstance(result, StatusReport):
                    self._apply_report(result, now)
                else:
                    self._apply_error(result, polling)
                if not polling:
                    self._watch = None
                self.polling = polling
            self._changed.notify_all()
            status, fatal = self.status, self._fatal
        # User callbacks run outside the lock: they may call back into the card.
        if status != before:
            self._events.changed(status)
        if JobStatus(status).is_final:
            if status != before:
                self._fetch_details()  # the final tokens, cost and completion time
            self._events.completed(status)
        elif fatal is not None:
            self._events.failed(fatal)

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Fold a batch of progress-stream updates into :attr:`progress` (if it changed)."""
        now = time.monotonic()
        with self._changed:
            for update in updates:
                self._tracker.apply(update, now)
            if self._tracker.rows_done is None and self._tracker.input_tokens is None:
                if self.progress:
                    self.progress = {**self.progress, "streaming": streaming}
                return
            snapshot_now = self._tracker.snapshot(streaming=streaming)
            if snapshot_now != self.progress:
                self.progress = snapshot_now

    def _fetch_details(self) -> None:
        job_id, client = self.job_id, self._client
        self._poller.submit(lambda http: client.fetch_details_async(job_id, http), self._on_details)

    def _on_details(self, result: dict[str, Any] | SutroError) -> None:
        if isinstance(result, SutroError):
            # Optional extras: the legacy API has no details endpoint; stay quiet.
            log.debug("no details for %s: %s", self.job_id, result)
            return
        with self._changed, self.hold_sync():
            self.details = result
            rows = result.get("num_rows")
            if isinstance(rows, int) and not isinstance(rows, bool) and rows >= 0:
                self._tracker.rows_total = rows
                if self.progress:
                    self.progress = {**self.progress, "rows_total": rows}

    def _on_cancel_answer(self, result: str | SutroError) -> None:
        if isinstance(result, SutroError):
            self.cancel_error = str(result)
            return
        self.refresh()  # show "cancelling" now rather than at the next scheduled poll

    def _apply_error(self, error: SutroError, polling: bool) -> None:
        self.error = str(error)
        if not error.transient and not polling:
            self._fatal = error
        last_good = self._last_good_monotonic
        too_old = (
            last_good is not None and time.monotonic() - last_good > self._policy.stale_threshold
        )
        if too_old and not self.stale:
            # Say exactly when the state was last confirmed, not the
            # heartbeat-rounded time the browser has been shown so far.
            self.last_checked_at = self._last_good_ms
            self.stale = True

    def _apply_report(self, report: StatusReport, now: float) -> None:
        changed = (
            report.status.value != self.status
            or report.raw_status != self.raw_status
            or report.message != self.message
            or report.metadata != self.metadata
            or self.error != ""
            or self.stale
        )
        if report.status.value != self.status or not self.history:
            self.history = [*self.history, {"status": report.status.value, "at": now}]
        if report.status is JobStatus.SUCCEEDED and not self.results_snippet:
            self.results_snippet = RESULTS_SNIPPET.format(job_id=self.job_id)
        self.status = report.status.value
        self.raw_status = report.raw_status
        self.message = report.message
        self.metadata = report.metadata
        self.error = ""
        self.stale = False
        self._last_good_monotonic = time.monotonic()
        self._last_good_ms = now
        if report.is_final and not self.finished_at:
            self.finished_at = now
        if changed or now - self.last_checked_at >= CHECKED_HEARTBEAT_SECONDS * 1000:
            self.last_checked_at = now

    # -- browser messages ------------------------------------------------------------

    def _on_browser_message(self, _widget: object, content: object, _buffers: object) -> None:
        action = content.get("type") if isinstance(content, dict) else None
        handlers = {
            "refresh": self.refresh,
            "stop": self.stop,
            "resume": self.start,
            "cancel": self.cancel,
        }
        handler = handlers.get(action) if isinstance(action, str) else None
        if handler is None:
            log.debug("ignoring unknown message from the card: %r", content)
            return
        handler()

    # -- representations ---------------------------------------------------------------

    def card_state(self) -> snapshot.CardState:
        """The values the card shows, for the static fallbacks."""
        return snapshot.CardState(
            job_id=self.job_id,
            status=self.status,
            raw_status=self.raw_status,
            message=self.message,
            metadata=dict(self.metadata),
            error=self.error,
            polling=self.polling,
            stale_for=(self._now_ms() - self.last_checked_at) / 1000 if self.stale else None,
        )

    def __repr__(self) -> str:
        return snapshot.render_text(self.card_state())

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data = {**data, "text/html": snapshot.render_html(self.card_state())}
        return data, metadata

    @staticmethod
    def _now_ms() -> float:
        return time.time() * 1000.0
