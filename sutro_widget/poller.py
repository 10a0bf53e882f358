"""The one background thread that polls every job in the process.

However many cards a notebook shows, there is one daemon thread, started on the
first :meth:`Poller.watch` and ended when nothing is left to watch. Inside it an
asyncio loop sends every due request on one pooled ``httpx.AsyncClient``, so a
slow or hanging answer for one job never holds up another job's poll, and no
thread is ever created per job.

Due times live in a heap (:class:`DueQueue`, pure and tested in virtual time);
other threads wake the loop early (refresh, a new job, shutdown) through a
thread-safe call into it. The poller knows time and scheduling only: what a
result means for a card is its listener's business.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import heapq
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx

from .client import SutroClient
from .errors import NetworkError, SutroError
from .policy import PollPolicy, PollState
from .status import JobStatus, StatusReport
from .streams import STREAM_LIMITS, ProgressStreams

T = TypeVar("T")
#: A one-off request to run on the poller's loop: given the pooled client, a coroutine.
Call = Callable[[httpx.AsyncClient], Awaitable[Any]]

log = logging.getLogger(__name__)

#: Connections kept open between polls: one per deployment in practice.
_POOL_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=16, keepalive_expiry=30)


class Clock(Protocol):
    """Where the poller reads the time; tests pass a clock they move by hand."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for due times)."""

    def wall(self) -> float:
        """Seconds since the epoch (for the times shown to the user)."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """See :meth:`Clock.monotonic`."""
        return time.monotonic()

    def wall(self) -> float:
        """See :meth:`Clock.wall`."""
        return time.time()


class PollListener(Protocol):
    """What a watched job reports to; held weakly, so a dropped card stops polling."""

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Called on the poller thread after each poll, with the answer or the error."""


@dataclass(eq=False)
class Watch:
    """One job being polled for one listener. Returned by :meth:`Poller.watch`."""

    job_id: str
    client: SutroClient
    policy: PollPolicy
    listener: weakref.ReferenceType[PollListener]
    once: bool = False
    state: PollState = field(init=False)
    last_report: StatusReport | None = None
    due: float = 0.0
    in_flight: bool = False
    active: bool = True
    #: A refresh asked for while a request was in flight; honoured when it returns.
    again_now: bool = False

    def __post_init__(self) -> None:
        self.state = self.policy.start()

    @property
    def live(self) -> bool:
        """Still wanted: not unwatched, finished, or left by a garbage-collected listener."""
        return self.active and self.listener() is not None


class DueQueue:
    """Due times in a heap, with lazy removal; pure, so it is tested in virtual time."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()

    def push(self, watch: Watch, due: float) -> None:
        """Schedule ``watch`` at ``due``; an earlier entry for it becomes stale."""
        watch.due = due
        heapq.heappush(self._heap, (due, next(self._order), watch))

    def pop_due(self, now: float) -> list[Watch]:
        """Remove and return every live watch due at or before ``now``."""
        ready: list[Watch] = []
        while self._heap and self._heap[0][0] <= now:
            due, _, watch = heapq.heappop(self._heap)
            if self._is_live(watch, due) and watch not in ready:
                ready.append(watch)
        return ready

    def next_due(self) -> float | None:
        """The earliest live due time, dropping stale entries on the way."""
        while self._heap:
            due, _, watch = self._heap[0]
            if self._is_live(watch, due):
                return due
            heapq.heappop(self._heap)
        return None

    def __len__(self) -> int:
        return len(self._heap)

    @staticmethod
    def _is_live(watch: Watch, due: float) -> bool:
        return watch.live and not watch.in_flight and watch.due == due


class Poller:
    """Polls every watched job from one thread; see the module docstring."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._watches: set[Watch] = set()
        self._queue = DueQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake_event: asyncio.Event | None = None
        self._closing = False
        self._calls: list[tuple[Call, Callable[[Any], None]]] = []
        self._calls_running = 0
        self._streams: ProgressStreams | None = None

    # -- called from any thread ----------------------------------------------------

    def watch(
        self,
        job_id: str,
        client: SutroClient,
        listener: PollListener,
        *,
        policy: PollPolicy | None = None,
        once: bool = False,
    ) -> Watch:
        """Start polling ``job_id`` now; results go to ``listener`` on the poller thread.

        With ``once=True`` the job is polled a single time (a refresh of a card
        that is not polling).
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
    ) -> None:
        """Run a one-off request (job details, a cancel) on the poller's loop.

        ``done`` gets the result, or the :class:`SutroError` it raised, on the
        poller thread. The thread runs until every submitted call has finished,
        even when no job is being polled.
        """
        with self._lock:
            self._closing = False
            self._calls.append((call, done))
            self._ensure_thread()
        self._wake()

    def is_streaming(self, watch: Watch) -> bool:
        """Whether ``watch``'s job has a live progress stream open."""
        streams = self._streams
        return streams is not None and streams.is_streaming(watch)

    def poll_now(self, watch: Watch) -> None:
        """Ask about ``watch``'s job as soon as possible (a user pressed Refresh)."""
        with self._lock:
            if not watch.active:
                return
            if watch.in_flight:
                watch.again_now = True
            else:
                self._queue.push(watch, self.clock.monotonic())
        self._wake()

    def unwatch(self, watch: Watch) -> None:
        """Stop polling ``watch``'s job; a request in flight is abandoned, not reported."""
        with self._lock:
            watch.active = False
            self._watches.discard(watch)
        self._wake()

    def _forget(self, dead: weakref.ReferenceType[PollListener]) -> None:
        """A listener was garbage-collected: stop its watches at once.

        Runs inside the garbage collector, on whatever thread it happens to be,
        possibly while this poller's lock is held by that same thread; so it
        takes no lock and only wakes the loop, which drops every watch whose
        listener is gone (see :meth:`Watch.live`).
        """
        del dead
        loop, event = self._loop, self._wake_event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

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

    # -- the thread ------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._thread_main, name="sutro-widget-poller", daemon=True
            )
            self._thread.start()

    def _wake(self) -> None:
        with self._lock:
            loop, event = self._loop, self._wake_event
        if loop is not None and event is not None:
            # RuntimeError: the loop closed between the read and the call.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._run())
        except Exception:  # a bug here must not surface as a thread traceback
            log.exception("sutro-widget poller stopped unexpectedly")
        finally:
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None
                    self._loop = None
                    self._wake_event = None
                restart = bool(self._watches) and not self._closing
                if restart:
                    self._ensure_thread()

    async def _run(self) -> None:
        wake = asyncio.Event()
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._wake_event = wake
        tasks: set[asyncio.Task[None]] = set()
        streams = ProgressStreams(self.clock, self.poll_now)
        self._streams = streams
        async with (
            httpx.AsyncClient(limits=_POOL_LIMITS, follow_redirects=False) as http,
            httpx.AsyncClient(limits=STREAM_LIMITS, follow_redirects=False) as stream_http,
        ):
            try:
                while True:
                    with self._lock:
                        self._watches = {w for w in self._watches if w.live}
                        live = set(self._watches)
                        calls, self._calls = self._calls, []
                        self._calls_running += len(calls)
                        idle = not self._watches and not self._calls_running
                        if idle or self._closing:
                            self._calls_running = 0  # calls cancelled before they ran
                            # Leave with the lock held, so a concurrent watch()
                            # sees no running loop and starts a fresh thread.
                            self._loop = None
                            self._wake_event = None
                            self._thread = None
                            break
                        now = self.clock.monotonic()
                        ready = self._queue.pop_due(now)
                        for watch in ready:
                            watch.in_flight = True
                        next_due = self._queue.next_due()
                        wake.clear()
                    streams.prune(live)
                    started = [self._poll(w, http, stream_http, wake) for w in ready]
                    started += [self._call(call, done, http, wake) for call, done in calls]
                    for coroutine in started:
                        task = asyncio.create_task(coroutine)
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    timeout = None if next_due is None else max(0.0, next_due - now)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await streams.close()
                self._streams = None

    async def _call(
        self, call: Call, done: Callable[[Any], None], http: httpx.AsyncClient, wake: asyncio.Event
    ) -> None:
        result: Any
        try:
            result = await call(http)
        except SutroError as exc:
            result = exc
        except Exception as exc:  # a bug must become a message, not a dead thread
            log.debug("unexpected error in a one-off request", exc_info=True)
            result = NetworkError(f"Unexpected problem talking to Sutro ({type(exc).__name__}).")
        try:
            done(result)
        except Exception:
            log.exception("sutro-widget callback failed")
        finally:
            with self._lock:
                self._calls_running -= 1
            wake.set()

    async def _poll(
        self,
        watch: Watch,
        http: httpx.AsyncClient,
        stream_http: httpx.AsyncClient,
        wake: asyncio.Event,
    ) -> None:
        result: StatusReport | SutroError
        try:
            result = await watch.client.fetch_status_async(watch.job_id, http)
        except SutroError as exc:
            result = exc
        except Exception as exc:  # a bug must become a card message, not a dead thread
            log.debug("unexpected error polling %s", watch.job_id, exc_info=True)
            result = NetworkError(f"Unexpected problem while polling ({type(exc).__name__}).")
        still_polling = self._reschedule(watch, result)
        listener = watch.listener()
        if listener is None:
            self.unwatch(watch)
        elif still_polling is not None:
            if isinstance(result, StatusReport) and self._streams is not None:
                self._streams.follow(watch, result, stream_http)
            _deliver(listener.on_poll_result, result, still_polling)
        wake.set()

    def _reschedule(self, watch: Watch, result: StatusReport | SutroError) -> bool | None:
        """Apply the policy to ``result``; return whether the job is still polled.

        ``None`` means the watch was removed while its request was in flight:
        the result is dropped unreported.
        """
        with self._lock:
            watch.in_flight = False
            if not watch.active:
                return None
            if isinstance(result, StatusReport):
                changed = result != watch.last_report
                watch.last_report = result
                streaming = self._streams is not None and self._streams.is_streaming(watch)
                decision = watch.policy.after_answer(
                    watch.state,
                    changed=changed,
                    final=result.is_final or watch.once,
                    streaming=streaming and result.status is JobStatus.RUNNING,
                )
            else:
                decision = watch.policy.after_error(watch.state, result)
                if watch.once:
                    decision = type(decision)(decision.state, None)
            watch.state = decision.state
            if decision.delay is None:
                watch.active = False
                self._watches.discard(watch)
                return False
            now = self.clock.monotonic()
            due = now if watch.again_now else now + decision.delay
            watch.again_now = False
            self._queue.push(watch, due)
            return True


def _deliver(
    callback: Callable[..., None], result: StatusReport | SutroError, still_polling: bool
) -> None:
    try:
        callback(result, still_polling=still_polling)
    except Exception:  # a listener's bug must not stop other jobs' polls
        log.exception("sutro-widget listener failed")


_default_poller: Poller | None = None
_default_lock = threading.Lock()


def default_poller() -> Poller:
    """The process-wide poller every widget shares (created on first use)."""
    global _default_poller
    with _default_lock:
        if _default_poller is None:
            _default_poller = Poller()
            atexit.register(_default_poller.shutdown)
        return _default_poller
