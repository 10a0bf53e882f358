"""The real poller in virtual time, against in-memory Sutro deployments that can be anything.

For properties over generated event sequences (``tests/unit/test_poll_promise.py``):

* :class:`VirtualTimeLoop` is an asyncio loop whose clock jumps to the next
  timer whenever nothing is ready, so an hour of polling runs in milliseconds
  and every timer (a poll's due time, a request deadline, a stream's stall
  watchdog, a ``Retry-After``) fires exactly when the code asked;
* :class:`InLoopPoller` is the real :class:`~sutro_widget.polling.poller.Poller`
  (policy, due queue, slots, streams, budget), its loop run as a task of the
  virtual loop instead of on a thread: only where it runs differs;
* :class:`FakeSutro` is an httpx transport serving any number of deployments
  (legacy or current API; details, stream present or absent; faults), that
  logs what the promise is about: when each job was asked, answered, and
  sent new rows. A ``jobs/{id}`` answer carries the status too, so it counts
  as a status request.

Mocks here stand in only for what no real server can produce on demand in
virtual time; the HTTP client code (``SutroClient``, deadlines, caps, the
stream reader) is the product's own.
"""

from __future__ import annotations

import asyncio
import json
import selectors
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from sutro_widget.api.paced import Pace
from sutro_widget.polling.poller import Poller

#: Server statuses a job can be given, by canonical name (``MYSTERY`` reads as unknown).
WIRE_STATUS = {
    "pending": "PENDING",
    "queued": "QUEUED",
    "starting": "STARTING",
    "running": "RUNNING",
    "cancelling": "CANCELLING",
    "unknown": "MYSTERY",
    "succeeded": "SUCCEEDED",
    "failed": "FAILED",
    "cancelled": "CANCELLED",
}
FINAL = {"succeeded", "failed", "cancelled"}
#: A job in one of these can end at any moment: the promise is about them.
ENDABLE = {"running", "cancelling", "unknown"}
STREAM_MODES = (
    "delivers",  # rows every second while running, then the final count, then the end
    "refused-404",
    "refused-405",
    "refused-410",
    "refused-501",
    "refused-html-404",  # a web server's HTML page for an unknown route
    "breaks",  # a few rows, then the connection breaks
    "ends-at-once",  # 200 and an empty body
    "left-open",  # rows, and after the job's end heartbeats forever
    "stalls",  # a few rows, then silence (the line deadline ends it)
    "heartbeats",  # heartbeats only, never a row
)
DETAILS_MODES = ("answered", "absent", "error")
FAULTS = ("none", "5xx", "429", "timeout", "refused")


#: Virtual time one turn of the event loop takes.
TURN_SECONDS = 1e-6


class _VirtualSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """Polls the real selector without waiting; a wait becomes a jump of the loop's clock."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._virtual = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        events: list[Any] = super().select(0)
        waited = timeout if not events and timeout is not None and timeout > 0 else 0.0
        # Every turn of the loop costs a microsecond, as real turns cost real time:
        # code that sleeps "until now + a sliver" must see the clock move.
        self._virtual.now += max(waited, TURN_SECONDS)
        return events


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop on a clock that moves only when nothing is ready (see the module)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        super().__init__(_VirtualSelector(self))

    def time(self) -> float:
        """The virtual clock (what ``call_later``, ``asyncio.timeout`` and the poller read)."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Run every callback due in the next ``seconds`` of virtual time.

        On a thread of its own, which has no running loop whatever the test
        thread has (an earlier test in the session may have left one there).
        """
        failed: list[BaseException] = []

        def run() -> None:
            try:
                self.run_until_complete(asyncio.sleep(seconds))
            except BaseException as exc:  # handed to the caller below
                failed.append(exc)

        runner = threading.Thread(target=run, name="virtual-time")
        runner.start()
        runner.join()
        if failed:
            raise failed[0]


class LoopClock:
    """The poller's :class:`~sutro_widget.polling.clock.Clock`, read off the virtual loop."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        self._loop = loop

    def monotonic(self) -> float:
        return self._loop.now

    def wall(self) -> float:
        return 1_700_000_000.0 + self._loop.now


class InLoopPoller(Poller):
    """The real poller whose loop runs as a task of ``loop`` (not on a thread of its own)."""

    def __init__(self, loop: VirtualTimeLoop, transport: httpx.AsyncBaseTransport) -> None:
        def connect(limits: httpx.Limits, pace: Pace | None) -> httpx.AsyncClient:
            del limits, pace  # one in-memory transport serves every pool
            return httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False)

        super().__init__(clock=LoopClock(loop), connect=connect)
        self._host_loop = loop
        self.crashes: list[BaseException] = []

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.current_thread()  # "running", as the real one says
            task = self._host_loop.create_task(self._run())
            task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.crashes.append(task.exception())  # type: ignore[arg-type]


@dataclass
class Job:
    """One job on a fake deployment, and what the promise needs to know about it."""

    job_id: str
    status: str
    running_since: float | None = None
    rows_at_stop: int = 0
    #: The time of the last status request's arrival, and of the last good answer.
    asked_at: float | None = None
    answered: tuple[float, str] | None = None
    #: The last time a stream sent this job new rows.
    rows_sent_at: float | None = None
    status_requests: list[float] = field(default_factory=list)
    #: When a final status was last answered (a card then stops, and may ask its final cost).
    final_answered_at: float | None = None
    #: Whether ``jobs/{id}`` ever answered for it, and when it then answered 404 (the route
    #: gone from its deployment): the poller must ask ``job-status`` whose 404 it was.
    details_seen: bool = False
    details_vanished_at: list[float] = field(default_factory=list)

    def rows(self, now: float) -> int:
        """Rows done: ten a second while running, kept when it stops."""
        if self.running_since is None:
            return self.rows_at_stop
        return self.rows_at_stop + int((now - self.running_since) * 10)


@dataclass
class Deployment:
    """What one fake deployment has and does; every field can change between steps."""

    host: str
    current: bool = True
    stream: str = "delivers"
    details: str = "answered"
    fault: str = "none"
    retry_after: float = 7.0
    rtt: float = 0.04
    #: When a fault was last in effect (``inf`` while it is).
    faulty_at: float = float("-inf")
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"https://{self.host}" + ("/v1" if self.current else "")


class FakeSutro(httpx.AsyncBaseTransport):
    """In-memory deployments by host, answering as the real API would (see the module)."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        self._loop = loop
        self.deployments: dict[str, Deployment] = {}
        #: Told of every status request as it arrives, before it is answered.
        self.on_status_request: Callable[[Deployment, Job, float], None] = lambda *_: None

    def add(self, deployment: Deployment) -> Deployment:
        self.deployments[deployment.host] = deployment
        return deployment

    def set_status(self, deployment: Deployment, job: Job, status: str) -> None:
        """Move ``job`` to ``status`` now (its rows stop counting when it stops running)."""
        now = self._loop.now
        if job.status == "running" and status != "running":
            job.rows_at_stop, job.running_since = job.rows(now), None
        if status == "running" and job.running_since is None:
            job.running_since = now
        job.status = status

    def set_fault(self, deployment: Deployment, fault: str) -> None:
        if deployment.fault != "none":
            deployment.faulty_at = self._loop.now
        deployment.fault = fault
        if fault != "none":
            deployment.faulty_at = float("inf")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deployment = self.deployments[request.url.host]
        await asyncio.sleep(deployment.rtt / 2)
        parts = request.url.path.strip("/").split("/")
        if deployment.current:
            if parts[0] != "v1":
                return _not_found(deployment)
            parts = parts[1:]
        route, job_id = parts[0], parts[-1]
        job = deployment.jobs.get(job_id)
        if job is None:
            return _json(404, {"detail": "Job not found"})
        if route == "job-status":
            return await self._status(deployment, job)
        if route == "jobs":
            return await self._status(deployment, job, as_job=True)
        if route == "stream-job-progress":
            return self._stream(deployment, job)
        return _not_found(deployment)

    async def _status(
        self, deployment: Deployment, job: Job, *, as_job: bool = False
    ) -> httpx.Response:
        """A status answer; ``as_job``: the ``jobs/{id}`` form, which carries the details."""
        now = self._loop.now
        self.on_status_request(deployment, job, now)
        job.asked_at = now
        job.status_requests.append(now)
        job.answered = None
        fault = deployment.fault
        if fault == "refused":
            raise httpx.ConnectError("Connection refused")
        if fault == "timeout":
            await asyncio.sleep(3600)
        if fault == "5xx":
            return _json(503, {"detail": "Service Unavailable"})
        if fault == "429":
            headers = {"Retry-After": f"{deployment.retry_after:g}"}
            return _json(429, {"detail": "Too Many Requests"}, headers)
        await asyncio.sleep(deployment.rtt / 2)
        if as_job and (refusal := self._details_refusal(deployment)) is not None:
            if deployment.details == "error":  # a failing server, as far as this job goes
                deployment.faulty_at = max(deployment.faulty_at, self._loop.now)
            elif job.details_seen:
                job.details_vanished_at.append(self._loop.now)
            return refusal
        job.details_seen = job.details_seen or as_job
        job.answered = (self._loop.now, job.status)
        if job.status in FINAL:
            job.final_answered_at = self._loop.now
        wire = WIRE_STATUS[job.status]
        if as_job:
            body = {"job_id": job.job_id, "status": wire, "name": "A job", "num_rows": 100_000}
            return _json(200, {"job": body})
        if deployment.current:
            return _json(200, {"job_status": {job.job_id: wire}})
        return _json(200, {"job_status": wire.lower()})

    def _details_refusal(self, deployment: Deployment) -> httpx.Response | None:
        """How a deployment without a working ``jobs/{id}`` answers it (else ``None``)."""
        if deployment.details == "absent" or not deployment.current:
            return _not_found(deployment)
        if deployment.details == "error":
            return _json(500, {"detail": "Internal Server Error"})
        return None

    def _stream(self, deployment: Deployment, job: Job) -> httpx.Response:
        mode = deployment.stream
        if mode.startswith("refused-html"):
            page = b"<html><body><h1>404 Not Found</h1></body></html>"
            return httpx.Response(404, stream=_body(page), headers={"Content-Type": "text/html"})
        if mode.startswith("refused-"):
            return _json(int(mode.rsplit("-", 1)[1]), {"detail": "Not Found"})
        return httpx.Response(200, content=self._lines(job, mode))

    async def _lines(self, job: Job, mode: str) -> AsyncIterator[bytes]:
        sent, lines = -1, 0
        while True:
            now = self._loop.now
            rows = job.rows(now)
            over = job.status in FINAL
            if mode == "ends-at-once" or (over and mode not in ("left-open", "stalls")):
                if over and rows != sent and mode != "heartbeats":
                    job.rows_sent_at = now
                    yield _line({"update_type": "progress", "result": rows})
                return
            if mode == "stalls" and lines >= 3:
                await asyncio.sleep(3600)
            if mode == "breaks" and lines >= 3:
                raise httpx.ReadError("connection reset by peer")
            if rows != sent and mode != "heartbeats":
                sent = rows
                job.rows_sent_at = now
                yield _line({"update_type": "progress", "result": rows})
            else:
                yield _line({"update_type": "heartbeat"})
            lines += 1
            await asyncio.sleep(1.0)


def _json(code: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(code, stream=_body(json.dumps(body).encode()), headers=headers or {})


def _body(data: bytes) -> httpx.ByteStream:
    """A body the client reads as it would off the network (not one already read)."""
    return httpx.ByteStream(data)


def _not_found(deployment: Deployment) -> httpx.Response:
    """An unknown route, as each generation's server answers it."""
    return _json(404, {"detail": "Not Found"} if deployment.current else {"message": "Not Found"})


def _line(update: dict[str, object]) -> bytes:
    return json.dumps(update).encode() + b"\n"
