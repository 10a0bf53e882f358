"""The vocabulary of routing: a route, a call, an answer, a recorded request, the key check.

Each endpoint of the simulated API is one :class:`Route` (a name, a pattern
over the raw path, the generation whose error shapes it uses, a handler) and
every answer is a :class:`Response`, a fault to play or a stream to play.
These types sit apart from the state that handlers read (``state``) and from
the handlers themselves (``jobs_api``, ``control``), so each concern imports
only what it uses and none imports another's module. No sockets here.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from .faults.answers import FaultAnswer
from .faults.modes import Fault, FaultTarget
from .progress import StreamAnswer
from .wire import Generation

__all__ = [
    "CANCEL_ROUTE",
    "CONTROL_PATH",
    "DEFAULT_API_KEY",
    "DETAILS_ROUTE",
    "JOB_ID",
    "LIST_ROUTE",
    "PLACEHOLDER_OTHER_ORIGIN",
    "STATUS_ROUTES",
    "STREAM_ROUTE",
    "Answer",
    "Call",
    "RecordedRequest",
    "Response",
    "Route",
    "check_api_key",
    "key_matches",
    "match_route",
]

#: The key the simulator accepts unless told otherwise. Not a secret: it only
#: opens a fake API on loopback, and is printed so demos need no real key.
DEFAULT_API_KEY = "sim-demo-key"

#: Names of the current generation's other job routes (the legacy API has none of them).
DETAILS_ROUTE = "v1/jobs"
#: Names of the routes that answer "what is the status of job X": ``job-status`` in
#: both generations, and ``jobs/{id}``, whose job object holds the status too.
STATUS_ROUTES = frozenset({"job-status", "v1/job-status", DETAILS_ROUTE})
STREAM_ROUTE = "v1/stream-job-progress"
CANCEL_ROUTE = "v1/job-cancel"
LIST_ROUTE = "v1/list-jobs"
#: The routes a deployment may lack, by the name a simulator's ``without`` takes.
OPTIONAL_ROUTES = {
    "details": DETAILS_ROUTE,
    "stream": STREAM_ROUTE,
    "cancel": CANCEL_ROUTE,
    "list": LIST_ROUTE,
}


def check_absent_routes(names: Iterable[str]) -> frozenset[str]:
    """The route names for ``without`` (``details``, ``stream``, ``cancel``, ``list``).

    Raises ``ValueError`` naming the choices for anything else, so a typo
    does not silently serve a full deployment.
    """
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in OPTIONAL_ROUTES]
    if unknown:
        choices = ", ".join(OPTIONAL_ROUTES)
        raise ValueError(
            f"Unknown route(s) {', '.join(map(repr, unknown))}: choose from {choices}."
        )
    return frozenset(OPTIONAL_ROUTES[n] for n in names)


#: Where another process switches faults on a running simulator (not part of the real API).
CONTROL_PATH = "/_sim/faults"
#: Where a redirect fault points when no other origin is listening (``SimulatedApi`` alone).
PLACEHOLDER_OTHER_ORIGIN = "http://other-origin.invalid"

#: A job id in a route pattern: exactly one path segment, still percent-encoded when matched.
JOB_ID = r"(?P<job_id>[^/]+)"


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


def key_matches(authorization: str | None, api_key: str) -> bool:
    """Whether an ``Authorization`` header value carries ``api_key``.

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
    return hmac.compare_digest(sent, api_key.encode("utf-8"))


@dataclass(frozen=True)
class Response:
    """What the HTTP layer sends back: a status code, a JSON body, extra headers."""

    status: int
    body: Mapping[str, object]
    headers: tuple[tuple[str, str], ...] = ()


#: What the simulated API answers a request with: a normal answer, a fault or a stream to play.
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
    """A request that reached a route: its route, job id, the clock's reading.

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

    ``gateway_faults`` names the kind of request this is for fault injection
    when faults strike before the route runs (as a gateway fails before the
    API sees the key); ``preview`` then gives the body the route would have
    answered, without moving any job, for the faults that distort it. Routes
    without them are never faulted that way (a stream takes its own fault).
    """

    name: str
    pattern: re.Pattern[str]
    generation: Generation
    handler: Callable[[Call], Response | StreamAnswer]
    methods: frozenset[str] = frozenset({"GET"})
    gateway_faults: FaultTarget | None = None
    preview: Callable[[Call], Mapping[str, object]] | None = None


def match_route(routes: Sequence[Route], path: str) -> tuple[Route | None, str | None]:
    """Find the route for ``path`` (first match wins) and the decoded job id it names, if any."""
    for route in routes:
        match = route.pattern.fullmatch(path)
        if match is not None:
            raw_id = match.groupdict().get("job_id")
            return route, None if raw_id is None else unquote(raw_id)
    return None, None
