"""The simulated API: one object that owns jobs and faults and answers requests.

:class:`SimulatedApi` turns one request (method, raw path, ``Authorization``
header, body) into one answer. It holds no sockets, so the HTTP layer
(``listener``) stays a thin adapter and the :class:`~.server.Simulator` adds
only a listener's life. Everything it can do is declared once, in the classes
it is made of: ``scripting`` (jobs from Python), ``jobs_api`` (the job
routes), ``control`` (faults from Python and over HTTP), all on ``state``.
Here: the route table, and the order in which a request meets a missing
route, a fault, a wrong method, a wrong key, and its handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import parse_qsl

from .control import FaultControl
from .faults.answers import FaultAnswer, FaultContext, build_answer
from .faults.modes import Fault
from .faults.rules import FaultRule
from .jobs_api import JobsApi
from .progress import DEFAULT_HEARTBEAT_SECONDS, StreamAnswer
from .routes import (
    DEFAULT_API_KEY,
    PLACEHOLDER_OTHER_ORIGIN,
    Answer,
    Call,
    RecordedRequest,
    Response,
    Route,
    check_absent_routes,
    key_matches,
    match_route,
)
from .scripting import JobScripting
from .wire import error_body

__all__ = ["SimulatedApi"]


def _fault_of(rule: FaultRule | None, answer: Answer) -> Fault | None:
    """The fault that answered a request: one taken before the route, or a stream's cut."""
    if rule is not None:
        return rule.spec.mode
    return answer.fault if isinstance(answer, StreamAnswer) else None


class SimulatedApi(JobScripting, JobsApi, FaultControl):
    """The fake Sutro API's behaviour, independent of any socket.

    All state (scripts, jobs, faults, the request log) sits behind one lock
    (see :class:`~.state.ApiState` for ``clock``, ``wall_clock``,
    ``time_scale`` and ``heartbeat_seconds``). Tests that need no HTTP use it
    alone; the :class:`~.server.Simulator` is one of these that also listens.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
        without: Iterable[str] = (),
    ) -> None:
        """Create an API that accepts ``api_key`` and plays scripts ``time_scale`` times as long.

        ``without`` names routes this deployment does not have (any of
        :data:`OPTIONAL_ROUTES`: a deployment without the progress stream,
        say): they answer 404 ``{"detail": "Not Found"}``, like any unknown path.
        """
        absent = check_absent_routes(without)
        super().__init__(
            api_key,
            time_scale=time_scale,
            clock=clock,
            wall_clock=wall_clock,
            heartbeat_seconds=heartbeat_seconds,
        )
        #: The route table, tried in order.
        routes = [*self._job_routes(), *self._control_routes()]
        self.routes: list[Route] = [r for r in routes if r.name not in absent]

    def is_authorized(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header value carries this API's key (``Key <key>``)."""
        return key_matches(authorization, self._api_key)

    def handle(
        self, method: str, raw_path: str, authorization: str | None, body: bytes = b""
    ) -> Answer:
        """Answer one request and record it.

        Order of checks, as a FastAPI server behind a gateway does it: unknown
        path -> 404, then a fault for a GET of a faultable route (the gateway
        fails before the API sees the key), method not allowed -> 405, wrong or
        missing key -> 401, then the route.
        """
        path, _, query = raw_path.split("#", 1)[0].partition("?")
        with self._lock:
            now = self._clock()
            authorized = self.is_authorized(authorization)
            route, job_id = match_route(self.routes, path)
            rule: FaultRule | None = None
            answer: Answer
            if route is None:
                answer = Response(404, error_body(None, "Not Found"))
            else:
                params = tuple(parse_qsl(query, keep_blank_values=True))
                call = Call(route, job_id, now, method, body, params)
                if route.gateway_faults is not None and method == "GET":
                    rule = self._faults.take(job_id, now, route.gateway_faults)
                if rule is not None:
                    answer = self._fault_answer(rule, call, raw_path)
                else:
                    answer = self._route_answer(call, authorized)
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

    def _route_answer(self, call: Call, authorized: bool) -> Response | StreamAnswer:
        """405 for a method the route does not take, 401 without the key, else the handler."""
        route = call.route
        if call.method not in route.methods:
            allow = ", ".join(sorted(route.methods))
            return Response(
                405, error_body(route.generation, "Method Not Allowed"), (("Allow", allow),)
            )
        if not authorized:
            return Response(
                401,
                error_body(route.generation, "Invalid or missing API key"),
                (("WWW-Authenticate", "Key"),),
            )
        return route.handler(call)

    def _fault_answer(self, rule: FaultRule, call: Call, raw_path: str) -> FaultAnswer:
        """Build the answer of ``rule`` without touching any job's clock. Caller holds the lock."""
        preview = call.route.preview
        redirect = rule.spec.mode is Fault.REDIRECT_OTHER_ORIGIN
        answer = build_answer(
            FaultContext(
                spec=rule.spec,
                generation=call.route.generation,
                job_id=call.job_id,
                real={} if preview is None else preview(call),
                raw_path=raw_path,
                wall_now=self._wall_clock(),
                other_origin=self._redirect_origin() if redirect else PLACEHOLDER_OTHER_ORIGIN,
            )
        )
        if answer.stall:
            return replace(answer, in_force=lambda: self._in_force(rule))
        return answer
