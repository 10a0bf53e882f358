"""The notebook card: traits in Python, drawn by ``js/widget.ts`` in the browser.

:class:`JobStatusWidget` wires a :class:`~sutro_widget.api.client.SutroClient`
and the shared poller to the traits the browser reads. What the card shows is
decided by the pure reducer (:mod:`~sutro_widget.card.state`); this class
turns poller results and button presses into reducer events and writes the
changes in one ``hold_sync()`` (one comm message). No HTTP ever runs on the
kernel's comm thread: browser messages only ask the poller to act.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..api.job_id import check_job_id
from ..api.shapes import StatusReport
from ..errors import HostError, SutroError
from .budget import budget_of
from .hosts import CANNOT_POLL, can_poll, resolve_sync
from .one_answer import OneAnswer
from .state import (
    Answered,
    CardState,
    Event,
    Failed,
    Heard,
    Started,
    Stopped,
)
from .view import CardView
from .waiting import JobEvents, StatusCallback, outcome, problem, wait_async, wait_blocking

if TYPE_CHECKING:
    from ..polling.policy import PollPolicy
    from ..polling.poller import Poller

log = logging.getLogger(__name__)


class JobStatusWidget(CardView):
    """A live card for one Sutro job; polling starts as soon as it is created.

    ``JobStatusWidget("job-123")`` finds the key and URL where the official SDK
    does (``SUTRO_API_KEY`` / ``SUTRO_API_URL``, then ``~/.sutro/config.json``);
    pass ``api_key`` / ``base_url`` to override. ``policy`` sets how often to
    poll (:class:`~sutro_widget.polling.policy.PollPolicy`), ``timeout`` the
    seconds one request may take, ``compact=True`` starts every view folded to
    one line. Show it with ``display(w)`` or as a cell's last expression.

    One writer: every synced trait is set only in ``CardView._write``, under
    the card's lock, in one ``hold_sync()``; poll results, progress and
    details arrive there from the poller thread, start/stop/cancel from the
    caller's thread. Problems land in :attr:`error` as one sentence while the last good
    status stays: the card never raises into the kernel from the background.
    After :meth:`close`, :meth:`start`, :meth:`refresh` and :meth:`cancel`
    raise ``RuntimeError``; :meth:`stop` and :meth:`close` do nothing.
    """

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
        compact: bool = False,
        sync: str = "auto",
        notify: bool = False,
        **kwargs: Any,
    ) -> None:
        # The HTTP stack and the poller load with the first card, not with
        # `from sutro_widget import JobStatusWidget` (benchmarks/import_time.py).
        from ..api.client import SutroClient
        from ..polling.feeds import feeds_of
        from ..polling.policy import PollPolicy
        from ..polling.shared import default_poller

        job_id = check_job_id(job_id)
        sync_mode = resolve_sync(sync)
        # Resolve (and validate) key and URL before any trait exists, so a bad
        # URL is a ValueError at the call site, not a message on a dead card.
        self._client = SutroClient(api_key=api_key, base_url=base_url, timeout=timeout)
        self._poller = poller or default_poller()
        self._policy = policy or PollPolicy()
        self._feed = feeds_of(self._poller).feed(self._client, job_id, self._policy)
        self._following = False
        self._one_answer: OneAnswer | None = None
        self._events = JobEvents()
        self._final_details_pending = False
        self._closed = False
        super().__init__(
            job_id,
            clock=self._poller.clock,
            stale_after=self._policy.stale_after,
            compact=compact,
            sync_mode=sync_mode,
            budget=budget_of(self._poller),
            notify=notify,
            deployment=self._client.base_url,
            polling=autostart and can_poll(),  # in the first message, not one more
            **kwargs,
        )
        self.on_msg(self._on_browser_message)
        self._ready = True
        if autostart:
            self.start()

    def start(self) -> None:
        """Start (or resume) following the job; a no-op while already polling.

        Cards and boards on one job (same deployment and key) share one watch.
        """
        with self._lock:
            self._refuse_if_closed("start")
            if self._following and self._feed.active:
                return
            if not can_poll():
                self._apply(Failed(HostError(CANNOT_POLL), still_polling=False))
                return
            self._events.reset_failure()
            self._following = True
            self._apply(Started())
        self._feed.join(self)  # replays what the feed knows, at once

    def stop(self) -> None:
        """Stop following the job (the job itself carries on); the card says it is stopped."""
        if not self._ready:
            return
        with self._lock:
            if self._following:
                self._feed.leave(self)
                self._following = False
            if not self._closed:
                self._apply(Stopped())
        if not self._card.is_final:
            self._events.failed(RuntimeError(f"Following job {self.job_id!r} was stopped."))
        self.saved_view.refresh()

    def refresh(self) -> None:
        """Ask for the status now, whether or not the card is polling."""
        with self._lock:
            self._refuse_if_closed("refresh")
            if not (self._following and self._feed.poll_now()):
                self._one_answer = OneAnswer(self)  # the poller holds listeners weakly
                self._poller.watch(
                    self.job_id, self._client, self._one_answer, policy=self._policy, once=True
                )

    def wait(self, timeout: float | None = None) -> str:
        """Block until the job reaches a final status (and its final details) and return it.

        Raises ``TimeoutError`` naming what stands in the way, the
        :class:`~sutro_widget.errors.SutroError` that stopped polling (a wrong
        key, an unknown job), or ``RuntimeError`` if following was stopped or
        when called from a callback (which runs on the poller thread).
        """
        return wait_blocking(self._changed, self._outcome, self._problem, timeout)

    async def wait_async(self, timeout: float | None = None) -> str:
        """Await the job's final status in asyncio code; raises like :meth:`wait`."""
        return await wait_async(self._events, self._changed, self._outcome, self._problem, timeout)

    def on_change(self, callback: StatusCallback) -> StatusCallback:
        """Call ``callback(status)`` on the poller thread whenever the status changes.

        Returns ``callback``, so this works as a decorator. A callback that
        raises is logged; it never stops the card. It must not block.
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
        reports them; if the server refuses or cannot be reached,
        :attr:`cancel_error` says why.
        """
        self._refuse_if_closed("cancel")
        self._write(cancel_error="")
        job_id, client = self.job_id, self._client
        self._poller.submit(lambda http: client.cancel_async(job_id, http), self._on_cancel_answer)

    def close(self) -> None:
        """Stop following, release connections and close the widget in the browser; final."""
        if not self._ready or self._closed:
            return
        self.stop()
        self._closed = True
        self._client.close()
        super().close()

    # -- the feed's view (called on the poller thread, or at once when joining) -----

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Turn one poll's outcome into a reducer event."""
        with self._lock:
            if isinstance(result, StatusReport):
                event: Event = Answered(result, still_polling)
            else:
                event = Failed(result, still_polling)
            before, after = self._apply(event)
        self._after_poll(before, after)

    def on_progress_view(self, progress: dict[str, Any], *, heard: bool) -> None:
        """Show the job's live progress; a stream line is also a sign of contact."""
        with self._lock:
            if heard:
                self._apply(Heard())
            if progress != self.progress:
                self._write(progress=progress)

    def on_details(self, result: dict[str, Any] | SutroError, *, final: bool) -> None:
        """Show the job's details; the final ones (or their absence) end waiting."""
        with self._lock:
            if isinstance(result, SutroError):
                # Optional extras: the legacy API has no details endpoint; stay quiet.
                log.debug("no details for %s: %s", self.job_id, result)
            else:
                self._write(details=result)
            finishing = final and self._final_details_pending and self._card.is_final
            if finishing:
                self._final_details_pending = False
            self._changed.notify_all()
        if finishing:
            self._events.completed(self._card.status)
            self.saved_view.refresh()

    # -- internals -------------------------------------------------------------------

    def _after_poll(self, before: CardState, after: CardState) -> None:
        # User callbacks run outside the lock: they may call back into the card.
        if after.status != before.status and after.status:
            self._events.changed(after.status)
        if after.is_final and not before.is_final:
            with self._lock:
                # Waiting (and the saved view's update) waits for the final
                # tokens, cost and times, which the feed fetches now.
                self._final_details_pending = True
        elif after.fatal is not None and before.fatal is None:
            self._events.failed(after.fatal)
            self.saved_view.refresh()

    def _on_cancel_answer(self, result: str | SutroError) -> None:
        if isinstance(result, SutroError):
            self._write(cancel_error=str(result))
        elif not self._closed:
            self.refresh()  # show "cancelling" now rather than at the next scheduled poll

    def _outcome(self) -> str | None:
        return outcome(self._card, details_pending=self._final_details_pending)

    def _problem(self, timeout: float | None) -> str:
        return problem(self._card, timeout)

    def _refuse_if_closed(self, action: str) -> None:
        if self._closed:
            raise RuntimeError(f"This card was closed; {action}() needs a new JobStatusWidget.")

    def _on_browser_message(self, _widget: object, content: object, _buffers: object) -> None:
        action = content.get("type") if isinstance(content, dict) else None
        handlers = {
            "refresh": self.refresh,
            "stop": self.stop,
            "resume": self.start,
            "retry": self.start,
            "cancel": self.cancel,
            "sync": self.answer_sync_request,
        }
        handler = handlers.get(action) if isinstance(action, str) else None
        if handler is None or self._closed:
            log.debug("ignoring message from the card: %r", content)
            return
        if action == "retry" and self._following and self._feed.active:
            handler = self.refresh  # still polling (unreachable, stale): ask now
        handler()
