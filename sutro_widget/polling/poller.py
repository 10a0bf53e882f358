"""The one background thread that polls every job in the process.

However many cards a notebook shows, there is one daemon thread, started on the
first :meth:`Poller.watch` and ended when nothing is left to watch (in a forked
child, started afresh). Its asyncio loop sends every due request on one
``httpx.AsyncClient`` with a pool per deployment, so a hanging answer for one
job never holds up another's poll, a stuck deployment never takes another's
connections, and no thread is ever created per job. A request first waits for a
slot of its deployment (:mod:`~.slots`), status polls first: no burst floods a pool.

Due times live in a heap (:class:`~sutro_widget.polling.due.DueQueue`); other threads
wake the loop early (refresh, a new job, shutdown). A result's meaning is the listener's.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from ..api.client import SutroClient
from ..errors import SutroError
from .loop import PollLoop
from .policy import PollPolicy
from .requests import Submitted
from .slots import URGENT
from .threads import signal_loop
from .watch import JobListener, Watch

T = TypeVar("T")
log = logging.getLogger(__name__)


class Poller(PollLoop):
    """Polls every watched job from one thread; see the module docstring."""

    # -- called from any thread ----------------------------------------------------

    def watch(
        self,
        job_id: str,
        client: SutroClient,
        listener: JobListener,
        *,
        policy: PollPolicy | None = None,
        once: bool = False,
    ) -> Watch:
        """Start polling ``job_id`` now; results go to ``listener`` on the poller thread.

        With ``once=True`` the job is polled once (a refresh of a card that is not polling).
        """
        watch = Watch(
            job_id, client, policy or PollPolicy(), weakref.ref(listener, self._forget), once=once
        )
        with self._lock:
            self._closing = False
            self._watches.add(watch)
            self._queue.push(watch, self.clock.monotonic())
            self._ensure_thread()
        self._wake()
        return watch

    def submit(
        self,
        call: Callable[[httpx.AsyncClient], Awaitable[T]],
        done: Callable[[T | SutroError], None],
        *,
        base_url: str | None = None,
        priority: int = URGENT,
    ) -> None:
        """Run a one-off request (job details, a cancel) on the poller's loop.

        ``done`` gets the result, or the :class:`SutroError` it raised, on the poller
        thread, which runs until every submitted call has finished (each has a deadline).
        A call to ``base_url`` waits for one of that deployment's slots, by ``priority``.
        """
        with self._lock:
            self._closing = False
            self._calls.append(Submitted(call, done, base_url, priority))
            self._ensure_thread()
        self._wake()

    def poll_now(self, watch: Watch) -> None:
        """Ask about ``watch``'s job as soon as possible (a user pressed Refresh)."""
        with self._lock:
            if not watch.active:
                return
            if watch.in_flight:
                watch.again_now = True
            else:
                self._queue.push(watch, self.clock.monotonic())
            self._ensure_thread()
        self._wake()

    def _forget(self, dead: weakref.ReferenceType[JobListener]) -> None:
        """A listener was garbage-collected: wake the loop, which drops its watches.

        Takes no lock: it runs inside the collector, maybe while this thread holds ours.
        """
        del dead
        self._dirty = True
        signal_loop(self._loop, self._wake_event)

    @property
    def thread(self) -> threading.Thread | None:
        """The poller thread while it runs, else ``None``; for tests and diagnostics."""
        return self._thread

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stop watching everything and wait (up to ``timeout``) for the thread to end."""
        with self._lock:
            self._closing = True
            for watch in self._watches:
                watch.active = False
            self._watches.clear()
            thread = self._thread
        self._wake()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
