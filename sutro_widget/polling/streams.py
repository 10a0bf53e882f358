"""Live progress streams of running jobs, carried inside the poller's event loop.

While a job runs, its ``stream-job-progress`` response is one long-lived
request. Each runs as a task in the poller's one asyncio loop (so threads do
not grow with jobs) on a one-connection pool of its own (so streams can
never take the connections that status polls need, and n streams never cost
O(n) each in one shared pool). Updates reach the card in batches at most
every :data:`DELIVERY_INTERVAL` seconds (less often with hundreds of
streams). When a stream ends the job's status is checked at once, which is
how a finished job shows as finished within a second; when rows stop coming
for :data:`STALL_SECONDS` (a stream left open after the end) it is checked
too, once per stall, which is what lets status polls under a flowing stream
be rare. When a stream breaks, polling carries on and the stream is reopened
with backoff. A deployment without the endpoint (the legacy API, which
answers 404) is not asked again for any job once two jobs' streams were refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..api.limits import STREAM_POOL_LIMITS
from ..api.shapes import JobStatus, StatusReport
from ..api.transport import pooled_client
from ..errors import SutroError
from .backoff import backoff
from .clock import Clock
from .policy import JobHint
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
#: Jobs whose stream a deployment refused (404/405/501) before none is tried there.
REFUSALS_PER_DEPLOYMENT = 2
#: Rows unchanged this long (heartbeats or silence) ask for a status check, once per stall.
STALL_SECONDS = 10.0


@dataclass
class StreamState:
    """What is remembered about one job's stream between reconnects."""

    failures: int = 0
    retry_at: float = 0.0
    unsupported: bool = False
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class ProgressStreams:
    """Opens, feeds, throttles and closes the progress streams of watched jobs."""

    def __init__(
        self, clock: Clock, check_now: Callable[[Watch], None], refusals: dict[str, set[str]]
    ) -> None:
        self._clock = clock
        self._check_now = check_now
        self._states: dict[Watch, StreamState] = {}
        #: Base URL -> jobs whose stream it answered "no such endpoint"; from
        #: :data:`REFUSALS_PER_DEPLOYMENT` jobs on, no stream is tried there again
        #: (one job's 404 could be that job's). The poller's, so it outlives this loop.
        self._refusals = refusals
        self._reading = 0

    def follow(self, watch: Watch, report: StatusReport) -> bool:
        """After a status answer: open the job's stream if it runs, close it if not.

        ``True`` when a stream was opened just now. A single refresh (``once``) never streams.
        """
        state = self._states.setdefault(watch, StreamState())
        running = report.status is JobStatus.RUNNING and watch.live and not watch.once
        refused = len(self._refusals.get(watch.client.base_url, ()))
        supported = not state.unsupported and refused < REFUSALS_PER_DEPLOYMENT
        wants = running and supported
        if not wants:
            self._cancel(state)
            if not running:
                state.failures = 0
            return False
        open_already = state.task is not None and not state.task.done()
        if open_already or self._clock.monotonic() < state.retry_at:
            return False
        state.task = asyncio.create_task(self._read(watch, state))
        return True

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
        """Whether ``watch``'s job has a stream open now."""
        state = self._states.get(watch)
        return state is not None and state.task is not None and not state.task.done()

    @staticmethod
    def _cancel(state: StreamState) -> None:
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = None

    async def _read(self, watch: Watch, state: StreamState) -> None:
        batch = _Batch(watch, self._clock, lambda: self._check_now(watch), self.delivery_interval)
        opened = self._clock.monotonic()
        ended_cleanly = False
        self._reading += 1
        try:
            async with pooled_client(STREAM_POOL_LIMITS, pace=self.read_pace) as http:
                async for update in watch.client.stream_progress_async(watch.job_id, http):
                    batch.add(update)
            ended_cleanly = True
        except SutroError as error:
            if error.status_code in (404, 405, 501):
                self._refusals.setdefault(watch.client.base_url, set()).add(watch.job_id)
                state.unsupported = True
                return  # nothing was learnt about the job: no extra status check
            state.unsupported = not error.transient  # it never will work for this job
            log.debug("progress stream of %s stopped: %s", watch.job_id, error)
        except Exception:  # a bug in one stream must not take the loop down
            log.debug("progress stream of %s failed", watch.job_id, exc_info=True)
        finally:
            self._reading -= 1
            batch.close()
        lasted = self._clock.monotonic() - opened
        if ended_cleanly and lasted >= MIN_HEALTHY_SECONDS:
            state.failures = 0
        else:
            state.failures += 1
            wait = backoff(state.failures, RECONNECT_INITIAL, RECONNECT_MAX)
            state.retry_at = self._clock.monotonic() + wait
        if watch.live:
            # The stream ended or broke: ask for the status now. A finished job
            # shows as finished at once; a running one reopens its stream.
            self._check_now(watch)


class _Batch:
    """Hands updates to the card at most every ``interval()``; tells of stalled rows."""

    def __init__(
        self,
        watch: Watch,
        clock: Clock,
        stalled: Callable[[], None],
        interval: Callable[[], float],
    ) -> None:
        self._watch = watch
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
            self._rows, self._rows_at, self._asked = (
                update.get("result"),
                self._clock.monotonic(),
                False,
            )
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


def with_fresh_stream(hint: JobHint | None) -> JobHint:
    """The hint for a poll that just opened a stream: as good as fresh rows.

    The stall watchdog asks for a status if no row comes within
    :data:`STALL_SECONDS`, so the policy need not keep its short safety net
    for a stream that has not spoken yet.
    """
    if hint is not None and hint.progress_age is not None:
        return hint
    return replace(hint or JobHint(), progress_age=0.0)
