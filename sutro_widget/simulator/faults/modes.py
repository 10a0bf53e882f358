"""Every way the simulator can misbehave, and which requests each way applies to.

A :class:`Fault` is a name (for Python, the command line and the control
endpoint); the sets below say what a fault needs (a ``Retry-After``, a plain
text body, a number of stream lines) and which kind of request it can answer,
so a spec is checked once, where it is written, and a route asks one question
("does this fault apply to me?") instead of knowing every mode.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "DEFAULT_STREAM_LINES",
    "LIST_FAULTS",
    "PLAIN_CAPABLE",
    "RATE_LIMITS",
    "STATUS_SHAPE_FAULTS",
    "STREAM_FAULTS",
    "Fault",
    "FaultTarget",
    "applies_to_target",
]


class Fault(Enum):
    """Every way the simulator can misbehave on a status request (or a progress stream).

    The value is the name used on the command line and by the control
    endpoint (``http_503``); the member name (``HTTP_503``) is accepted too.
    """

    #: ``500 Internal Server Error`` (JSON error body, or plain text with ``plain``).
    HTTP_500 = "http_500"
    #: ``502 Bad Gateway`` (JSON, or plain text).
    HTTP_502 = "http_502"
    #: ``503 Service Unavailable`` (JSON, or plain text).
    HTTP_503 = "http_503"
    #: ``408 Request Timeout``, then the server closes the connection (JSON, or plain text).
    HTTP_408 = "http_408"
    #: ``429`` with ``Retry-After: <seconds>``.
    RATE_LIMIT = "rate_limit"
    #: ``429`` with ``Retry-After: <IMF-fixdate>``, computed from the real wall clock.
    RATE_LIMIT_DATE = "rate_limit_date"
    #: Status line, headers and half the body, then a TCP reset.
    CONNECTION_RESET = "connection_reset"
    #: The request is read and nothing is sent until the window ends (then the
    #: connection closes unanswered) or the client gives up.
    NO_RESPONSE = "no_response"
    #: ``200`` with an HTML error page (``text/html``), as a captive proxy sends.
    HTML_PAGE_200 = "html_page_200"
    #: ``502`` with an HTML error page (``text/html``), as a load balancer sends.
    HTML_PAGE_502 = "html_page_502"
    #: ``200`` whose JSON is cut in the middle; ``Content-Length`` matches what is sent.
    TRUNCATED_JSON = "truncated_json"
    #: ``200`` whose ``job_status`` is a number.
    STATUS_NUMBER = "status_number"
    #: ``200`` whose ``job_status`` is a list.
    STATUS_LIST = "status_list"
    #: ``200`` whose ``job_status`` is an object keyed by another job's id.
    STATUS_OTHER_JOB = "status_other_job"
    #: ``200`` with a valid 2 MiB JSON body (the real answer plus padding) and ``Content-Length``.
    HUGE_BODY = "huge_body"
    #: The same 2 MiB body, ``Transfer-Encoding: chunked``.
    HUGE_BODY_CHUNKED = "huge_body_chunked"
    #: The same 2 MiB body with no length at all: it ends when the connection closes.
    HUGE_BODY_NO_LENGTH = "huge_body_no_length"
    #: ``302`` to the same path on another origin (a recording listener).
    REDIRECT_OTHER_ORIGIN = "redirect_other_origin"
    #: ``401`` as for a wrong key (the key was revoked).
    UNAUTHORIZED = "unauthorized"
    #: ``404`` as for an unknown job (the job was deleted).
    NOT_FOUND = "not_found"
    #: The server is down: its listening socket is closed, so connections are refused.
    DOWN = "down"
    #: For ``/v1/stream-job-progress`` only: the stream is served, then after
    #: ``lines`` progress updates the connection is closed without the
    #: terminating chunk, as when a proxy drops a long-lived response.
    STREAM_BREAK = "stream_break"

    @classmethod
    def parse(cls, name: str) -> Fault:
        """Return the fault called ``name`` (value or member name, any case, ``-`` or ``_``)."""
        key = name.strip().lower().replace("-", "_")
        for fault in cls:
            if fault.value == key:
                return fault
        known = ", ".join(fault.value for fault in cls)
        raise ValueError(f"Unknown fault {name!r}; known faults: {known}.")


#: The kinds of request a fault can answer: a job's status (both generations),
#: a progress stream, or the account's job list (``/v1/list-jobs``).
FaultTarget = Literal["status", "stream", "list"]

#: Faults whose body can be JSON or, with ``plain``, a line of text.
PLAIN_CAPABLE = frozenset({Fault.HTTP_500, Fault.HTTP_502, Fault.HTTP_503, Fault.HTTP_408})
#: Faults that carry a ``Retry-After`` (``retry_after`` seconds, default 1).
RATE_LIMITS = frozenset({Fault.RATE_LIMIT, Fault.RATE_LIMIT_DATE})
DEFAULT_RETRY_AFTER = 1.0
#: Faults that act on progress streams, never on status requests (and the only
#: faults a stream request meets: the others distort a status body).
STREAM_FAULTS = frozenset({Fault.STREAM_BREAK})
#: How many progress updates a ``STREAM_BREAK`` lets through when ``lines`` is not given.
DEFAULT_STREAM_LINES = 3
#: Faults that only make sense for one job's status: a misshapen ``job_status``,
#: or "this job is gone". A job list has neither, so they never answer one.
STATUS_SHAPE_FAULTS = frozenset(
    {Fault.STATUS_NUMBER, Fault.STATUS_LIST, Fault.STATUS_OTHER_JOB, Fault.NOT_FOUND}
)
#: Faults that answer a job-list request: what a gateway, proxy or network does
#: to any answer (errors, rate limits, resets, stalls, HTML, cut or huge bodies,
#: a redirect, a revoked key).
LIST_FAULTS = frozenset(set(Fault) - STREAM_FAULTS - STATUS_SHAPE_FAULTS)


def applies_to_target(fault: Fault, target: FaultTarget) -> bool:
    """Whether ``fault`` can answer a request of kind ``target``."""
    if target == "stream":
        return fault in STREAM_FAULTS
    if target == "list":
        return fault in LIST_FAULTS
    return fault not in STREAM_FAULTS
