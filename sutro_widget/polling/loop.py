"""The poller's thread and its event loop: due watches in, answers and re-plans out.

:class:`~.poller.Poller` is the public face; this base holds what runs on the
thread (and the two calls the streams make back into it), so that each file
reads as one concern. Nothing outside the poller uses it directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

import httpx

from ..api.limits import IN_FLIGHT_PER_ORIGIN, ORIGIN_POOL_LIMITS
from ..api.shapes import StatusReport
from ..api.transport import ClientFactory, pooled_client
from ..errors import SutroError
from .clock import SYSTEM_CLOCK, Clock
from .details_support import DetailsSupport
from .due import DueQueue
from .forks import reset_after_fork
from .policy import JobHint
from .requests import Submitted, Work, ask_in_turn, deliver, run_in_turn
from .slots import OriginSlots
from .stream_support import StreamSupport
from .streams import ProgressStreams
from .threads import POLLER_THREAD_NAME, signal_loop
from .watch import Watch, hint_of

log = logging.getLogger(__name__)


class PollLoop:
    """The thread, its loop and its due queue; see the module docstring."""

    def __init__(
        self, *, clock: Clock | None = None, connect: ClientFactory = pooled_client
    ) -> None:
        """``clock`` and ``connect`` (how HTTP clients are made) are seams for tests."""
        self.clock: Clock = clock or SYSTEM_CLOCK
        self._connect = connect
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
        self._stream_support = StreamSupport()  # which deployments stream, learnt once
        #: Which deployments answer ``jobs/{id}`` (status and details in one), learnt once.
        self.details_support = DetailsSupport()
        reset_after_fork(self)

    def _after_fork_in_child(self) -> None:
        """In a forked child: forget the parent's dead thread, its lock and requests in flight."""
        self._lock = threading.Lock()
        self._thread = self._loop = self._wake_event = self._streams = None
        self._calls_running = 0
        self.details_support = DetailsSupport()  # its probes waited on the parent's loop
        now = self.clock.monotonic()
        for watch in self._watches:
            watch.in_flight = watch.again_now = False
            self._queue.push(watch, now)

    # -- called by the streams, on the loop ------------------------------------------

    def check_soon(self, watch: Watch) -> None:
        """Ask about ``watch``'s job as soon as its budget allows (its stream ended or stalled).

        Unlike :meth:`poll_now`, never ahead of the SDK's pace: a stream that
        breaks again and again cannot turn into a burst of status polls.
        """
        self._replan(watch, lambda now: min(watch.due, now + watch.credit_wait(now)))

    def redecide(self, watch: Watch) -> None:
        """Plan ``watch``'s next poll again: its stream started delivering rows."""
        hint = hint_of(watch.listener())
        self._replan(
            watch, lambda now: watch.redue(streaming=self.is_streaming(watch), hint=hint, now=now)
        )

    def _replan(self, watch: Watch, due_of: Callable[[float], float | None]) -> None:
        with self._lock:
            if not watch.live or watch.in_flight:
                return
            due = due_of(self.clock.monotonic())
            if due is not None and due != watch.due:
                self._queue.push(watch, due)
        self._wake()

    def unwatch(self, watch: Watch) -> None:
        """Stop polling ``watch``'s job; a request in flight is abandoned, not reported."""
        with self._lock:
            watch.active = False
            self._watches.discard(watch)
            self._dirty = True
        self._wake()

    def is_streaming(self, watch: Watch) -> bool:
        """Whether ``watch``'s job has a progress stream delivering rows now (the policy asks)."""
        return self._streams is not None and self._streams.is_streaming(watch)

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
        streams = ProgressStreams(
            self.clock,
            check_soon=self.check_soon,
            redecide=self.redecide,
            support=self._stream_support,
            connect=self._connect,
        )
        self._streams = streams
        async with self._connect(ORIGIN_POOL_LIMITS, None) as http:
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
                    with contextlib.suppress(asyncio.TimeoutError):
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
        polled = await ask_in_turn(watch, http, slots, self.details_support)
        listener = watch.listener()
        if polled is None or listener is None:  # dropped while it waited for a slot
            self.unwatch(watch)  # (in_flight stays: it is never due again)
            return
        result = polled.result
        streams, hint = self._streams, hint_of(listener)
        if isinstance(result, StatusReport) and streams:
            streams.follow(watch, result)  # opened now, it counts once it delivers rows
        still_polling = self._reschedule(watch, result, hint, polled.requests)
        if still_polling is not None:
            deliver(listener.on_poll_result, result, still_polling=still_polling)
        wake.set()

    def _reschedule(
        self,
        watch: Watch,
        result: StatusReport | SutroError,
        hint: JobHint | None,
        requests: int = 1,
    ) -> bool | None:
        """Apply the policy to ``result``; return whether the job is still polled.

        ``None`` means the watch was removed while its request was in flight:
        the result is dropped unreported.
        """
        with self._lock:
            watch.in_flight = False
            if not watch.active:
                return None
            now = self.clock.monotonic()
            streaming = self.is_streaming(watch)
            decision = watch.decide(
                result, streaming=streaming, hint=hint, now=now, requests=requests
            )
            if decision.delay is None:
                watch.active = False
                self._watches.discard(watch)
                self._dirty = True
                return False
            due = now if watch.again_now else now + decision.delay
            watch.again_now = False
            self._queue.push(watch, due)
            return True
