"""SutroClient over real HTTP to the simulator on 127.0.0.1 (and to dead ends)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from sutro_widget import (
    AuthenticationError,
    JobNotFoundError,
    JobStatus,
    NetworkError,
    SutroClient,
)
from sutro_widget.simulator import Simulator


def test_current_generation_uppercase_dict(sim: Simulator, fresh_id: Callable[[str], str]) -> None:
    with SutroClient(api_key=sim.api_key, base_url=sim.url_v1) as client:
        report = client.get_status(fresh_id("job-succeeds"))
    assert report.status is JobStatus.QUEUED
    assert report.raw_status == "QUEUED"
    assert report.metadata == {}


def test_legacy_generation_lowercase_string(sim: Simulator, fresh_id: Callable[[str], str]) -> None:
    with SutroClient(api_key=sim.api_key, base_url=sim.url) as client:
        report = client.get_status(fresh_id("job-succeeds"))
    assert report.status is JobStatus.PENDING
    assert report.raw_status == "pending"


def test_wrong_key_is_an_authentication_error(sim: Simulator) -> None:
    with (
        SutroClient(api_key="not-the-key", base_url=sim.url_v1) as client,
        pytest.raises(AuthenticationError, match="HTTP 401") as info,
    ):
        client.get_status("job-succeeds-x")
    assert "not-the-key" not in str(info.value)


def test_unknown_job_is_not_found(sim: Simulator) -> None:
    with (
        SutroClient(api_key=sim.api_key, base_url=sim.url_v1) as client,
        pytest.raises(JobNotFoundError, match="'no-such-job'"),
    ):
        client.get_status("no-such-job")


@pytest.mark.parametrize(
    ("job_id", "raw_path"),
    [
        ("job-succeeds/../../admin", "/v1/job-status/job-succeeds%2F..%2F..%2Fadmin"),
        ("job-succeeds?x=1#y", "/v1/job-status/job-succeeds%3Fx%3D1%23y"),
        ("job-succeeds-%2F", "/v1/job-status/job-succeeds-%252F"),
        ("job-succeeds-é", "/v1/job-status/job-succeeds-%C3%A9"),
    ],
)
def test_the_server_receives_exactly_one_encoded_segment(
    sim: Simulator, job_id: str, raw_path: str
) -> None:
    with SutroClient(api_key=sim.api_key, base_url=sim.url_v1) as client:
        client.get_status(job_id)
    last = sim.requests[-1]
    assert last.raw_path == raw_path
    assert last.job_id == job_id


def test_connection_refused_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        SutroClient(api_key="k", base_url=f"http://127.0.0.1:{port}") as client,
        pytest.raises(NetworkError, match="Could not connect"),
    ):
        client.get_status("job-1")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A socket that accepts connections and never answers: a hung server."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_a_hung_server_times_out_instead_of_hanging(silent_server: str) -> None:
    with (
        SutroClient(api_key="k", base_url=silent_server, timeout=0.3) as client,
        pytest.raises(NetworkError, match="No answer"),
    ):
        client.get_status("job-1")


@pytest.fixture
def closes_first_connection() -> Iterator[tuple[str, list[int]]]:
    """A server that drops its first connection unanswered (a stale keep-alive), then answers."""
    body = b'{"job_status": "running", "message": "ok", "metadata": {}}'
    served: list[int] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve() -> None:
        for number in (1, 2):
            conn, _ = server.accept()
            with conn:
                conn.recv(65536)
                served.append(number)
                if number == 2:
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                    )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", served
    server.close()


def test_a_connection_closed_before_answering_is_retried_once(
    closes_first_connection: tuple[str, list[int]],
) -> None:
    url, served = closes_first_connection
    with SutroClient(api_key="k", base_url=url, timeout=5) as client:
        report = client.get_status("job-1")
    assert report.raw_status == "running"
    assert served == [1, 2]
