"""Socket reads at a chosen pace: hundreds of progress streams at a fraction of the CPU.

A progress stream sends a line every second or so. Read as it comes, each
line is one socket read through anyio, httpcore and h11, and with 500 streams
those reads were most of the poller's CPU. Left alone for a while, the lines
gather in the kernel's socket buffer and one read takes them all: a read costs
about the same whatever it holds. :class:`PacedBackend` wraps httpcore's
network backend so that every read of a connection waits until ``pace()``
seconds have passed since its previous read returned. Only the socket layer
changes: HTTP parsing, TLS, proxies, caps and deadlines stay httpx's and ours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

#: Seconds a connection's reads should be apart (0: read as data comes).
Pace = Callable[[], float]


class PacedStream(httpcore.AsyncNetworkStream):
    """A network stream whose reads are at least ``pace()`` seconds apart."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, pace: Pace) -> None:
        self._inner = inner
        self._pace = pace
        self._read_at = float("-inf")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Rest until the pace allows, then read what has gathered."""
        loop = asyncio.get_running_loop()
        rest = self._read_at + self._pace() - loop.time()
        if rest > 0:
            await asyncio.sleep(rest)
        data = await self._inner.read(max_bytes, timeout)
        self._read_at = loop.time()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write at once: only reads are paced."""
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close the connection."""
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """TLS over this stream (a proxy tunnel): still paced."""
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return PacedStream(tls, self._pace)

    def get_extra_info(self, info: str) -> Any:
        """What the connection knows (socket, addresses, TLS object), unchanged."""
        return self._inner.get_extra_info(info)


class PacedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, with every connection's reads paced."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, pace: Pace) -> None:
        self._inner = inner
        self._pace = pace

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect as httpcore would, and pace the connection's reads."""
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return PacedStream(stream, self._pace)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """Connect as httpcore would, and pace the connection's reads."""
        stream = await self._inner.connect_unix_socket(path, timeout, socket_options)
        return PacedStream(stream, self._pace)

    async def sleep(self, seconds: float) -> None:
        """Sleep as httpcore's own backend does."""
        await self._inner.sleep(seconds)


def pace_reads(transport: httpx.AsyncHTTPTransport, pace: Pace) -> bool:
    """Pace the reads of every connection ``transport`` makes; ``False`` if it cannot.

    httpx offers no parameter for httpcore's network backend, so this sets the
    pool's (httpcore 1.x keeps it as ``_network_backend``); with any other
    layout the transport is left as it is, correct and unpaced.
    """
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if not isinstance(inner, httpcore.AsyncNetworkBackend):
        return False
    pool._network_backend = PacedBackend(inner, pace)  # type: ignore[union-attr]
    return True
