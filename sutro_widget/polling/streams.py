"""Live progress streams of running jobs, carried inside the poller's event loop.

While a job runs, its ``stream-job-progress`` response is one long-lived
request. Each runs as a task in the poller's one asyncio loop (so threads do
not grow with jobs) on a one-connection pool of its own (so streams can
never take the connections that status polls need, and n streams never cost
O(n) each in one shared pool). Updates reach the card in batches at most
every :data:`DELIVERY_INTERVAL` seconds (less often with hundreds of
streams).

A stream counts for the policy only while it *delivers*: rows changed within
:data:`STALL_SECONDS` (:meth:`ProgressStreams.is_streaming`). One that was
opened and not yet heard, refused, broken or silent counts as no stream, so
its job is polled at the pace of a job without one. When a stream starts to
deliver, the job's next poll is re-decided (the safety net stretches); when
it ends, breaks after delivering, or its rows stop for :data:`STALL_SECONDS`
(a stream left open after the end), the status is checked as soon as the
budget allows, which is how a finished job shows as finished within a
second. A broken stream is reopened with backoff; which deployments have
streams at all is learnt once (:mod:`~.stream_support`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..api.limits import STREAM_POOL_LIMITS
from ..api.shapes import JobStatus, StatusReport
from ..api.transport import ClientFactory
from ..errors import SutroError
from .backoff import backoff
from .clock import Clock
from .stream_support import REFUSAL_CODES, StreamSupport
from .watch import Watch

log = logging.getLogger(__name__)

#: A card hears about progress at most this often (a few repaints a second)...
DELIVERY_INTERVAL = 0.25
#: ...and all streams together deliver at most this many batches a second: 500
#: cards cannot repaint more often than the comm budget lets them (80 progress
#: messages a second in all), so folding their progress faster is wasted CPU.
MAX_DELIVERIES_PER_SECOND = 50.0
#: All streams together read their sockets at most this often: lines that
#: arrive in between are read together, at a fraction of the CPU (a read
#: costs about the same whatever it holds). A stream's end is seen at most
#: ``streams / MAX_READS_PER_SECOND`` seconds late (0.05 s with 10 streams).
MAX_READS_PER_SECOND = 200.0
#: Reconnecting a broken stream starts after this long and doubles up to the cap.
RECONNECT_INITIAL = 1.0
RECONNECT_MAX = 30.0
#: A stream that ends sooner than this without the job finishing counts as broken,
#: so a server that closes streams at once cannot make us reconnect in a loop.
MIN_HEALTHY_SECONDS = 2.0
#: Rows unchanged this long (heartbeats or silence) ask for a status check, once per stall.
STALL_SECONDS = 10.0


@dataclass
class StreamState:
    """What is remembered about one job's stream between reconnects."""

    failures: int = 0
    retry_at: float = 0.0
    unsupported: bool = False
    #: When new rows last reached the listener, while this stream is open.
    rows_at: float | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class ProgressStreams:
    """Opens, feeds, throttles and closes the progress streams of watched jobs.

    ``check_soon(watch)``: ask for the job's status as soon as its budget
    allows; ``redecide(watch)``: the stream started delivering, so re-plan the
    job's next poll; ``connect``: how a stream gets its one-connection client.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        check_soon: Callable[[Watch], None],
        redecide: Callable[[Watch], None],
        support: StreamSupport,
        connect: ClientFactory,
    ) -> None:
        self._clock = clock
        self._check_soon = check_soon
        self._redecide = redecide
        self._support = support
        self._connect = connect
        self._states: dict[Watch, StreamState] = {}
        self._reading = 0

    def follow(self, watch: Watch, report: StatusReport) -> None:
        """After a status answer: open the job's stream if it runs, close it if not.

        A single refresh (``once``) never streams, nor does a job whose
        answer was the legacy generation's (that API has no stream).
        """
        state = self._states.setdefault(watch, StreamState())
        running = report.status is JobStatus.RUNNING and watch.live and not watch.once
        now = self._clock.monotonic()
        supported = not (report.legacy or state.unsupported)
        supported = supported and not self._support.absent(watch.client.base_url, now)
        if not (running and supported):
            self._cancel(state)
            if not running:
                state.failures = 0
            return
        open_already = state.task is not None and not state.task.done()
        if open_already or now < state.retry_at or not self._support.may_open(watch, now):
            return
        state.rows_at = None
        state.task = asyncio.create_task(self._read(watch, state))

    def prune(self, live: set[Watch]) -> None:
        """Close the streams of jobs that are no longer watched."""
        for watch in [w for w in self._states if w not in live]:
            self._cancel(self._states.pop(watch))

    async def close(self) -> None:
        """Close every stream (the poller is stopping)."""
        tasks = [s.task for s in self._states.values() if s.task is not None]
        self._states.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def delivery_interval(self) -> float:
        """Seconds between two deliveries of one stream: longer when many streams are open."""
        return max(DELIVERY_INTERVAL, self._reading / MAX_DELIVERIES_PER_SECOND)

    def read_pace(self) -> float:
        """Seconds each stream leaves its socket alone after a read."""
        return self._reading / MAX_READS_PER_SECOND

    def is_streaming(self, watch: Watch) -> bool:
        """Whether ``watch``'s job has a stream that delivers: open, with new rows lately.

        Not merely opened: a stream not heard yet, refused, broken or silent
        for :data:`STALL_SECONDS` tells nothing about the job, so the policy
        must not stretch its polls for it.
        """
        state = self._states.get(watch)
        if state is None or state.task is None or state.task.done() or state.rows_at is None:
            return False
        return self._clock.monotonic() - state.rows_at < STALL_SECONDS

    @staticmethod
    def _cancel(state: StreamState) -> None:
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = None

    async def _read(self, watch: Watch, state: StreamState) -> None:
        batch = _Batch(
            watch,
            self._clock,
            lambda: self._check_soon(watch),
            self.delivery_interval,
            state,
            lambda: self._on_rows(watch),
        )
        opened = self._clock.monotonic()
        ended_cleanly = heard = False
        self._reading += 1
        try:
            async with self._connect(STREAM_POOL_LIMITS, self.read_pace) as http:
                async for update in watch.client.stream_progress_async(watch.job_id, http):
                    if not heard:
                        heard = True
                        self._support.heard(watch)
                    batch.add(update)
            ended_cleanly = True
        except SutroError as error:
            if error.status_code in REFUSAL_CODES:
                self._support.refused(watch, self._clock.monotonic())
                state.unsupported = True
                return  # the poll after the answer was already planned without a stream
            state.unsupported = not error.transient  # it never will work for this job
            log.debug("progress stream of %s stopped: %s", watch.job_id, error)
        except Exception:  # a bug in one stream must not take the loop down
            log.debug("progress stream of %s failed", watch.job_id, exc_info=True)
        finally:
            self._reading -= 1
            self._support.ended(watch)
            batch.close()
            delivered, state.rows_at = state.rows_at is not None, None
        lasted = self._clock.monotonic() - opened
        if ended_cleanly and lasted >= MIN_HEALTHY_SECONDS:
            state.failures = 0
        else:
            state.failures += 1
            wait = backoff(state.failures, RECONNECT_INITIAL, RECONNECT_MAX)
            state.retry_at = self._clock.monotonic() + wait
        if watch.live and (ended_cleanly or delivered):
            # The stream ended, or broke after its rows stretched the polls: ask
            # now. A finished job shows as finished; a running one reopens it.
            # (One that broke before it delivered left the polls at their pace.)
            self._check_soon(watch)

    def _on_rows(self, watch: Watch) -> None:
        """Rows came after a quiet spell and reached the listener: re-plan the next poll."""
        if watch.live:
            self._redecide(watch)


class _Batch:
    """Hands updates to the card at most every ``interval()``; tells of stalled rows."""

    def __init__(
        self,
        watch: Watch,
        clock: Clock,
        stalled: Callable[[], None],
        interval: Callable[[], float],
        state: StreamState,
        rows_sent: Callable[[], None],
    ) -> None:
        self._watch = watch
        self._state = state
        self._rows_sent = rows_sent
        self._new_rows = False
        self._interval = interval
        self._clock = clock
        self._pending: list[dict[str, Any]] = []
        self._last_sent = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        self._stalled = stalled
        self._rows: object = None
        self._rows_at = clock.monotonic()
        self._asked = False
        loop = asyncio.get_running_loop()
        self._stall_timer = loop.call_later(STALL_SECONDS, self._check_stall)

    def add(self, update: dict[str, Any]) -> None:
        if update.get("update_type") == "progress" and update.get("result") != self._rows:
            now, last = self._clock.monotonic(), self._state.rows_at
            # After a quiet spell (or at first) the stream starts delivering again.
            self._new_rows |= last is None or now - last >= STALL_SECONDS
            self._rows, self._rows_at, self._asked = update.get("result"), now, False
            self._state.rows_at = now  # heard now: what is_streaming and the watchdog count
        self._pending.append(update)
        wait = self._last_sent + self._interval() - self._clock.monotonic()
        if wait <= 0:
            self._send(streaming=True)
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(wait, self._send, True)

    def close(self) -> None:
        self._stall_timer.cancel()
        self._send(streaming=False, always=True)

    def _check_stall(self) -> None:
        """Once per stall (rows unchanged for STALL_SECONDS), ask for a status check."""
        quiet = self._clock.monotonic() - self._rows_at
        if quiet >= STALL_SECONDS and not self._asked:
            self._asked = True
            if self._watch.live:
                self._stalled()
        wait = STALL_SECONDS - quiet if quiet < STALL_SECONDS else STALL_SECONDS
        self._stall_timer = asyncio.get_running_loop().call_later(wait, self._check_stall)

    def _send(self, streaming: bool, always: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending and not always:
            return
        updates, self._pending = self._pending, []
        self._last_sent = self._clock.monotonic()
        listener = self._watch.listener()
        if listener is None or not self._watch.live:
            return
        try:
            listener.on_progress(updates, streaming=streaming)
        except Exception:  # a listener's bug must not end the stream
            log.exception("sutro-widget progress listener failed")
        if self._new_rows and streaming:
            self._new_rows = False
            self._rows_sent()  # after the listener, so the policy's hint has the rows
