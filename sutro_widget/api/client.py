"""HTTP to a Sutro deployment, and nothing of widgets or threads.

:class:`SutroClient` builds one request per question, sends it with explicit
timeouts over pooled connections, and turns every answer into either a value
(a :class:`~sutro_widget.api.shapes.StatusReport`, details, a cancel message)
or one typed :class:`~sutro_widget.errors.SutroError`. It offers a blocking
call for users (``get_status``) and coroutines for the poller's event loop;
both share the request building, the deadline and the capped, bounded
decoding (:mod:`~sutro_widget.api.sending`) and the answer readers
(:mod:`~sutro_widget.api.answers`), so they cannot drift apart.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from .._version import __version__
from ..errors import AuthenticationError
from . import deadlines, limits
from .answers import (
    network_error,
    raise_for_answer,
    read_cancel_answer,
    read_details_answer,
    read_job_answer,
    read_status_answer,
)
from .config import resolve_settings
from .decoding import ACCEPTED_ENCODINGS
from .job_id import check_job_id
from .limits import DEFAULT_TIMEOUT, MAX_IN_FLIGHT_PER_JOB, STREAM_TIMEOUT
from .listing import JobPage, read_job_list_answer
from .sending import (
    Answer,
    InFlight,
    late,
    read_body,
    run_blocking,
    send_capped,
    stream_lines,
)
from .shapes import StatusReport, parse_progress_line
from .transport import pooled_client

__all__ = ["SutroClient", "check_job_id"]


class SutroClient:
    """Ask a Sutro deployment for the status of jobs.

    The key and URL are resolved like the official SDK does (arguments, then
    ``SUTRO_API_KEY`` / ``SUTRO_API_URL``, then ``~/.sutro/config.json``), and
    a saved key only goes to the deployment it was saved for; an explicit
    ``base_url`` is used as given, with ``/job-status/{job_id}`` appended.
    The key is only ever sent in the ``Authorization`` header, never to plain
    ``http://`` unless the host is loopback, and never through a proxy in
    clear. ``timeout`` bounds each network step (httpx); ``deadline`` (default
    :data:`~sutro_widget.api.limits.REQUEST_DEADLINE`) bounds a whole request.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: httpx.Timeout | float | None = None,
        deadline: float | None = None,
    ) -> None:
        settings = resolve_settings(api_key=api_key, base_url=base_url)
        self.base_url = settings.base_url
        self._host = httpx.URL(self.base_url).host or self.base_url
        self._api_key = settings.api_key
        self._no_key_reason = settings.no_key_reason
        if self._api_key is not None and not self._api_key.isascii():
            raise AuthenticationError(
                "The Sutro API key contains non-ASCII characters (often a curly quote or "
                "a look-alike letter from copy and paste), so no server can accept it: "
                "copy the key again."
            )
        if timeout is None:
            timeout = DEFAULT_TIMEOUT
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._deadline = limits.REQUEST_DEADLINE if deadline is None else deadline
        self._in_flight = InFlight(MAX_IN_FLIGHT_PER_JOB)

    def __repr__(self) -> str:
        return f"SutroClient(base_url={self.base_url!r})"

    @property
    def missing_key(self) -> str | None:
        """Where no key was found, the sentence saying how to set one; else ``None``."""
        return None if self._api_key else self._no_key_reason

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
            raise AuthenticationError(self._no_key_reason)
        if any(ch.isspace() or not ch.isprintable() for ch in self._api_key):
            raise AuthenticationError(
                "The Sutro API key contains spaces, line breaks or control characters: "
                "check for a stray newline where it was pasted."
            )
        headers = {
            "Authorization": f"Key {self._api_key}",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPTED_ENCODINGS,
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
        """Fetch ``job_id``'s status now, blocking; raises a :class:`SutroError` on failure.

        Runs the async path on a short-lived thread, so the same deadline,
        caps and proxy rules apply; it blocks at most about ``deadline`` s.
        """
        request = self.build_status_request(job_id)
        answer = run_blocking(self._send_alone(request, job_id))
        return read_status_answer(*answer, job_id=job_id)

    def list_jobs(self, *, limit: int | None = None, cursor: str | None = None) -> JobPage:
        """One page of the account's jobs, newest first, blocking (the terminal's ``--recent``)."""
        request = self._list_jobs_request(limit, cursor)
        return read_job_list_answer(*run_blocking(self._send_alone(request, "list-jobs")))

    # -- coroutines, for the poller's event loop -------------------------------------

    async def fetch_status_async(self, job_id: str, http: httpx.AsyncClient) -> StatusReport:
        """Fetch ``job_id``'s status on ``http``, the caller's pooled async client.

        The poller shares one ``httpx.AsyncClient`` (a pool per origin) among
        all widgets so that connections are reused and jobs are polled
        concurrently on one thread.
        """
        answer = await self._send_async(self.build_status_request(job_id), http, job_id)
        return read_status_answer(*answer, job_id=job_id)

    async def fetch_details_async(self, job_id: str, http: httpx.AsyncClient) -> dict[str, Any]:
        """Fetch ``job_id``'s details (name, model, rows, tokens, cost, times) on ``http``."""
        answer = await self._send_async(self.build_request("jobs", job_id), http, job_id)
        return read_details_answer(*answer, job_id=job_id)

    async def fetch_job_async(self, job_id: str, http: httpx.AsyncClient) -> StatusReport:
        """Fetch ``jobs/{id}``: the status and the details in one answer (current API only).

        The poller asks this instead of ``job-status`` where the deployment has
        it, so a card's name, rows and final cost cost no request of their own.
        """
        answer = await self._send_async(self.build_request("jobs", job_id), http, job_id)
        return read_job_answer(*answer, job_id=job_id)

    async def cancel_async(self, job_id: str, http: httpx.AsyncClient) -> str:
        """Ask the server to cancel ``job_id``; returns its message, raises on refusal."""
        answer = await self._send_async(self.build_request("job-cancel", job_id), http, job_id)
        return read_cancel_answer(*answer, job_id=job_id)

    async def list_jobs_async(
        self, http: httpx.AsyncClient, *, limit: int | None = None, cursor: str | None = None
    ) -> JobPage:
        """One page of the account's jobs, newest first (``GET list-jobs``)."""
        request = self._list_jobs_request(limit, cursor)
        return read_job_list_answer(*await self._send_async(request, http, "list-jobs"))

    def _list_jobs_request(self, limit: int | None, cursor: str | None) -> httpx.Request:
        params = {k: str(v) for k, v in (("limit", limit), ("cursor", cursor)) if v is not None}
        return self.build_request("list-jobs", None, params=params)

    async def stream_progress_async(
        self, job_id: str, http: httpx.AsyncClient
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield each update of ``job_id``'s progress stream until the server ends it.

        The stream must open within the request deadline and then complete a
        line (an update or a heartbeat) at least every
        :data:`~sutro_widget.api.limits.STREAM_LINE_DEADLINE` seconds, else it
        is a :class:`NetworkError`; a line that is not a JSON object is
        skipped, an over-long one (even unfinished) is a :class:`ProtocolError`.
        """
        request = self.build_request("stream-job-progress", job_id, timeout=STREAM_TIMEOUT)
        with self._in_flight.hold(job_id, self._host):
            response = await self._open_stream(request, http, job_id)
            try:
                gap = limits.STREAM_LINE_DEADLINE
                async for line in stream_lines(response, host=self._host, gap=gap):
                    update = parse_progress_line(line)
                    if update is not None:
                        yield update
            except httpx.HTTPError as exc:
                raise network_error(exc, self._host) from None
            finally:
                await response.aclose()

    # -- sending -------------------------------------------------------------------

    async def _open_stream(
        self, request: httpx.Request, http: httpx.AsyncClient, job_id: str
    ) -> httpx.Response:
        """Send a stream request; its headers (and a refusal's body) within the deadline."""
        try:
            async with deadlines.timeout(self._deadline):
                response = await http.send(request, stream=True, follow_redirects=False)
                if response.status_code != 200:
                    try:
                        body = await read_body(response)
                    finally:
                        await response.aclose()
                    raise_for_answer(response.status_code, response.headers, body, job_id=job_id)
        except asyncio.TimeoutError:
            raise late(self._host, self._deadline) from None
        except httpx.HTTPError as exc:
            raise network_error(exc, self._host) from None
        return response

    async def _send_async(
        self, request: httpx.Request, http: httpx.AsyncClient, job_id: str
    ) -> Answer:
        with self._in_flight.hold(job_id, self._host):
            return await send_capped(request, http, host=self._host, deadline=self._deadline)

    async def _send_alone(self, request: httpx.Request, job_id: str) -> Answer:
        async with pooled_client() as http:
            return await self._send_async(request, http, job_id)

    # -- lifecycle --------------------------------------------------------------

    def close(self) -> None:
        """Release what the client holds (blocking calls use a fresh pool each, so nothing)."""

    def __enter__(self) -> SutroClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
