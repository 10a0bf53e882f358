"""Sending one request under an overall deadline, and reading it through the caps.

httpx's timeouts are per network read: a server that sends one byte a
second, headers that never end or ``100 Continue`` forever never trips them.
So every request here runs inside ``asyncio.timeout`` on the event loop:
a status, details or cancel request must be complete within its deadline
(:data:`~sutro_widget.api.limits.REQUEST_DEADLINE`), a progress stream must
open within it and then finish a line at least every
:data:`~sutro_widget.api.limits.STREAM_LINE_DEADLINE` seconds. Missing a
deadline is a transient :class:`~sutro_widget.errors.NetworkError`, so the
poller retries. Bodies are read raw and decoded by
:mod:`~sutro_widget.api.decoding`, so every cap is on decoded bytes.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from ..errors import NetworkError
from . import deadlines
from .answers import network_error
from .decoding import BodyCap, LineSplitter

T = TypeVar("T")

#: Raised before any answer arrives when a pooled connection was closed by the
#: server while idle (load balancers do this): worth exactly one retry.
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
#: What one request returns before it is read as an answer.
Answer = tuple[int, httpx.Headers, bytes]


def late(host: str, deadline: float) -> NetworkError:
    """The sentence for a request that missed its overall deadline."""
    return NetworkError(f"No complete answer from {host} within {deadline:g} s; retrying.")


async def send_capped(
    request: httpx.Request, http: httpx.AsyncClient, *, host: str, deadline: float
) -> Answer:
    """Send ``request`` and read its whole (decoded, capped) body within ``deadline`` s."""
    try:
        async with deadlines.timeout(deadline):
            try:
                response = await http.send(request, stream=True, follow_redirects=False)
            except _STALE_CONNECTION:
                # A kept-alive connection the server had already closed: every
                # request here is a GET, so ask once more on a fresh connection.
                response = await http.send(request, stream=True, follow_redirects=False)
            try:
                body = await read_body(response)
            finally:
                await response.aclose()
    except asyncio.TimeoutError:
        raise late(host, deadline) from None
    except httpx.HTTPError as exc:
        raise network_error(exc, host) from None
    return response.status_code, response.headers, body


async def read_body(response: httpx.Response) -> bytes:
    """Read a streamed response's body raw, decoding and capping it piece by piece."""
    cap = BodyCap(response.status_code, response.headers)
    async for raw in response.aiter_raw():
        cap.add_raw(raw)
    return cap.body()


async def stream_lines(response: httpx.Response, *, host: str, gap: float) -> AsyncIterator[str]:
    """Yield each line of a streamed response; each must complete within ``gap`` seconds.

    A partial line over the cap is a :class:`ProtocolError` the moment it
    passes it (see :class:`~sutro_widget.api.decoding.LineSplitter`).
    """
    splitter = LineSplitter(response.headers.get("content-encoding"))
    raw_chunks = response.aiter_raw()
    loop = asyncio.get_running_loop()
    line_due = loop.time() + gap
    while True:
        try:
            async with deadlines.timeout_at(line_due):
                raw = await anext(raw_chunks)
        except StopAsyncIteration:
            break
        except asyncio.TimeoutError:
            raise NetworkError(
                f"The progress stream from {host} sent no complete line for {gap:g} s; "
                "reopening it."
            ) from None
        for line in splitter.feed(raw):
            line_due = loop.time() + gap
            yield line
    last = splitter.rest()
    if last is not None:
        yield last


class InFlight:
    """Counts requests per job that wait for answers, refusing more than ``limit``.

    A stuck server must cost a bounded number of connections per job, however
    often a user presses Refresh or Cancel. Thread-safe (blocking calls run
    on threads of their own) and reset in a forked child, where requests of
    the parent's threads will never end.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._pid = os.getpid()

    @contextmanager
    def hold(self, job_id: str, host: str) -> Iterator[None]:
        """Count one request about ``job_id`` for the duration of the block."""
        with self._lock:
            if self._pid != os.getpid():
                self._counts, self._pid = {}, os.getpid()
            count = self._counts.get(job_id, 0)
            if count >= self._limit:
                raise NetworkError(
                    f"{count} requests about job {job_id!r} are still waiting for {host}; "
                    "not sending another until one ends."
                )
            self._counts[job_id] = count + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._counts.get(job_id, 1) - 1
                if left > 0:
                    self._counts[job_id] = left
                else:
                    self._counts.pop(job_id, None)


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to the end on a short-lived thread with its own event loop.

    The blocking calls reuse the async path (and so its deadline) without
    ``asyncio.run`` on the caller's thread, which a notebook's running loop
    forbids. The coroutine's own deadline bounds how long this blocks.
    """
    outcome: list[Any] = []

    def main() -> None:
        try:
            outcome.append((True, asyncio.run(coroutine)))
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append((False, exc))

    thread = threading.Thread(target=main, name="sutro-widget-blocking-call", daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value
