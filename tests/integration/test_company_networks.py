"""Company networks and odd addresses: inspected HTTPS, names that do not resolve, IPv6.

A self-signed HTTPS server on 127.0.0.1 stands in for a company proxy that
re-signs HTTPS with its own CA: untrusted, the card says which host and what to
set, in one sentence, and asks no more often than every 30 s; trusted through
``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` (the variables OpenSSL, pip and curl
read), it works. A host that does not resolve is named in one sentence within
5 s; an IPv6 loopback literal works.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import truststore

from sutro_widget import JobStatusWidget, SutroClient
from sutro_widget.api.transport import tls_context
from sutro_widget.errors import CertificateError, HostNotFoundError
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests import hostile_servers as hostile
from tests.helpers import FAST, wait_for

KEY = "sk-company-0123"


@pytest.fixture
def tls_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[hostile.HostileServer, Path]]:
    """A self-signed HTTPS server answering "RUNNING"; no CA variables set."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    cert, key = hostile.self_signed_cert(tmp_path)
    play = hostile.answer("200 OK", hostile.status_body("job-1", "RUNNING"))
    with hostile.HostileServer(play, tls=hostile.tls_context(cert, key)) as server:
        yield server, cert


def test_an_untrusted_certificate_names_the_host_and_what_to_set(
    tls_server: tuple[hostile.HostileServer, Path],
) -> None:
    server, _ = tls_server
    with pytest.raises(CertificateError) as caught:
        SutroClient(api_key=KEY, base_url=server.url).get_status("job-1")
    said = str(caught.value)
    assert "localhost" in said and "SSL_CERT_FILE" in said and "not trusted" in said
    assert "\n" not in said and "Traceback" not in said
    assert server.requests == [], "no request (and no key) went to a server not trusted"


def test_a_card_on_an_untrusted_server_says_so_and_asks_at_most_every_30_s(
    tls_server: tuple[hostile.HostileServer, Path], poller: Poller
) -> None:
    server, _ = tls_server
    card = JobStatusWidget("job-1", api_key=KEY, base_url=server.url, policy=FAST, poller=poller)
    wait_for(lambda: "not trusted" in card.error, what="the certificate sentence on the card")
    assert card.state == "unreachable"
    tried = server.accepted
    assert tried >= 1
    time.sleep(2.0)  # FAST would ask every 0.2 s: a certificate is asked about every 30 s
    assert server.accepted == tried
    card.close()


def test_ssl_cert_file_trusts_a_company_ca(
    tls_server: tuple[hostile.HostileServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert SutroClient(api_key=KEY, base_url=server.url).get_status("job-1").raw_status == "RUNNING"


def test_ssl_cert_dir_trusts_a_company_ca(
    tls_server: tuple[hostile.HostileServer, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server, cert = tls_server
    folder = tmp_path / "certs"
    folder.mkdir()
    shutil.copy(cert, folder / "company.pem")
    openssl = shutil.which("openssl")
    assert openssl is not None
    subprocess.run([openssl, "rehash", str(folder)], check=True)  # the hashed names OpenSSL reads
    monkeypatch.setenv("SSL_CERT_DIR", str(folder))
    assert SutroClient(api_key=KEY, base_url=server.url).get_status("job-1").raw_status == "RUNNING"


def test_the_trust_is_the_operating_systems_and_it_always_verifies() -> None:
    # truststore: the Keychain, the Windows store, the distribution's bundle on Linux.
    context = tls_context()
    assert isinstance(context, truststore.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_a_host_that_does_not_resolve_is_named_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(HostNotFoundError) as caught:
        SutroClient(api_key=KEY, base_url="https://no-such-deployment.invalid/v1").get_status("j")
    assert time.monotonic() - started <= 5.0
    assert "no-such-deployment.invalid does not resolve" in str(caught.value)
    assert caught.value.least_wait >= 15, "retried at a calm pace"


def test_an_ipv6_loopback_literal_works() -> None:
    with Simulator(host="::1") as sim:
        assert sim.url.startswith("http://[::1]:")
        client = SutroClient(api_key=sim.api_key, base_url=sim.url_v1)
        assert client.get_status("job-held-v6").raw_status == "QUEUED"
