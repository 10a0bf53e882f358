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

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from ..api.client import SutroClient
from ..api.limits import IN_FLIGHT_PER_ORIGIN, ORIGIN_POOL_LIMITS
from ..api.shapes import StatusReport
from ..api.transport import pooled_client
from ..errors import SutroError
from .clock import SYSTEM_CLOCK, Clock
from .due import DueQueue
from .forks import reset_after_fork
from .policy import JobHint, PollPolicy
from .requests import Submitted, Work, ask_in_turn, deliver, run_in_turn
from .slots import URGENT, OriginSlots
from .streams import ProgressStreams, with_fresh_stream
from .threads import POLLER_THREAD_NAME, signal_loop
from .watch import JobListener, Watch, hint_of

T = TypeVar("T")
log = logging.getLogger(__name__)


class Poller:
    """Polls every watched job from one thread; see the module docstring."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SYSTEM_CLOCK
        self._lock = threading.Lock()
        self._watches: set[Watch] = set()
        self._queue = DueQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake_event: asyncio.Event | None = None
        self._closing = False
        #: Watches were removed since the loop last pruned its set (and the streams).
        self._dirty = False
        self._calls: list[Submitted] = []
        self._calls_running = 0
        self._streams: ProgressStreams | None = None
        self._stream_refusals: dict[str, set[str]] = {}  # deployments without the endpoint
        reset_after_fork(self)

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

    def unwatch(self, watch: Watch) -> None:
        """Stop polling ``watch``'s job; a request in flight is abandoned, not reported."""
        with self._lock:
            watch.active = False
            self._watches.discard(watch)
            self._dirty = True
        self._wake()

    def _forget(self, dead: weakref.ReferenceType[JobListener]) -> None:
        """A listener was garbage-collected: wake the loop, which drops its watches.

        Takes no lock: it runs inside the collector, maybe while this thread holds ours.
        """
        del dead
        self._dirty = True
        signal_loop(self._loop, self._wake_event)

    def is_streaming(self, watch: Watch) -> bool:
        """Whether ``watch``'s job has a progress stream open now (the policy asks)."""
        return self._streams is not None and self._streams.is_streaming(watch)

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

    def _after_fork_in_child(self) -> None:
        """In a forked child: forget the parent's dead thread, its lock and requests in flight."""
        self._lock = threading.Lock()
        self._thread = self._loop = self._wake_event = self._streams = None
        self._calls_running = 0
        now = self.clock.monotonic()
        for watch in self._watches:
            watch.in_flight = watch.again_now = False
            self._queue.push(watch, now)

    # -- the thread ------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._thread_main, name=POLLER_THREAD_NAME, daemon=True
            )
            self._thread.start()

    def _wake(self) -> None:
        with self._lock:
            loop, event = self._loop, self._wake_event
        signal_loop(loop, event)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._run())
        except Exception:  # a bug here must not surface as a thread traceback
            log.exception("sutro-widget poller stopped unexpectedly")
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = self._loop = self._wake_event = None
                if self._watches and not self._closing:
                    self._ensure_thread()  # it stopped unexpectedly: start again

    async def _run(self) -> None:
        wake = asyncio.Event()
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._wake_event = wake
        tasks: set[asyncio.Task[None]] = set()
        slots = OriginSlots(IN_FLIGHT_PER_ORIGIN)
        streams = ProgressStreams(self.clock, self.poll_now, self._stream_refusals)
        self._streams = streams
        async with pooled_client(ORIGIN_POOL_LIMITS) as http:
            try:
                while (work := self._take_work(wake)) is not None:
                    if work.live is not None:
                        streams.prune(work.live)
                    started = [self._poll(w, http, slots, wake) for w in work.ready]
                    started += [self._call(call, http, slots, wake) for call in work.calls]
                    for coroutine in started:
                        task = asyncio.create_task(coroutine)
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), work.sleep)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await streams.close()
                self._streams = None

    def _take_work(self, wake: asyncio.Event) -> Work | None:
        """What to start now and how long to sleep after; ``None`` when the loop should end."""
        with self._lock:
            live = None
            if self._dirty:  # rebuilt only when watches went, not on every wake-up
                self._dirty = False
                self._watches = {w for w in self._watches if w.live}
                live = set(self._watches)
            calls, self._calls = self._calls, []
            self._calls_running += len(calls)
            idle = not self._watches and not self._calls_running
            if idle or self._closing:
                self._calls_running = 0  # calls cancelled before they ran
                # Under the lock, so a concurrent watch() starts a fresh thread.
                self._loop = self._wake_event = self._thread = None
                return None
            now = self.clock.monotonic()
            ready = self._queue.pop_due(now)
            for watch in ready:
                watch.in_flight = True
            next_due = self._queue.next_due()
            wake.clear()
        sleep = None if next_due is None else max(0.0, next_due - now)
        return Work(ready=ready, calls=calls, live=live, sleep=sleep)

    async def _call(
        self, call: Submitted, http: httpx.AsyncClient, slots: OriginSlots, wake: asyncio.Event
    ) -> None:
        try:
            deliver(call.done, await run_in_turn(call, http, slots))
        finally:
            with self._lock:
                self._calls_running -= 1
            wake.set()

    async def _poll(
        self, watch: Watch, http: httpx.AsyncClient, slots: OriginSlots, wake: asyncio.Event
    ) -> None:
        result, listener = await ask_in_turn(watch, http, slots), watch.listener()
        if result is None or listener is None:  # dropped while it waited for a slot
            self.unwatch(watch)  # (in_flight stays: it is never due again)
            return
        streams, hint = self._streams, hint_of(listener)
        if isinstance(result, StatusReport) and streams and streams.follow(watch, result):
            hint = with_fresh_stream(hint)  # followed first, so the policy knows of the stream
        still_polling = self._reschedule(watch, result, hint)
        if still_polling is not None:
            deliver(listener.on_poll_result, result, still_polling=still_polling)
        wake.set()

    def _reschedule(
        self, watch: Watch, result: StatusReport | SutroError, hint: JobHint | None
    ) -> bool | None:
        """Apply the policy to ``result``; return whether the job is still polled.

        ``None`` means the watch was removed while its request was in flight:
        the result is dropped unreported.
        """
        with self._lock:
            watch.in_flight = False
            if not watch.active:
                return None
            decision = watch.decide(result, streaming=self.is_streaming(watch), hint=hint)
            if decision.delay is None:
                watch.active = False
                self._watches.discard(watch)
                self._dirty = True
                return False
            now = self.clock.monotonic()
            due = now if watch.again_now else now + decision.delay
            watch.again_now = False
            self._queue.push(watch, due)
            return True
