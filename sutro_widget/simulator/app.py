"""The simulated API itself: routes, auth, job state and the request log.

:class:`SimulatedApi` turns one request (method, raw path, ``Authorization``
header) into one answer. It holds no sockets, so the HTTP layer in
``server.py`` stays a thin adapter, and each endpoint is one :class:`Route`
and one handler method, with per-job state kept on
:class:`~sutro_widget.simulator.job_state.JobState`. The routes: job status in
both generations; job details, the progress stream and cancel in the current
one (``/v1`` only, as in the real API).

Faults (see ``faults.py``) are decided here too: a status request that a
fault targets gets a :class:`~sutro_widget.simulator.fault_answers.FaultAnswer`
instead of a :class:`Response`, and ``POST/GET/DELETE /_sim/faults`` lets
another process switch faults on a running simulator. A progress stream is a
:class:`~sutro_widget.simulator.progress.StreamAnswer`: the HTTP layer plays
it, looking back in here (under the lock) for the job's state, and waiting on
the lock's condition, which every change made through this object notifies.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote

from .fault_answers import FaultAnswer, build_answer
from .faults import Fault, FaultBoard, FaultHandle, FaultRule, FaultSpec
from .job_state import JobState, JobView
from .progress import DEFAULT_HEARTBEAT_SECONDS, ProgressFeed, StreamAnswer
from .scripts import (
    DEFAULT_INFO,
    JobInfo,
    Script,
    Step,
    as_script,
    check_rows,
    info_for,
    script_for,
)
from .wire import CANCEL_BODY, LEGACY, V1, Generation, error_body, job_body, status_body

__all__ = [
    "CANCEL_ROUTE",
    "CONTROL_PATH",
    "DEFAULT_API_KEY",
    "DETAILS_ROUTE",
    "PLACEHOLDER_OTHER_ORIGIN",
    "STATUS_ROUTES",
    "STREAM_ROUTE",
    "Answer",
    "Call",
    "RecordedRequest",
    "Response",
    "Route",
    "SimulatedApi",
    "check_api_key",
]

#: The key the simulator accepts unless told otherwise. Not a secret: it only
#: opens a fake API on loopback, and is printed so demos need no real key.
DEFAULT_API_KEY = "sim-demo-key"

#: Names of the routes that answer "what is the status of job X" (both generations).
STATUS_ROUTES = frozenset({"job-status", "v1/job-status"})
#: Names of the current generation's other job routes (the legacy API has none of them).
DETAILS_ROUTE = "v1/jobs"
STREAM_ROUTE = "v1/stream-job-progress"
CANCEL_ROUTE = "v1/job-cancel"

#: Where another process switches faults on a running simulator (not part of the real API).
CONTROL_PATH = "/_sim/faults"
#: Where a redirect fault points when no other origin is listening (``SimulatedApi`` alone).
PLACEHOLDER_OTHER_ORIGIN = "http://other-origin.invalid"

# The job id is exactly one path segment, still percent-encoded when matched.
_JOB_ID = r"(?P<job_id>[^/]+)"
_STATUS_PATH = "/job-status/" + _JOB_ID
# What a body-carrying fault distorts when the job has no script (it would be a 404).
_UNSCRIPTED_STEP = Step("running", None, "Processing rows")


def _fault_of(rule: FaultRule | None, answer: Answer) -> Fault | None:
    """The fault that answered a request: one taken before the route, or a stream's cut."""
    if rule is not None:
        return rule.spec.mode
    return answer.fault if isinstance(answer, StreamAnswer) else None


def check_api_key(api_key: object) -> str:
    """Return ``api_key`` if a client could send it in an ``Authorization`` header.

    A key with spaces or control characters could never match a request, so a
    simulator built with one would refuse everything; fail when it is made.
    """
    if not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string, not {type(api_key).__name__}.")
    if not api_key or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in api_key):
        raise ValueError("api_key must be non-empty, without spaces or control characters.")
    return api_key


@dataclass(frozen=True)
class Response:
    """What the HTTP layer sends back: a status code, a JSON body, extra headers."""

    status: int
    body: Mapping[str, object]
    headers: tuple[tuple[str, str], ...] = ()


#: What :meth:`SimulatedApi.handle` returns: a normal answer, a fault or a stream to play.
Answer = Response | FaultAnswer | StreamAnswer


@dataclass(frozen=True)
class RecordedRequest:
    """One request the simulator received, for tests to assert on.

    ``raw_path`` is the request target exactly as sent (percent-encoding and
    query kept), ``job_id`` the decoded id the path named (``None`` when the path
    matched no job route), ``authorized`` whether the right key came with it,
    ``at`` the simulator clock's reading. The key itself is never stored, so a
    test log can be printed safely. ``route`` is the route name (``None`` for an
    unknown path) and ``status_code`` the HTTP status answered (0 when a fault
    sent no status line). ``fault`` is the fault that answered, if one did.
    """

    method: str
    raw_path: str
    job_id: str | None
    authorized: bool
    at: float
    route: str | None = None
    status_code: int = 0
    fault: Fault | None = None


@dataclass(frozen=True)
class Call:
    """A request that reached a route handler: authorized, method allowed.

    ``method`` is the HTTP method, ``body`` the request body (empty if none was
    read), ``query`` the decoded query parameters in order.
    """

    route: Route
    job_id: str | None
    now: float
    method: str = "GET"
    body: bytes = b""
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Route:
    """One endpoint: a name, a pattern over the raw path, and who answers it.

    ``pattern`` is matched against the raw path without the query, so ``[^/]+``
    means exactly one encoded path segment; a named group ``job_id`` is
    percent-decoded before lookup. ``generation`` picks the error body's shape.
    """

    name: str
    pattern: re.Pattern[str]
    generation: Generation
    handler: Callable[[Call], Response | StreamAnswer]
    methods: frozenset[str] = frozenset({"GET"})


class SimulatedApi:
    """The fake Sutro API's behaviour, independent of any socket.

    All state (scripts, jobs, the request log) sits behind one lock, because the
    HTTP server answers requests on many threads at once. ``clock`` supplies the
    time in seconds (``time.monotonic`` by default); tests pass a fake one and
    move it by hand, so no test sleeps to see a job change; fault windows run
    on the same clock. ``wall_clock`` (``time.time`` by default) is read once,
    when a timestamp is first needed, to tie the clock to real dates: a job
    that started 2 clock seconds after it was created says so in its details.
    ``heartbeat_seconds`` is the real-time silence after which a progress
    stream sends a heartbeat.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
    ) -> None:
        """Create an API that accepts ``api_key`` and plays scripts ``time_scale`` times as long."""
        self._api_key = check_api_key(api_key)
        if isinstance(time_scale, bool) or not isinstance(time_scale, (int, float)):
            raise TypeError(f"time_scale must be a number, not {time_scale!r}.")
        if not math.isfinite(time_scale) or time_scale < 0:
            raise ValueError(f"time_scale must be finite and >= 0, not {time_scale!r}.")
        self.time_scale = float(time_scale)
        if isinstance(heartbeat_seconds, bool) or not isinstance(heartbeat_seconds, (int, float)):
            raise TypeError(f"heartbeat_seconds must be a number, not {heartbeat_seconds!r}.")
        if not math.isfinite(heartbeat_seconds) or heartbeat_seconds <= 0:
            raise ValueError(
                f"heartbeat_seconds must be finite and > 0, not {heartbeat_seconds!r}."
            )
        self.heartbeat_seconds = float(heartbeat_seconds)
        self._clock: Callable[[], float] = clock if clock is not None else time.monotonic
        self._wall_clock: Callable[[], float] = wall_clock if wall_clock is not None else time.time
        #: (clock reading, wall time) taken together once, so clock readings map to dates.
        self._wall_anchor: tuple[float, float] | None = None
        # A condition, not a plain lock: open progress streams wait on it, and
        # every change made through this object (advance, set_progress, cancel,
        # add_job, wake) bumps ``_changes`` and notifies them.
        self._lock = threading.Condition()
        self._changes = 0
        self._scripts: dict[str, Script] = {}
        self._infos: dict[str, JobInfo] = {}
        self._jobs: dict[str, JobState] = {}
        self._requests: list[RecordedRequest] = []
        self._faults = FaultBoard()
        #: Returns the origin a redirect fault points to. The HTTP layer sets it
        #: to start its recording listener on first use; called under the lock,
        #: so it must not call back into this object.
        self.other_origin: Callable[[], str] = lambda: PLACEHOLDER_OTHER_ORIGIN
        #: The route table, tried in order. Later endpoints are appended here.
        self.routes: list[Route] = [
            Route("job-status", re.compile(_STATUS_PATH), LEGACY, self._job_status),
            Route("v1/job-status", re.compile("/v1" + _STATUS_PATH), V1, self._job_status),
            Route(DETAILS_ROUTE, re.compile("/v1/jobs/" + _JOB_ID), V1, self._job_details),
            Route(
                STREAM_ROUTE,
                re.compile("/v1/stream-job-progress/" + _JOB_ID),
                V1,
                self._stream_progress,
            ),
            Route(CANCEL_ROUTE, re.compile("/v1/job-cancel/" + _JOB_ID), V1, self._job_cancel),
            Route(
                "_sim/faults",
                re.compile(re.escape(CONTROL_PATH)),
                V1,
                self._control_faults,
                frozenset({"GET", "POST", "DELETE"}),
            ),
        ]

    @property
    def api_key(self) -> str:
        """The key clients must send as ``Authorization: Key <api_key>``."""
        return self._api_key

    # -- scripting (used by tests and the demo) --------------------------------

    def add_job(
        self,
        job_id: str,
        steps: Iterable[Step],
        info: JobInfo | None = None,
        *,
        num_rows: int | None = None,
    ) -> None:
        """Make ``job_id`` (exactly) play ``steps``; this wins over any built-in prefix.

        ``info`` is what its details say (name, model, rows; default
        :data:`~.scripts.DEFAULT_INFO`); ``num_rows`` overrides its row count.
        Registering an id again replaces its script and restarts it: its clock
        starts anew at the next request for it.
        """
        if not isinstance(job_id, str) or not job_id:
            raise ValueError(f"job_id must be a non-empty string, not {job_id!r}.")
        script = as_script(steps)
        if info is not None and not isinstance(info, JobInfo):
            raise TypeError(f"info must be a JobInfo or None, not {info!r}.")
        info = info if info is not None else DEFAULT_INFO
        if num_rows is not None:
            info = replace(info, num_rows=num_rows)
        check_rows(script, info)
        with self._lock:
            self._scripts[job_id] = script
            self._infos[job_id] = info
            self._jobs.pop(job_id, None)
            self._changed()

    def advance(self, job_id: str) -> str:
        """Move ``job_id`` to its next step now and return its new status.

        Held steps move only this way; a timed step is cut short. On the last
        step the job stays where it is. Raises ``KeyError`` for an id that no
        script matches.
        """
        with self._lock:
            job = self._job(job_id)
            if job is None:
                raise KeyError(job_id)
            status = job.advance(self._clock()).status
            self._changed()
            return status

    def set_progress(self, job_id: str, rows_done: int) -> None:
        """Set how many rows ``job_id`` has done, while it is on a held step.

        A held ``running`` step moves only by hand: this is how a test walks a
        progress bar (open streams report it at once). Rows may not go down nor
        pass ``num_rows``, and a timed step's rows follow its clock
        (``ValueError``); ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._job(job_id)
            if job is None:
                raise KeyError(job_id)
            job.set_progress(self._clock(), rows_done)
            self._changed()

    def rows_done(self, job_id: str) -> int:
        """Rows ``job_id`` has done now; looking does not start its clock.

        ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.rows_done(self._clock())
            if script_for(job_id, self._scripts) is None:
                raise KeyError(job_id)
            return 0

    def num_rows(self, job_id: str) -> int:
        """How many rows ``job_id`` has in all (``KeyError`` for an id that no script matches)."""
        with self._lock:
            if script_for(job_id, self._scripts) is None:
                raise KeyError(job_id)
            return info_for(job_id, self._infos).num_rows

    def wake(self) -> None:
        """Wake every waiting progress stream now (the server calls it when it stops)."""
        with self._lock:
            self._changed()

    def status_of(self, job_id: str) -> str:
        """Return the script status ``job_id`` has now (e.g. ``"queued"``, ``"PAUSED"``).

        Looking does not start the job's clock: a job nobody has asked about is
        on its first step. Raises ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.current(self._clock()).status
            script = script_for(job_id, self._scripts)
            if script is None:
                raise KeyError(job_id)
            return script[0].status

    def request_count(self, job_id: str | None = None, *, route: str | None = None) -> int:
        """Count status requests (GET, either generation, any outcome), all or for one job.

        ``job_id`` is the decoded id, so ``job%2Fx`` counts as ``job/x``.
        Requests to unknown paths are not status requests and are not counted.
        ``route`` counts GETs of another route instead, by name (e.g.
        ``"v1/jobs"``, ``"v1/stream-job-progress"``, ``"v1/job-cancel"``).
        """
        routes = STATUS_ROUTES if route is None else frozenset({route})
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.method == "GET"
                and r.route in routes
                and (job_id is None or r.job_id == job_id)
            )

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    # -- faults ----------------------------------------------------------------

    def inject(
        self,
        mode: Fault | str,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        after: float = 0.0,
        duration: float | None = None,
        requests: int | None = None,
        retry_after: float | None = None,
        plain: bool = False,
        lines: int | None = None,
    ) -> FaultHandle:
        """Answer matching status requests (or streams, for ``STREAM_BREAK``) with ``mode``.

        The window opens ``after`` clock seconds from now and lasts
        ``duration`` (``None``: until cleared); ``requests`` caps how many
        requests it answers; the rest is :class:`~.faults.FaultSpec`'s. A
        faulted status request never starts, advances or resets the job's
        script clock (a broken stream is served before it breaks, so it does).
        """
        fault = mode if isinstance(mode, Fault) else Fault.parse(mode)
        spec = FaultSpec(
            fault, job_id, job_prefix, after, duration, requests, retry_after, plain, lines
        )
        return self.inject_spec(spec)

    def inject_spec(self, spec: FaultSpec) -> FaultHandle:
        """Place an already-built spec on the clock now (the command line's path)."""
        with self._lock:
            rule = self._faults.add(spec, self._clock())
        return FaultHandle(rule, self.clear_rule)

    def clear_faults(
        self,
        job_id: str | None = None,
        *,
        job_prefix: str | None = None,
        mode: Fault | None = None,
    ) -> int:
        """Clear the faults injected with this ``job_id`` / ``job_prefix`` / ``mode``.

        With no argument every fault goes. A request held by a cleared
        ``NO_RESPONSE`` is let go (closed unanswered). Returns how many were cleared.
        """
        with self._lock:
            return self._faults.clear(job_id, job_prefix, mode)

    def clear_rule(self, rule: FaultRule) -> None:
        """Clear one fault (what its handle's ``clear`` does)."""
        with self._lock:
            self._faults.remove(rule)

    def fault_hits(self, job_id: str | None = None) -> int:
        """How many requests a fault answered, in all or for one decoded job id."""
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.fault is not None and (job_id is None or r.job_id == job_id)
            )

    @property
    def faults(self) -> list[FaultRule]:
        """The faults not yet over (cleared, past their window), oldest first."""
        with self._lock:
            return self._faults.rules(self._clock())

    def is_down(self) -> bool:
        """Whether a ``DOWN`` window is open now, so the listener must be closed."""
        with self._lock:
            # Only read the clock when there is a DOWN fault: the HTTP layer asks
            # often, and a test's clock should see calls only when they matter.
            return self._faults.has(Fault.DOWN) and self._faults.down(self._clock())

    def _in_force(self, rule: FaultRule) -> bool:
        """Whether ``rule`` still holds what it holds (for a stalled request)."""
        with self._lock:
            return rule.in_force(self._clock())

    # -- serving ---------------------------------------------------------------

    def is_authorized(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header value carries this API's key.

        The scheme ``Key`` is matched case-insensitively like other HTTP auth
        schemes; the key exactly, in constant time. ``authorization`` is the
        header as ``http.server`` decodes it (Latin-1), so it is compared as the
        bytes that were sent.
        """
        if authorization is None:
            return False
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "key":
            return False
        sent = token.strip().encode("latin-1", "replace")
        return hmac.compare_digest(sent, self._api_key.encode("utf-8"))

    def handle(
        self, method: str, raw_path: str, authorization: str | None, body: bytes = b""
    ) -> Answer:
        """Answer one request and record it.

        Order of checks, as a FastAPI server behind a gateway does it: unknown
        path -> 404, then a fault for a status GET (the gateway fails before
        the API sees the key), method not allowed -> 405, wrong or missing key
        -> 401, then the route.
        """
        path, _, query = raw_path.split("#", 1)[0].partition("?")
        with self._lock:
            now = self._clock()
            authorized = self.is_authorized(authorization)
            route, job_id = self._match(path)
            rule: FaultRule | None = None
            if route is not None and route.name in STATUS_ROUTES and method == "GET":
                rule = self._faults.take(job_id, now)
            answer: Answer
            if rule is not None and route is not None:
                answer = self._fault_answer(rule, route, job_id or "", raw_path, now)
            elif route is None:
                answer = Response(404, error_body(None, "Not Found"))
            elif method not in route.methods:
                allow = ", ".join(sorted(route.methods))
                answer = Response(
                    405, error_body(route.generation, "Method Not Allowed"), (("Allow", allow),)
                )
            elif not authorized:
                answer = Response(
                    401,
                    error_body(route.generation, "Invalid or missing API key"),
                    (("WWW-Authenticate", "Key"),),
                )
            else:
                params = tuple(parse_qsl(query, keep_blank_values=True))
                answer = route.handler(Call(route, job_id, now, method, body, params))
            self._requests.append(
                RecordedRequest(
                    method=method,
                    raw_path=raw_path,
                    job_id=job_id,
                    authorized=authorized,
                    at=now,
                    route=None if route is None else route.name,
                    status_code=answer.status,
                    fault=_fault_of(rule, answer),
                )
            )
            return answer

    def _fault_answer(
        self, rule: FaultRule, route: Route, job_id: str, raw_path: str, now: float
    ) -> FaultAnswer:
        """Build the answer of ``rule`` without touching the job's clock. Caller holds the lock."""
        answer = build_answer(
            rule.spec,
            generation=route.generation,
            job_id=job_id,
            step=self._peek(job_id, now),
            raw_path=raw_path,
            wall_now=self._wall_clock(),
            other_origin=self.other_origin()
            if rule.spec.mode is Fault.REDIRECT_OTHER_ORIGIN
            else PLACEHOLDER_OTHER_ORIGIN,
        )
        if answer.stall:
            return replace(answer, in_force=lambda: self._in_force(rule))
        return answer

    def _peek(self, job_id: str, now: float) -> Step:
        """The step ``job_id`` is on, without starting its clock. Caller holds the lock."""
        job = self._jobs.get(job_id)
        if job is not None:
            return job.current(now)
        script = script_for(job_id, self._scripts)
        return _UNSCRIPTED_STEP if script is None else script[0]

    def _match(self, path: str) -> tuple[Route | None, str | None]:
        """Find the route for ``path`` and the decoded job id it names, if any."""
        for route in self.routes:
            match = route.pattern.fullmatch(path)
            if match is not None:
                raw_id = match.groupdict().get("job_id")
                return route, None if raw_id is None else unquote(raw_id)
        return None, None

    def _job(self, job_id: str) -> JobState | None:
        """Return the state of ``job_id``, created from its script on first use.

        ``None`` if no script matches. Caller holds the lock.
        """
        job = self._jobs.get(job_id)
        if job is None:
            script = script_for(job_id, self._scripts)
            if script is None:
                return None
            info = info_for(job_id, self._infos)
            job = self._jobs[job_id] = JobState(script, self.time_scale, info)
        return job

    def _changed(self) -> None:
        """Note a change and wake the streams waiting for one. Caller holds the lock."""
        self._changes += 1
        self._lock.notify_all()

    def _look(self, job_id: str) -> tuple[JobView, float, int] | None:
        """What an open stream needs: the job's view now, the clock, the change count."""
        with self._lock:
            job = self._job(job_id)
            if job is None:
                return None
            now = self._clock()
            return job.view(now), now, self._changes

    def _wait(self, seen: int, timeout: float) -> None:
        """Sleep up to ``timeout`` real seconds unless a change came after ``seen``."""
        with self._lock:
            if self._changes == seen:
                self._lock.wait(timeout)

    def _wall(self, now: float) -> Callable[[float], float]:
        """Map clock readings to epoch seconds, anchored the first time it is needed.

        Caller holds the lock.
        """
        if self._wall_anchor is None:
            self._wall_anchor = (now, self._wall_clock())
        anchor_clock, anchor_wall = self._wall_anchor
        return lambda at: anchor_wall + (at - anchor_clock)

    def _not_found(self, call: Call) -> Response:
        return Response(404, error_body(call.route.generation, f"Job {call.job_id} not found"))

    def _job_status(self, call: Call) -> Response:
        """``GET [/v1]/job-status/{job_id}``: the job's current step, in the route's generation.

        The first answered request for the job (status, details, stream or
        cancel) starts the job's clock. Caller holds the lock.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return Response(404, error_body(call.route.generation, f"Job {job_id} not found"))
        job.start(call.now)
        return Response(200, status_body(call.route.generation, job_id, job.current(call.now)))

    def _job_details(self, call: Call) -> Response:
        """``GET /v1/jobs/{job_id}``: status, name, model, rows, tokens, cost, dates.

        Caller holds the lock.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        return Response(200, job_body(job_id, job.view(call.now), self._wall(call.now)))

    def _stream_progress(self, call: Call) -> Response | StreamAnswer:
        """``GET /v1/stream-job-progress/{job_id}``: a stream for the HTTP layer to play.

        A ``STREAM_BREAK`` fault, or else the job's own one-time break (the
        first stream of a ``job-stream-breaks`` job), says when to cut it.
        Caller holds the lock.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        rule = self._faults.take(job_id, call.now, stream=True)
        cut_after = None if rule is None else rule.spec.lines
        breaks_after = job.info.stream_breaks_after
        if rule is None and breaks_after is not None and not job.stream_break_used:
            job.stream_break_used = True
            cut_after = breaks_after
        feed = ProgressFeed(
            time_scale=self.time_scale,
            heartbeat_seconds=self.heartbeat_seconds,
            cut_after=cut_after,
        )
        return StreamAnswer(
            job_id,
            feed,
            look=lambda: self._look(job_id),
            wait=self._wait,
            fault=None if rule is None else rule.spec.mode,
        )

    def _job_cancel(self, call: Call) -> Response:
        """``GET /v1/job-cancel/{job_id}``: cancel, or 409 for a job that already ended.

        The job goes to ``cancelling`` now and ``cancelled`` later (see
        :meth:`~.job_state.JobState.cancel`); asking again while it is
        cancelling is accepted again. Caller holds the lock.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        step = job.current(call.now)
        if step.terminal:
            detail = f"Job {job_id} already {step.status.lower()}; it cannot be cancelled."
            return Response(409, {"detail": detail})
        job.cancel(call.now)
        self._changed()
        return Response(200, dict(CANCEL_BODY))

    def _control_faults(self, call: Call) -> Response:
        """``/_sim/faults``: ``POST`` injects a fault, ``DELETE`` clears, ``GET`` lists.

        The body of a ``POST`` is :meth:`FaultSpec.from_json`'s form; a bad one
        is a 422 that says why. ``DELETE`` takes optional ``job_id``,
        ``job_prefix`` and ``mode`` query parameters (none: clear all). Faults
        never apply to this route, so a revoked key or a 503 window cannot lock
        the controller out. Caller holds the lock.
        """
        if call.method == "GET":
            return Response(
                200, {"faults": [r.to_json(call.now) for r in self._faults.rules(call.now)]}
            )
        if call.method == "DELETE":
            filters = dict(call.query)
            unknown = sorted(set(filters) - {"job_id", "job_prefix", "mode"})
            if unknown:
                return Response(422, {"detail": f"Unknown filter(s): {', '.join(unknown)}."})
            try:
                mode = Fault.parse(filters["mode"]) if "mode" in filters else None
            except ValueError as exc:
                return Response(422, {"detail": str(exc)})
            cleared = self._faults.clear(filters.get("job_id"), filters.get("job_prefix"), mode)
            return Response(200, {"cleared": cleared})
        try:
            spec = FaultSpec.from_json(json.loads(call.body or b"null"))
        except (TypeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            return Response(422, {"detail": str(exc)})
        if spec.mode is Fault.DOWN and spec.duration is None:
            # The endpoint is served by the listener that DOWN closes: nobody
            # could reach it again to bring the server back up.
            return Response(422, {"detail": "down needs a duration when set over HTTP."})
        rule = self._faults.add(spec, call.now)
        return Response(201, {"fault": rule.to_json(call.now)})
