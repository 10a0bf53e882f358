"""Connection pools per deployment, and the only place that decides about proxies.

Two rules of the design live here:

* one deployment's stuck requests never starve another's: :class:`OriginPools`
  keeps a separate pool (with its own connection limit) for every origin, so
  64 requests hanging on one server leave every other server's connections
  free;
* the key never travels in clear through a proxy: plain ``http://`` (which
  the URL rules allow only to loopback) always goes straight to the server,
  whatever ``HTTP_PROXY`` / ``ALL_PROXY`` say; ``https://`` honours
  ``HTTPS_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` through a ``CONNECT`` tunnel,
  where the proxy sees only encrypted bytes. Certificates are always verified,
  against what the user's other tools trust (:func:`tls_context`).
"""

from __future__ import annotations

import contextlib
import os
import ssl
import threading
import urllib.request
from collections.abc import Callable

import httpx

from .limits import ORIGIN_POOL_LIMITS
from .paced import Pace, pace_reads

Origin = tuple[str, str, int]
#: How the poller and the streams get an HTTP client: :func:`pooled_client`, or a test's own.
ClientFactory = Callable[[httpx.Limits, "Pace | None"], httpx.AsyncClient]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: httpx.URL) -> Origin:
    """``(scheme, host, port)`` with the default port filled in: what a pool is for."""
    scheme = url.scheme.lower()
    return scheme, url.host.lower(), url.port or _DEFAULT_PORTS.get(scheme, 0)


def https_proxy_for(host: str) -> str | None:
    """The proxy the environment names for ``https://host``, or ``None`` to go direct."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get("https") or proxies.get("all")
    if not proxy or _bypassed(host, proxies.get("no", "")):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` (``*``, or comma-separated host / domain suffixes) covers ``host``."""
    host = host.lower().strip("[]")
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        name = entry.split(":")[0].lstrip(".") if entry.count(":") <= 1 else entry.strip("[]")
        if entry == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


_tls_lock = threading.Lock()
_tls_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def tls_context() -> ssl.SSLContext:
    """The certificate-verifying TLS context, built once per process (per CA setting).

    Where HTTPS is inspected (a company proxy re-signs it with its own CA), the
    CA is usually in the operating system's store, which browsers, pip and
    conda read: so the context is ``truststore``'s (the Keychain on macOS, the
    Windows store, the distribution's bundle on Linux; the library pip uses,
    rather than one of our own), plus ``certifi``'s bundle (what httpx trusted
    before), plus ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set. Building one
    reads the CA bundles (~0.1 s of CPU), so it is done once, not per pool.
    """
    key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    with _tls_lock:
        context = _tls_contexts.get(key)
        if context is None:
            context = _tls_contexts[key] = _build_tls_context(*key)
        return context


def _build_tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    import certifi
    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=certifi.where())
    if cafile or capath:  # a missing file is ignored, as OpenSSL does with these variables
        with contextlib.suppress(OSError):
            context.load_verify_locations(cafile=cafile or None, capath=capath or None)
    return context


def transport_for(
    origin: Origin, limits: httpx.Limits, pace: Pace | None = None
) -> httpx.AsyncHTTPTransport:
    """A pool for one origin: direct for ``http``, via the environment's proxy for ``https``.

    ``pace``: its connections' reads are paced (:mod:`~sutro_widget.api.paced`).
    """
    scheme, host, _ = origin
    proxy = https_proxy_for(host) if scheme == "https" else None
    transport = httpx.AsyncHTTPTransport(limits=limits, proxy=proxy, verify=tls_context())
    if pace is not None:
        pace_reads(transport, pace)
    return transport


class OriginPools(httpx.AsyncBaseTransport):
    """An httpx transport that sends each request on its origin's own pool.

    Pools are created on first use. One ``httpx.AsyncClient`` built on this
    (see :func:`pooled_client`) can be shared by every job of every
    deployment, and each deployment still gets ``limits`` of its own.
    """

    def __init__(self, limits: httpx.Limits = ORIGIN_POOL_LIMITS, pace: Pace | None = None) -> None:
        self._limits = limits
        self._pace = pace
        self._pools: dict[Origin, httpx.AsyncHTTPTransport] = {}
        tls_context()  # built now, not in the middle of the first request

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on the pool of its origin (created on first use)."""
        origin = origin_of(request.url)
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = transport_for(origin, self._limits, self._pace)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        """Close every pool's connections."""
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def pooled_client(
    limits: httpx.Limits = ORIGIN_POOL_LIMITS, pace: Pace | None = None
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with a pool per origin, no redirects, no env proxies for http.

    ``trust_env=False`` on the client because :class:`OriginPools` alone
    decides about proxies (httpx would otherwise route ``http://localhost``
    through ``HTTP_PROXY``).
    """
    pools = OriginPools(limits, pace)
    return httpx.AsyncClient(transport=pools, follow_redirects=False, trust_env=False)
