"""What each fault puts on the wire, as data: status, headers, body bytes, framing.

Kept apart from the sockets (``fault_wire.py`` plays an answer on a
connection) and from the clock (``now`` and the wall time are arguments), so
every byte a fault sends can be read here and tested without a server.
Body-carrying faults start from the answer the job would really have given,
so a client sees a plausible status that is broken in exactly one way.
"""

from __future__ import annotations

import email.utils
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

from .faults import Fault, FaultSpec
from .scripts import Step
from .wire import V1, Generation, error_body, legacy_status, status_body, v1_status

__all__ = [
    "HTML_ERROR_PAGE",
    "HUGE_BODY_BYTES",
    "FaultAnswer",
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


def _json(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


def _huge(body: dict[str, object]) -> bytes:
    """``body`` plus a ``padding`` string, exactly :data:`HUGE_BODY_BYTES` of valid JSON."""
    padded = {**body, "padding": ""}
    missing = HUGE_BODY_BYTES - len(_json(padded))
    padded["padding"] = "x" * missing  # ASCII: one byte per character, so the size is exact
    return _json(padded)


def _wrong_shape(fault: Fault, generation: Generation, job_id: str, step: Step) -> bytes:
    """The real answer with ``job_status`` swapped for a shape no client should accept."""
    body = status_body(generation, job_id, step)
    spelled = v1_status(step.status) if generation == V1 else legacy_status(step.status)
    if fault is Fault.STATUS_NUMBER:
        body["job_status"] = STATUS_AS_NUMBER
    elif fault is Fault.STATUS_LIST:
        body["job_status"] = [spelled]
    else:
        body["job_status"] = {f"not-{job_id}": spelled}
    return _json(body)


def build_answer(
    spec: FaultSpec,
    *,
    generation: Generation,
    job_id: str,
    step: Step,
    raw_path: str,
    wall_now: float,
    other_origin: str,
) -> FaultAnswer:
    """Return what ``spec`` answers to a status request.

    ``step`` is where the job is (its real answer, which faults that carry a
    body distort), ``raw_path`` the request target (a redirect keeps it on the
    other origin), ``wall_now`` the real time in epoch seconds (for an
    HTTP-date ``Retry-After``), ``other_origin`` where redirects point.
    """
    fault = spec.mode
    real = _json(status_body(generation, job_id, step))
    json_type = (("Content-Type", _JSON),)
    if fault in _PLAIN_STATUS:
        code = _PLAIN_STATUS[fault]
        if spec.plain:
            text = f"{code.value} {code.phrase}".encode()
            headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain; charset=utf-8"),)
            body = text
        else:
            headers, body = json_type, _json(error_body(generation, code.phrase))
        return FaultAnswer(fault, code.value, headers, body, close=fault is Fault.HTTP_408)
    if fault in (Fault.RATE_LIMIT, Fault.RATE_LIMIT_DATE):
        seconds = math.ceil(spec.retry_after or 0.0)
        if fault is Fault.RATE_LIMIT:
            retry_after = str(seconds)
        else:  # IMF-fixdate, whole seconds, never earlier than asked
            retry_after = email.utils.formatdate(math.ceil(wall_now) + seconds, usegmt=True)
        body = _json(error_body(generation, "Too Many Requests"))
        return FaultAnswer(fault, 429, (*json_type, ("Retry-After", retry_after)), body)
    if fault is Fault.CONNECTION_RESET:
        return FaultAnswer(fault, 200, json_type, real, reset_after=len(real) // 2)
    if fault is Fault.NO_RESPONSE:
        return FaultAnswer(fault, 0, stall=True)
    if fault is Fault.DOWN:
        return FaultAnswer(fault, 0, drop=True)
    if fault in (Fault.HTML_PAGE_200, Fault.HTML_PAGE_502):
        status = 200 if fault is Fault.HTML_PAGE_200 else 502
        html = (("Content-Type", "text/html; charset=utf-8"),)
        return FaultAnswer(fault, status, html, HTML_ERROR_PAGE)
    if fault is Fault.TRUNCATED_JSON:
        return FaultAnswer(fault, 200, json_type, real[: len(real) // 2])
    if fault in (Fault.STATUS_NUMBER, Fault.STATUS_LIST, Fault.STATUS_OTHER_JOB):
        return FaultAnswer(fault, 200, json_type, _wrong_shape(fault, generation, job_id, step))
    if fault in _HUGE_FRAMING:
        huge = _huge(status_body(generation, job_id, step))
        return FaultAnswer(fault, 200, json_type, huge, framing=_HUGE_FRAMING[fault])
    if fault is Fault.REDIRECT_OTHER_ORIGIN:
        location = (("Location", other_origin.rstrip("/") + raw_path),)
        body = _json(error_body(generation, "Found"))
        return FaultAnswer(fault, 302, (*json_type, *location), body)
    if fault is Fault.UNAUTHORIZED:
        body = _json(error_body(generation, "Invalid or missing API key"))
        return FaultAnswer(fault, 401, (*json_type, ("WWW-Authenticate", "Key")), body)
    if fault is Fault.NOT_FOUND:
        return FaultAnswer(
            fault, 404, json_type, _json(error_body(generation, f"Job {job_id} not found"))
        )
    raise AssertionError(f"No answer written for {fault}.")  # pragma: no cover
