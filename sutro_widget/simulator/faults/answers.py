"""What each fault puts on the wire, as data: status, headers, body bytes, framing.

Kept apart from the sockets (``player`` plays an answer on a connection) and
from the clock (the wall time is an argument), so every byte a fault sends can
be read here and tested without a server. Body-carrying faults start from the
answer the route would really have given (a job's status, the job list), so a
client sees a plausible answer that is broken in exactly one way.
"""

from __future__ import annotations

import email.utils
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

from ..wire import Generation, error_body
from .modes import Fault
from .specs import FaultSpec

__all__ = [
    "HTML_ERROR_PAGE",
    "HUGE_BODY_BYTES",
    "FaultAnswer",
    "FaultContext",
    "Framing",
    "build_answer",
]

#: How the body's end is marked: ``Content-Length``, chunked, or closing the connection.
Framing = Literal["length", "chunked", "close"]

#: The size of every huge body: over the 1 MiB a careful client should refuse.
HUGE_BODY_BYTES = 2 * 1024 * 1024
#: The page a load balancer or captive proxy sends instead of JSON.
HTML_ERROR_PAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
#: What ``job_status`` is for :attr:`Fault.STATUS_NUMBER`.
STATUS_AS_NUMBER = 3
_JSON = "application/json"
_HUGE_FRAMING: Mapping[Fault, Framing] = {
    Fault.HUGE_BODY: "length",
    Fault.HUGE_BODY_CHUNKED: "chunked",
    Fault.HUGE_BODY_NO_LENGTH: "close",
}
_PLAIN_STATUS = {
    Fault.HTTP_500: HTTPStatus.INTERNAL_SERVER_ERROR,
    Fault.HTTP_502: HTTPStatus.BAD_GATEWAY,
    Fault.HTTP_503: HTTPStatus.SERVICE_UNAVAILABLE,
    Fault.HTTP_408: HTTPStatus.REQUEST_TIMEOUT,
}


def _never() -> bool:
    return False


@dataclass(frozen=True)
class FaultAnswer:
    """One fault's answer to one request, for the HTTP layer to play.

    ``status`` is the status line sent (0 when nothing is sent). With
    ``reset_after`` set, that many body bytes are sent and then the connection
    is reset. ``stall`` sends nothing while ``in_force()`` stays true (the
    simulator supplies it: the fault's window is open and not cleared), then
    closes unanswered; ``drop`` closes unanswered at once (the server went
    down). ``close`` ends the connection after the answer (as a server that
    sends 408 does). ``fault`` is which fault this is.
    """

    fault: Fault
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    framing: Framing = "length"
    reset_after: int | None = None
    stall: bool = False
    drop: bool = False
    close: bool = False
    in_force: Callable[[], bool] = _never


@dataclass(frozen=True)
class FaultContext:
    """Everything a fault's answer is made from, gathered by the route it hit.

    ``real`` is the JSON body the route would have answered (which faults that
    carry a body distort), ``job_id`` the job the request named (``None`` for
    the job list), ``raw_path`` the request target (a redirect keeps it on the
    other origin), ``wall_now`` the real time in epoch seconds (for an
    HTTP-date ``Retry-After``), ``other_origin`` where redirects point.
    """

    spec: FaultSpec
    generation: Generation
    job_id: str | None
    real: Mapping[str, object]
    raw_path: str
    wall_now: float
    other_origin: str


_JSON_TYPE = (("Content-Type", _JSON),)


def _json(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


def _huge(body: Mapping[str, object]) -> bytes:
    """``body`` plus a ``padding`` string, exactly :data:`HUGE_BODY_BYTES` of valid JSON."""
    padded = {**body, "padding": ""}
    missing = HUGE_BODY_BYTES - len(_json(padded))
    padded["padding"] = "x" * missing  # ASCII: one byte per character, so the size is exact
    return _json(padded)


def _plain_error(ctx: FaultContext) -> FaultAnswer:
    """5xx or 408 with a JSON error body, or a line of text with ``plain``."""
    fault = ctx.spec.mode
    code = _PLAIN_STATUS[fault]
    if ctx.spec.plain:
        text = f"{code.value} {code.phrase}".encode()
        headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain; charset=utf-8"),)
        body = text
    else:
        headers, body = _JSON_TYPE, _json(error_body(ctx.generation, code.phrase))
    return FaultAnswer(fault, code.value, headers, body, close=fault is Fault.HTTP_408)


def _rate_limit(ctx: FaultContext) -> FaultAnswer:
    """429 with ``Retry-After`` in seconds, or as an IMF-fixdate never earlier than asked."""
    fault = ctx.spec.mode
    seconds = math.ceil(ctx.spec.retry_after or 0.0)
    if fault is Fault.RATE_LIMIT:
        retry_after = str(seconds)
    else:
        retry_after = email.utils.formatdate(math.ceil(ctx.wall_now) + seconds, usegmt=True)
    body = _json(error_body(ctx.generation, "Too Many Requests"))
    return FaultAnswer(fault, 429, (*_JSON_TYPE, ("Retry-After", retry_after)), body)


def _reset(ctx: FaultContext) -> FaultAnswer:
    real = _json(ctx.real)
    return FaultAnswer(ctx.spec.mode, 200, _JSON_TYPE, real, reset_after=len(real) // 2)


def _html(ctx: FaultContext) -> FaultAnswer:
    status = 200 if ctx.spec.mode is Fault.HTML_PAGE_200 else 502
    html = (("Content-Type", "text/html; charset=utf-8"),)
    return FaultAnswer(ctx.spec.mode, status, html, HTML_ERROR_PAGE)


def _truncated(ctx: FaultContext) -> FaultAnswer:
    real = _json(ctx.real)
    return FaultAnswer(ctx.spec.mode, 200, _JSON_TYPE, real[: len(real) // 2])


def _wrong_shape(ctx: FaultContext) -> FaultAnswer:
    """The real status with ``job_status`` swapped for a shape no client should accept.

    A ``jobs/{id}`` answer gets the same faults in its own shape (see :func:`_wrong_job`).
    """
    fault, body = ctx.spec.mode, dict(ctx.real)
    if isinstance(body.get("job"), Mapping):
        return _wrong_job(ctx, body)
    status = body.get("job_status")
    if isinstance(status, Mapping):  # current generation: {job_id: STATUS}
        status = next(iter(status.values()), "")
    spelled = status if isinstance(status, str) else ""
    if fault is Fault.STATUS_NUMBER:
        body["job_status"] = STATUS_AS_NUMBER
    elif fault is Fault.STATUS_LIST:
        body["job_status"] = [spelled]
    else:
        body["job_status"] = {f"not-{ctx.job_id}": spelled}
    return FaultAnswer(fault, 200, _JSON_TYPE, _json(body))


def _wrong_job(ctx: FaultContext, body: dict[str, object]) -> FaultAnswer:
    """A job object whose status is a number or a list, or that is about another job."""
    fault, job = ctx.spec.mode, dict(body["job"])  # type: ignore[call-overload]
    if fault is Fault.STATUS_NUMBER:
        job["status"] = STATUS_AS_NUMBER
    elif fault is Fault.STATUS_LIST:
        job["status"] = [job.get("status", "")]
    else:
        job["job_id"] = f"not-{ctx.job_id}"
    return FaultAnswer(fault, 200, _JSON_TYPE, _json({**body, "job": job}))


def _huge_body(ctx: FaultContext) -> FaultAnswer:
    fault = ctx.spec.mode
    return FaultAnswer(fault, 200, _JSON_TYPE, _huge(ctx.real), framing=_HUGE_FRAMING[fault])


def _redirect(ctx: FaultContext) -> FaultAnswer:
    location = (("Location", ctx.other_origin.rstrip("/") + ctx.raw_path),)
    body = _json(error_body(ctx.generation, "Found"))
    return FaultAnswer(ctx.spec.mode, 302, (*_JSON_TYPE, *location), body)


def _unauthorized(ctx: FaultContext) -> FaultAnswer:
    body = _json(error_body(ctx.generation, "Invalid or missing API key"))
    return FaultAnswer(ctx.spec.mode, 401, (*_JSON_TYPE, ("WWW-Authenticate", "Key")), body)


def _not_found(ctx: FaultContext) -> FaultAnswer:
    body = _json(error_body(ctx.generation, f"Job {ctx.job_id} not found"))
    return FaultAnswer(ctx.spec.mode, 404, _JSON_TYPE, body)


#: Who builds each fault's answer (every fault but ``STREAM_BREAK``, which cuts a stream).
_BUILDERS: Mapping[Fault, Callable[[FaultContext], FaultAnswer]] = {
    **dict.fromkeys(_PLAIN_STATUS, _plain_error),
    Fault.RATE_LIMIT: _rate_limit,
    Fault.RATE_LIMIT_DATE: _rate_limit,
    Fault.CONNECTION_RESET: _reset,
    Fault.NO_RESPONSE: lambda ctx: FaultAnswer(ctx.spec.mode, 0, stall=True),
    Fault.DOWN: lambda ctx: FaultAnswer(ctx.spec.mode, 0, drop=True),
    Fault.HTML_PAGE_200: _html,
    Fault.HTML_PAGE_502: _html,
    Fault.TRUNCATED_JSON: _truncated,
    Fault.STATUS_NUMBER: _wrong_shape,
    Fault.STATUS_LIST: _wrong_shape,
    Fault.STATUS_OTHER_JOB: _wrong_shape,
    **dict.fromkeys(_HUGE_FRAMING, _huge_body),
    Fault.REDIRECT_OTHER_ORIGIN: _redirect,
    Fault.UNAUTHORIZED: _unauthorized,
    Fault.NOT_FOUND: _not_found,
}


def build_answer(ctx: FaultContext) -> FaultAnswer:
    """Return what ``ctx.spec`` answers to the request ``ctx`` describes."""
    builder = _BUILDERS.get(ctx.spec.mode)
    if builder is None:  # pragma: no cover - every request fault has a builder
        raise AssertionError(f"No answer written for {ctx.spec.mode}.")
    return builder(ctx)
