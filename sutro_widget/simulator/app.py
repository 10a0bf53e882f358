"""The simulated API itself: routes, auth, job state and the request log.

:class:`SimulatedApi` turns one request (method, raw path, ``Authorization``
header) into one :class:`Response`. It holds no sockets, so the HTTP layer in
``server.py`` stays a thin adapter, and a new endpoint (job details, cancel, a
progress stream) is one more :class:`Route` and one more handler method, with
per-job state kept on :class:`~sutro_widget.simulator.scripts.JobState`.

Faults (see ``faults.py``) are decided here too: a status request that a
fault targets gets a :class:`~sutro_widget.simulator.fault_answers.FaultAnswer`
instead of a :class:`Response`, and ``POST/GET/DELETE /_sim/faults`` lets
another process switch faults on a running simulator.
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
from .scripts import JobState, Script, Step, as_script, script_for
from .wire import LEGACY, V1, Generation, error_body, status_body

__all__ = [
    "CONTROL_PATH",
    "DEFAULT_API_KEY",
    "PLACEHOLDER_OTHER_ORIGIN",
    "STATUS_ROUTES",
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

#: Where another process switches faults on a running simulator (not part of the real API).
CONTROL_PATH = "/_sim/faults"
#: Where a redirect fault points when no other origin is listening (``SimulatedApi`` alone).
PLACEHOLDER_OTHER_ORIGIN = "http://other-origin.invalid"

# The job id is exactly one path segment, still percent-encoded when matched.
_STATUS_PATH = r"/job-status/(?P<job_id>[^/]+)"
# What a body-carrying fault distorts when the job has no script (it would be a 404).
_UNSCRIPTED_STEP = Step("running", None, "Processing rows")


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


#: What :meth:`SimulatedApi.handle` returns: a normal answer, or a fault to play.
Answer = Response | FaultAnswer


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
    handler: Callable[[Call], Response]
    methods: frozenset[str] = frozenset({"GET"})


class SimulatedApi:
    """The fake Sutro API's behaviour, independent of any socket.

    All state (scripts, jobs, the request log) sits behind one lock, because the
    HTTP server answers requests on many threads at once. ``clock`` supplies the
    time in seconds (``time.monotonic`` by default); tests pass a fake one and
    move it by hand, so no test sleeps to see a job change; fault windows run
    on the same clock.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Create an API that accepts ``api_key`` and plays scripts ``time_scale`` times as long."""
        self._api_key = check_api_key(api_key)
        if isinstance(time_scale, bool) or not isinstance(time_scale, (int, float)):
            raise TypeError(f"time_scale must be a number, not {time_scale!r}.")
        if not math.isfinite(time_scale) or time_scale < 0:
            raise ValueError(f"time_scale must be finite and >= 0, not {time_scale!r}.")
        self.time_scale = float(time_scale)
        self._clock: Callable[[], float] = clock if clock is not None else time.monotonic
        self._lock = threading.Lock()
        self._scripts: dict[str, Script] = {}
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

    def add_job(self, job_id: str, steps: Iterable[Step]) -> None:
        """Make ``job_id`` (exactly) play ``steps``; this wins over any built-in prefix.

        Registering an id again replaces its script and restarts it: its clock
        starts anew at the next status request.
        """
        if not isinstance(job_id, str) or not job_id:
            raise ValueError(f"job_id must be a non-empty string, not {job_id!r}.")
        script = as_script(steps)
        with self._lock:
            self._scripts[job_id] = script
            self._jobs.pop(job_id, None)

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
            return job.advance(self._clock()).status

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

    def request_count(self, job_id: str | None = None) -> int:
        """Count status requests (GET, either generation, any outcome), all or for one job.

        ``job_id`` is the decoded id, so ``job%2Fx`` counts as ``job/x``.
        Requests to unknown paths are not status requests and are not counted.
        """
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.method == "GET"
                and r.route in STATUS_ROUTES
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
    ) -> FaultHandle:
        """Answer matching status requests with ``mode`` (see :class:`~.faults.FaultSpec`).

        The window opens ``after`` clock seconds from now and lasts
        ``duration`` (``None``: until cleared); ``requests`` caps how many
        requests it answers. A faulted request never starts, advances or
        resets the job's script clock.
        """
        fault = mode if isinstance(mode, Fault) else Fault.parse(mode)
        spec = FaultSpec(fault, job_id, job_prefix, after, duration, requests, retry_after, plain)
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
                    fault=None if rule is None else rule.spec.mode,
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
            wall_now=time.time(),
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
            job = self._jobs[job_id] = JobState(script, self.time_scale)
        return job

    def _job_status(self, call: Call) -> Response:
        """``GET [/v1]/job-status/{job_id}``: the job's current step, in the route's generation.

        The first answered request starts the job's clock. Caller holds the lock.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return Response(404, error_body(call.route.generation, f"Job {job_id} not found"))
        job.start(call.now)
        return Response(200, status_body(call.route.generation, job_id, job.current(call.now)))

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
