"""The key never reaches a proxy in clear; HTTPS through a CONNECT proxy still works.

Before: with ``HTTP_PROXY`` / ``ALL_PROXY`` set, requests to an
``http://localhost`` deployment went to the proxy, ``Authorization: Key ...``
and all, in plain text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sutro_widget import NetworkError, StatusReport, SutroClient, SutroError
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests import hostile_servers as hostile
from tests.helpers import FAST

SECRET = "sk-do-not-leak-0123456789"
PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[hostile.ConnectProxy]:
    """A recording proxy, and an environment that names only it."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with hostile.ConnectProxy() as recording:
        yield recording


class Last:
    def __init__(self) -> None:
        self.result: StatusReport | SutroError | None = None
        self.done = threading.Event()

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        self.result = result
        self.done.set()

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Not needed."""


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_plain_http_to_loopback_never_goes_through_a_proxy(
    sim: Simulator, poller: Poller, proxy: hostile.ConnectProxy,
    monkeypatch: pytest.MonkeyPatch, variable: str,
) -> None:  # fmt: skip
    monkeypatch.setenv(variable, proxy.url)
    job_id = "job-held-proxy"
    client = SutroClient(api_key=sim.api_key, base_url=sim.url_v1)
    assert client.get_status(job_id).raw_status  # the blocking call
    listener = Last()
    poller.watch(job_id, client, listener, policy=FAST, once=True)  # the poller's pools
    assert listener.done.wait(10)
    assert isinstance(listener.result, StatusReport)
    assert bytes(proxy.received) == b"", "a request went to the proxy"


def test_the_key_would_have_gone_to_the_proxy_had_it_been_used(
    proxy: hostile.ConnectProxy,
) -> None:
    """The recording proxy does record a proxied request (so the test above can fail)."""
    import httpx

    with httpx.Client(proxy=proxy.url) as http:
        http.get("http://127.0.0.1:9/job-status/x", headers={"Authorization": f"Key {SECRET}"})
    assert SECRET.encode() in proxy.received


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[hostile.HostileServer, Path]]:
    cert, key = hostile.self_signed_cert(tmp_path)
    body = hostile.status_body("job-1", "RUNNING")
    play = hostile.answer("200 OK", body)
    with hostile.HostileServer(play, tls=hostile.tls_context(cert, key)) as server:
        yield server, cert


def test_https_goes_through_a_connect_tunnel_and_the_proxy_sees_no_key(
    tls_server: tuple[hostile.HostileServer, Path], proxy: hostile.ConnectProxy,
    poller: Poller, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    server, cert = tls_server
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own CA, as a company would
    client = SutroClient(api_key=SECRET, base_url=server.url)
    assert client.get_status("job-1").raw_status == "RUNNING"
    listener = Last()
    poller.watch("job-1", client, listener, once=True)
    assert listener.done.wait(10)
    assert isinstance(listener.result, StatusReport), listener.result
    assert proxy.connects == [f"localhost:{server.port}"] * 2
    assert server.requests[0].headers["authorization"] == f"Key {SECRET}"  # it did arrive
    assert SECRET.encode() not in proxy.received  # but only inside TLS


def test_certificates_are_verified_by_default(
    tls_server: tuple[hostile.HostileServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(NetworkError):
        SutroClient(api_key=SECRET, base_url=server.url).get_status("job-1")
    assert server.requests == []  # the self-signed server never got the request
