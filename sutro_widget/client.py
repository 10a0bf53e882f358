"""HTTP to the Sutro job-status endpoint, and nothing of widgets.

:class:`SutroClient` builds one request per question, sends it with explicit
timeouts over pooled connections, and turns every answer into either a
:class:`~sutro_widget.status.StatusReport` or one typed
:class:`~sutro_widget.errors.SutroError`. It offers a blocking call for users
(``get_status``) and a coroutine for the poller's event loop
(``fetch_status_async``); both share the request building and answer reading,
so they cannot drift apart.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from ._config import resolve_settings
from ._version import __version__
from .details import parse_details_body
from .errors import (
    AuthenticationError,
    ConflictError,
    JobNotFoundError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SutroError,
)
from .progress import parse_progress_line
from .status import StatusReport, excerpt, parse_status_body

#: Connect fast or fail fast; a status answer is small, so reads are short too.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
#: A status answer is a few hundred bytes; anything this large is not one.
MAX_BODY_BYTES = 1024 * 1024
#: A progress stream is quiet between updates; the server sends heartbeats well within this.
STREAM_TIMEOUT = httpx.Timeout(10.0, connect=5.0, read=90.0)
#: One progress update is a small JSON object; a longer line is not one.
MAX_STREAM_LINE = 64 * 1024
#: Raised before any answer arrives when a pooled connection was closed by the
#: server while idle (load balancers do this): worth exactly one retry.
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
#: Job ids are short tokens; a longer one is a mistake (or an attack on the URL).
MAX_JOB_ID_LENGTH = 256


def check_job_id(job_id: object) -> str:
    """Return ``job_id`` if it can name a job, else raise ``ValueError``.

    Reject what can never be a job id before any request is made: non-strings,
    empty or blank ids, control characters, the path segments ``.`` and ``..``
    and anything over :data:`MAX_JOB_ID_LENGTH` characters. Everything else is
    sent percent-encoded as exactly one path segment.
    """
    if not isinstance(job_id, str):
        raise TypeError(f"job_id must be a string, not {type(job_id).__name__}.")
    if not job_id.strip():
        raise ValueError("job_id is empty: pass the id returned when the job was submitted.")
    if job_id != job_id.strip():
        raise ValueError(f"job_id {job_id!r} has leading or trailing whitespace.")
    if len(job_id) > MAX_JOB_ID_LENGTH:
        raise ValueError(f"job_id is {len(job_id)} characters; at most {MAX_JOB_ID_LENGTH}.")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in job_id):
        raise ValueError(f"job_id {job_id!r} contains control characters.")
    if job_id in (".", ".."):
        raise ValueError(f"job_id {job_id!r} is not a job id.")
    return job_id


class SutroClient:
    """Ask a Sutro deployment for the status of jobs.

    The key and URL are resolved like the official SDK does (arguments, then
    ``SUTRO_API_KEY`` / ``SUTRO_API_URL``, then ``~/.sutro/config.json``); an
    explicit ``base_url`` is used as given, with ``/job-status/{job_id}``
    appended. The key is only ever sent in the ``Authorization`` header, and
    never to plain ``http://`` unless the host is loopback.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: httpx.Timeout | float | None = None,
    ) -> None:
        settings = resolve_settings(api_key=api_key, base_url=base_url)
        self.base_url = settings.base_url
        self._api_key = settings.api_key
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._sync_http: httpx.Client | None = None

    def __repr__(self) -> str:
        return f"SutroClient(base_url={self.base_url!r})"

    # -- requests ---------------------------------------------------------------

    def url(self, endpoint: str, job_id: str) -> str:
        """``{base_url}/{endpoint}/{job_id}``, the id encoded as exactly one path segment."""
        return f"{self.base_url}/{endpoint}/{quote(check_job_id(job_id), safe='')}"

    def status_url(self, job_id: str) -> str:
        """The status URL of ``job_id``."""
        return self.url("job-status", job_id)

    def build_request(
        self, endpoint: str, job_id: str, *, timeout: httpx.Timeout | None = None
    ) -> httpx.Request:
        """The one GET that asks ``endpoint`` about ``job_id``, with the key and a timeout.

        Raises :class:`AuthenticationError` when no key was found anywhere, so
        the user hears where to put one instead of a bare HTTP 401.
        """
        url = self.url(endpoint, job_id)
        if not self._api_key:
            raise AuthenticationError(
                "No Sutro API key found: pass api_key=..., set SUTRO_API_KEY, or run `sutro login`."
            )
        if any(ch.isspace() or not ch.isprintable() for ch in self._api_key):
            raise AuthenticationError(
                "The Sutro API key contains spaces, line breaks or control characters: "
                "check for a stray newline where it was pasted."
            )
        headers = {
            "Authorization": f"Key {self._api_key}",
            "Accept": "application/json",
            "User-Agent": f"sutro-widget/{__version__}",
        }
        # A bare Request carries no timeout unless told: without this extension
        # a hung server would hold the request forever.
        chosen = timeout or self._timeout
        return httpx.Request("GET", url, headers=headers, extensions={"timeout": chosen.as_dict()})

    def build_status_request(self, job_id: str) -> httpx.Request:
        """The request for ``job_id``'s status (see :meth:`build_request`)."""
        return self.build_request("job-status", job_id)

    # -- blocking calls, for users ------------------------------------------------

    def get_status(self, job_id: str) -> StatusReport:
        """Fetch ``job_id``'s status now, blocking; raises a :class:`SutroError` on failure."""
        answer = self._send_sync(self.build_status_request(job_id))
        return read_status_answer(*answer, job_id=job_id)

    def get_details(self, job_id: str) -> dict[str, Any]:
        """Fetch ``job_id``'s details (name, model, rows, tokens, cost, times), blocking."""
        answer = self._send_sync(self.build_request("jobs", job_id))
        return read_details_answer(*answer, job_id=job_id)

    def cancel_job(self, job_id: str) -> str:
        """Ask the server to cancel ``job_id``; returns its message, raises on refusal."""
        answer = self._send_sync(self.build_request("job-cancel", job_id))
        return read_cancel_answer(*answer, job_id=job_id)

    # -- coroutines, for the poller's event loop -------------------------------------

    async def fetch_status_async(self, job_id: str, http: httpx.AsyncClient) -> StatusReport:
        """Fetch ``job_id``'s status on ``http``, the caller's pooled async client.

        The poller shares one ``httpx.AsyncClient`` among all widgets so that
        connections are reused and jobs are polled concurrently on one thread.
        """
        answer = await self._send_async(self.build_status_request(job_id), http)
        return read_status_answer(*answer, job_id=job_id)

    async def fetch_details_async(self, job_id: str, http: httpx.AsyncClient) -> dict[str, Any]:
        """:meth:`get_details` on the caller's async client."""
        answer = await self._send_async(self.build_request("jobs", job_id), http)
        return read_details_answer(*answer, job_id=job_id)

    async def cancel_async(self, job_id: str, http: httpx.AsyncClient) -> str:
        """:meth:`cancel_job` on the caller's async client."""
        answer = await self._send_async(self.build_request("job-cancel", job_id), http)
        return read_cancel_answer(*answer, job_id=job_id)

    async def stream_progress_async(
        self, job_id: str, http: httpx.AsyncClient
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield each update of ``job_id``'s progress stream until the server ends it.

        The stream is long-lived, so it gets its own read timeout (the server
        sends heartbeats); a line that is not a JSON object is skipped, an
        over-long one is a :class:`ProtocolError`, and a broken connection a
        :class:`NetworkError`.
        """
        request = self.build_request("stream-job-progress", job_id, timeout=STREAM_TIMEOUT)
        try:
            response = await http.send(request, stream=True, follow_redirects=False)
            try:
                if response.status_code != 200:
                    body = await _read_capped_async(response)
                    raise_for_answer(response.status_code, response.headers, body, job_id=job_id)
                async for line in response.aiter_lines():
                    if len(line) > MAX_STREAM_LINE:
                        raise ProtocolError(
                            "A progress update was too long to be one; the stream was dropped.",
                            status_code=200,
                        )
                    update = parse_progress_line(line)
                    if update is not None:
                        yield update
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise network_error(exc, self.base_url) from None

    # -- sending -------------------------------------------------------------------

    def _send_sync(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        if self._sync_http is None:
            self._sync_http = httpx.Client(follow_redirects=False, timeout=self._timeout)
        try:
            try:
                response = self._sync_http.send(request, stream=True, follow_redirects=False)
            except _STALE_CONNECTION:
                # A kept-alive connection the server had already closed: every
                # request here is a GET, so ask once more on a fresh connection.
                response = self._sync_http.send(request, stream=True, follow_redirects=False)
            try:
                body = _read_capped(response.iter_bytes(), response)
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise network_error(exc, self.base_url) from None
        return response.status_code, response.headers, body

    async def _send_async(
        self, request: httpx.Request, http: httpx.AsyncClient
    ) -> tuple[int, httpx.Headers, bytes]:
        try:
            try:
                response = await http.send(request, stream=True, follow_redirects=False)
            except _STALE_CONNECTION:  # see _send_sync
                response = await http.send(request, stream=True, follow_redirects=False)
            try:
                body = await _read_capped_async(response)
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise network_error(exc, self.base_url) from None
        return response.status_code, response.headers, body

    # -- lifecycle --------------------------------------------------------------

    def close(self) -> None:
        """Close the pooled connections of the blocking client, if it was used."""
        if self._sync_http is not None:
            self._sync_http.close()
            self._sync_http = None

    def __enter__(self) -> SutroClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# -- reading answers -------------------------------------------------------------


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
    if status_code == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        wait = f" It asked us to wait {retry_after:.0f} s." if retry_after is not None else ""
        raise RateLimitedError(
            f"The server is rate limiting requests (HTTP 429).{wait}",
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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if seconds == seconds else None  # NaN is no answer


def network_error(exc: httpx.HTTPError, base_url: str) -> SutroError:
    """Describe a transport failure in one sentence that names the server."""
    host = httpx.URL(base_url).host or base_url
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError(f"No answer from {host} in time ({type(exc).__name__}); retrying.")
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(f"Could not connect to {host}: is the server up and reachable?")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return NetworkError(f"The connection to {host} broke before the answer was complete.")
    return NetworkError(f"Network problem talking to {host} ({type(exc).__name__}).")


async def _read_capped_async(response: httpx.Response) -> bytes:
    """:func:`_read_capped` for an async response."""
    _check_declared_size(response)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(response)
        chunks.append(chunk)
    return b"".join(chunks)


def _read_capped(chunks: Iterable[bytes], response: httpx.Response) -> bytes:
    """Read a streamed body, refusing it as soon as it passes :data:`MAX_BODY_BYTES`."""
    _check_declared_size(response)
    collected: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large(response)
        collected.append(chunk)
    return b"".join(collected)


def _check_declared_size(response: httpx.Response) -> None:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(response)


def _too_large(response: httpx.Response) -> ProtocolError:
    return ProtocolError(
        f"The server's answer (HTTP {response.status_code}) is larger than "
        f"{MAX_BODY_BYTES // 1024} KiB, too large to be a job status; it was not read.",
        status_code=response.status_code,
    )


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
