"""One HTTP answer -> a value or the typed error that names its problem.

Pure functions of ``(status code, headers, body)``: no sockets, so every code
and every odd body is tested as a table. ``Retry-After`` is read here too.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx

from ..errors import (
    AuthenticationError,
    CertificateError,
    ConfigurationError,
    ConflictError,
    HostNotFoundError,
    JobNotFoundError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SutroError,
)
from .limits import MAX_RETRY_AFTER
from .shapes import (
    StatusReport,
    excerpt,
    parse_details_body,
    parse_job_body,
    parse_status_body,
)

E = TypeVar("E", bound=BaseException)


def read_status_answer(
    status_code: int, headers: Mapping[str, str], body: bytes, *, job_id: str
) -> StatusReport:
    """Turn one HTTP answer into a report, or raise the error that names its problem."""
    raise_for_answer(status_code, headers, body, job_id=job_id)
    return parse_status_body(body, job_id=job_id, status_code=status_code)


def read_details_answer(
    status_code: int, headers: Mapping[str, str], body: bytes, *, job_id: str
) -> dict[str, Any]:
    """Turn a ``jobs/{id}`` answer into the details the card shows."""
    raise_for_answer(status_code, headers, body, job_id=job_id)
    return parse_details_body(body, status_code=status_code)


def read_job_answer(
    status_code: int, headers: Mapping[str, str], body: bytes, *, job_id: str
) -> StatusReport:
    """Turn a ``jobs/{id}`` answer into a status report carrying the details."""
    raise_for_answer(status_code, headers, body, job_id=job_id)
    return parse_job_body(body, job_id=job_id, status_code=status_code)


def read_cancel_answer(
    status_code: int, headers: Mapping[str, str], body: bytes, *, job_id: str
) -> str:
    """Turn a ``job-cancel/{id}`` answer into the server's message, or raise why not."""
    if status_code in (400, 409):
        detail = _server_detail(body) or f"HTTP {status_code}"
        raise ConflictError(f"Job {job_id!r} could not be cancelled: {detail}", status_code=409)
    raise_for_answer(status_code, headers, body, job_id=job_id)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict) or document.get("cancelled") is False:
        detail = _server_detail(body) or excerpt(body)
        raise ConflictError(f"Job {job_id!r} could not be cancelled: {detail}")
    message = document.get("message")
    return message if isinstance(message, str) else "Cancellation requested."


def raise_for_answer(
    status_code: int, headers: Mapping[str, str], body: bytes, *, job_id: str
) -> None:
    """Raise the typed error an HTTP status means; return quietly for 200."""
    if status_code == 200:
        return
    detail = _server_detail(body)
    suffix = f" The server said: {detail}" if detail else ""
    if status_code in (401, 403):
        raise AuthenticationError(
            f"The server rejected the API key (HTTP {status_code}): check SUTRO_API_KEY "
            f"or the api_key argument.{suffix}",
            status_code=status_code,
        )
    if status_code == 404:
        raise JobNotFoundError(
            f"Job {job_id!r} was not found (HTTP 404): check the id and that it belongs "
            f"to this API key's account.{suffix}",
            status_code=status_code,
        )
    if status_code == 410:
        raise ConfigurationError(
            "This address no longer serves the Sutro API (HTTP 410): set your deployment's "
            "URL with SUTRO_API_URL or base_url=... (the one `sutro login` gave you)."
            f"{suffix}",
            status_code=status_code,
        )
    if status_code == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        raise RateLimitedError(
            f"The server is rate limiting requests (HTTP 429).{waiting(retry_after)}",
            retry_after=retry_after,
        )
    if 300 <= status_code < 400:
        raise ProtocolError(
            f"The server answered with a redirect (HTTP {status_code}) to "
            f"{headers.get('location', 'another address')!r}, which is not followed "
            "so the API key stays with the configured server: check the base URL.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    if status_code == 408:
        raise ServerError(
            "The server gave up waiting for our request (HTTP 408).",
            status_code=status_code,
        )
    if status_code >= 500:
        raise ServerError(
            f"The Sutro server had a problem (HTTP {status_code}).{suffix}",
            status_code=status_code,
        )
    raise ProtocolError(
        f"The server gave an unexpected answer (HTTP {status_code}).{suffix}",
        status_code=status_code,
        excerpt=excerpt(body),
    )


def waiting(retry_after: float | None) -> str:
    """The sentence saying how long we wait before asking again (empty if not told)."""
    if retry_after is None:
        return ""
    return f" Waiting {retry_after:.0f} s before asking again, as it asked."


def parse_retry_after(
    value: str | None, *, now: float | None = None, cap: float = MAX_RETRY_AFTER
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date).

    Cut to ``cap`` (:data:`~sutro_widget.api.limits.MAX_RETRY_AFTER`), so the
    value is always finite and what the poller will actually wait at most:
    ``Retry-After: 1e308`` means "a long time", not 10**308 seconds.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # only for HTTP dates: ~20 ms, so not at import time

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN is no answer
        return None
    return min(max(0.0, seconds), cap)


def network_error(exc: httpx.HTTPError, host: str) -> SutroError:
    """Describe a transport failure in one sentence that names the server's ``host``.

    An untrusted certificate and a name that does not resolve are told apart from
    a server that is down: each needs something else from the user.
    """
    untrusted = _cause(exc, ssl.SSLCertVerificationError)
    if untrusted is not None:
        reason = getattr(untrusted, "verify_message", "") or "not verified"
        return CertificateError(
            f"The TLS certificate of {host} is not trusted here ({reason}): if a company "
            "proxy or a private CA signs it, set SSL_CERT_FILE (or SSL_CERT_DIR) to that CA's "
            "certificate, or add it to the system's trust store."
        )
    if _cause(exc, socket.gaierror) is not None:
        return HostNotFoundError(
            f"The host name {host} does not resolve: check the deployment's URL "
            "(SUTRO_API_URL or base_url) and this machine's network."
        )
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(f"No answer from {host} in time ({type(exc).__name__}); retrying.")
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(f"Could not connect to {host}: is the server up and reachable?")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return NetworkError(f"The connection to {host} broke before the answer was complete.")
    return NetworkError(f"Network problem talking to {host} ({type(exc).__name__}).")


def _cause(exc: BaseException, kind: type[E]) -> E | None:
    """The first exception of ``kind`` in ``exc``'s chain of causes, if any (a bounded walk)."""
    seen: BaseException | None = exc
    for _ in range(16):
        if seen is None:
            return None
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _server_detail(body: bytes) -> str:
    """The server's own short explanation (``detail`` or ``message``), if it gave one."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    if isinstance(document, dict):
        for key in ("detail", "message", "error"):
            value = document.get(key)
            if isinstance(value, str) and value.strip():
                return excerpt(value)
    return ""
