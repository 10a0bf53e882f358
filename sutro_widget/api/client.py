"""HTTP to a Sutro deployment, and nothing of widgets or threads.

:class:`SutroClient` builds one request per question, sends it with explicit
timeouts, and turns every answer into a value or one typed
:class:`~sutro_widget.errors.SutroError`: a blocking call for users
(``get_status``), coroutines for the poller's loop; both share the request
building, the capped reader (:class:`BodyCap`) and the answer readers
(:mod:`~sutro_widget.api.answers`), so they cannot drift apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from .._version import __version__
from ..errors import AuthenticationError, ProtocolError
from .answers import (
    network_error,
    raise_for_answer,
    read_cancel_answer,
    read_details_answer,
    read_status_answer,
)
from .config import resolve_settings
from .ids import check_job_id
from .limits import (
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    MAX_STREAM_LINE,
    STREAM_TIMEOUT,
)
from .listing import JobPage, read_job_list_answer
from .shapes import StatusReport, parse_progress_line

#: Raised before any answer arrives when a pooled connection was closed by the
#: server while idle (load balancers do this): worth exactly one retry.
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
#: What one request returns before it is read as an answer.
Answer = tuple[int, httpx.Headers, bytes]


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

    @property
    def key_fingerprint(self) -> str:
        """A digest of the key: tells clients of different keys apart without holding it."""
        return hashlib.sha256((self._api_key or "").encode()).hexdigest()[:16]

    # -- requests ---------------------------------------------------------------

    def url(self, endpoint: str, job_id: str | None) -> str:
        """``{base_url}/{endpoint}/{job_id}``, the id encoded as exactly one path segment."""
        if job_id is None:
            return f"{self.base_url}/{endpoint}"
        return f"{self.base_url}/{endpoint}/{quote(check_job_id(job_id), safe='')}"

    def build_request(
        self,
        endpoint: str,
        job_id: str | None,
        *,
        timeout: httpx.Timeout | None = None,
        params: dict[str, str] | None = None,
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
        return httpx.Request(
            "GET", url, params=params, headers=headers, extensions={"timeout": chosen.as_dict()}
        )

    def build_status_request(self, job_id: str) -> httpx.Request:
        """The request for ``job_id``'s status (see :meth:`build_request`)."""
        return self.build_request("job-status", job_id)

    # -- blocking calls, for users ------------------------------------------------

    def get_status(self, job_id: str) -> StatusReport:
        """Fetch ``job_id``'s status now, blocking; raises a :class:`SutroError` on failure."""
        answer = self._send_sync(self.build_status_request(job_id))
        return read_status_answer(*answer, job_id=job_id)

    # -- coroutines, for the poller's event loop -------------------------------------

    async def fetch_status_async(self, job_id: str, http: httpx.AsyncClient) -> StatusReport:
        """Fetch ``job_id``'s status on ``http``, the caller's pooled async client.

        The poller shares one ``httpx.AsyncClient`` among all widgets so that
        connections are reused and jobs are polled concurrently on one thread.
        """
        answer = await self._send_async(self.build_status_request(job_id), http)
        return read_status_answer(*answer, job_id=job_id)

    async def fetch_details_async(self, job_id: str, http: httpx.AsyncClient) -> dict[str, Any]:
        """Fetch ``job_id``'s details (name, model, rows, tokens, cost, times) on ``http``."""
        answer = await self._send_async(self.build_request("jobs", job_id), http)
        return read_details_answer(*answer, job_id=job_id)

    async def cancel_async(self, job_id: str, http: httpx.AsyncClient) -> str:
        """Ask the server to cancel ``job_id``; returns its message, raises on refusal."""
        answer = await self._send_async(self.build_request("job-cancel", job_id), http)
        return read_cancel_answer(*answer, job_id=job_id)

    async def list_jobs_async(
        self, http: httpx.AsyncClient, *, limit: int | None = None, cursor: str | None = None
    ) -> JobPage:
        """One page of the account's jobs, newest first (``GET list-jobs``)."""
        params = {k: str(v) for k, v in (("limit", limit), ("cursor", cursor)) if v is not None}
        request = self.build_request("list-jobs", None, params=params)
        return read_job_list_answer(*await self._send_async(request, http))

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
                    body = await _read_body(response)
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

    def _send_sync(self, request: httpx.Request) -> Answer:
        if self._sync_http is None:
            self._sync_http = httpx.Client(follow_redirects=False, timeout=self._timeout)
        http = self._sync_http
        try:
            try:
                response = http.send(request, stream=True, follow_redirects=False)
            except _STALE_CONNECTION:
                # A kept-alive connection the server had already closed: every
                # request here is a GET, so ask once more on a fresh connection.
                response = http.send(request, stream=True, follow_redirects=False)
            try:
                cap = BodyCap(response)
                for chunk in response.iter_bytes():
                    cap.add(chunk)
                body = cap.body()
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise network_error(exc, self.base_url) from None
        return response.status_code, response.headers, body

    async def _send_async(self, request: httpx.Request, http: httpx.AsyncClient) -> Answer:
        try:
            try:
                response = await http.send(request, stream=True, follow_redirects=False)
            except _STALE_CONNECTION:  # see _send_sync
                response = await http.send(request, stream=True, follow_redirects=False)
            try:
                body = await _read_body(response)
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


class BodyCap:
    """The one capped body reader: collects chunks, refusing past :data:`MAX_BODY_BYTES`.

    Shared by the blocking and the async paths (each only loops over its
    chunks), so the cap cannot differ between them. A declared
    ``Content-Length`` over the cap is refused before anything is read.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._chunks: list[bytes] = []
        self._size = 0
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise self._too_large()

    def add(self, chunk: bytes) -> None:
        """Take the next chunk; raise :class:`ProtocolError` once the cap is passed."""
        self._size += len(chunk)
        if self._size > MAX_BODY_BYTES:
            raise self._too_large()
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """Everything read so far, as one ``bytes``."""
        return b"".join(self._chunks)

    def _too_large(self) -> ProtocolError:
        code = self._response.status_code
        return ProtocolError(
            f"The server's answer (HTTP {code}) is larger than "
            f"{MAX_BODY_BYTES // 1024} KiB, too large to be a job status; it was not read.",
            status_code=code,
        )


async def _read_body(response: httpx.Response) -> bytes:
    """Read an async response's body through :class:`BodyCap`."""
    cap = BodyCap(response)
    async for chunk in response.aiter_bytes():
        cap.add(chunk)
    return cap.body()
