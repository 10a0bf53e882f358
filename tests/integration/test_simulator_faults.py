"""Fault injection in the Sutro API simulator, exercised over real HTTP and raw sockets.

Each test checks what the wire carries when a fault answers (status, headers,
body bytes, how the connection ends), that windows open and close on the
injected clock (no sleeping), that targeting one job leaves the others
healthy, and that the server can go down and come back on the same port.
Expected bytes are written out literally, not imported from the simulator.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from sutro_widget.simulator import Fault, FaultSpec, Simulator
from tests.helpers import wait_for
from tests.integration.test_simulator import CLI_ENV, REPO_ROOT, Cli, FakeClock

KEY = "fault-key"
AUTH = {"Authorization": f"Key {KEY}"}
TWO_MIB = 2 * 1024 * 1024
HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
IMF_FIXDATE = (
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT"
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> Iterator[Simulator]:
    with Simulator(api_key=KEY, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, headers=AUTH, timeout=5.0) as http_client:
        yield http_client


def fresh(prefix: str = "job-succeeds") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def path(job_id: str, generation: str = "v1") -> str:
    return f"/v1/job-status/{job_id}" if generation == "v1" else f"/job-status/{job_id}"


def raw_request(sim: Simulator, target: str, timeout: float = 5.0) -> socket.socket:
    """Open a connection and send one GET with the key; the caller reads the answer."""
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=timeout)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: sim\r\nAuthorization: Key {KEY}\r\n\r\n".encode())
    return sock


def read_all(sock: socket.socket) -> tuple[bytes, OSError | None]:
    """Everything the server sends until it closes, and the error that ended it, if any."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except OSError as exc:
        return data, exc
    return data, None


def split_response(data: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status_line, headers, body


def healthy(client: httpx.Client, job_id: str) -> None:
    response = client.get(path(job_id))
    assert response.status_code == 200, response.text
    assert job_id in response.json()["job_status"]


# -- what each fault puts on the wire ---------------------------------------------


@pytest.mark.parametrize(
    ("fault", "code", "phrase"),
    [
        (Fault.HTTP_500, 500, "Internal Server Error"),
        (Fault.HTTP_502, 502, "Bad Gateway"),
        (Fault.HTTP_503, 503, "Service Unavailable"),
        (Fault.HTTP_408, 408, "Request Timeout"),
    ],
)
def test_http_errors_with_json_or_plain_bodies(
    fault: Fault, code: int, phrase: str, sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh()
    sim.inject(fault, job_id=job_id, requests=2)
    v1 = client.get(path(job_id))
    legacy = client.get(path(job_id, "legacy"))
    assert (v1.status_code, v1.headers["content-type"]) == (code, "application/json")
    assert v1.json() == {"detail": phrase}
    assert (legacy.status_code, legacy.json()) == (code, {"message": phrase})
    assert ("connection" in v1.headers) == (fault is Fault.HTTP_408)
    if fault is Fault.HTTP_408:
        assert v1.headers["connection"] == "close"

    sim.inject(fault, job_id=job_id, requests=1, plain=True)
    plain = client.get(path(job_id))
    assert plain.status_code == code
    assert plain.headers["content-type"] == "text/plain; charset=utf-8"
    assert plain.content == f"{code} {phrase}".encode()
    healthy(client, job_id)


def test_rate_limit_with_retry_after_in_seconds(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    sim.inject(Fault.RATE_LIMIT, retry_after=2, requests=1)
    sim.inject(Fault.RATE_LIMIT, requests=1)  # the latest wins, with the default delay
    first = client.get(path(job_id))
    second = client.get(path(job_id, "legacy"))
    assert (first.status_code, first.headers["retry-after"]) == (429, "1")
    assert first.json() == {"detail": "Too Many Requests"}
    assert (second.status_code, second.headers["retry-after"]) == (429, "2")
    assert second.json() == {"message": "Too Many Requests"}
    healthy(client, job_id)


def test_rate_limit_with_retry_after_as_an_http_date(sim: Simulator, client: httpx.Client) -> None:
    sim.inject(Fault.RATE_LIMIT_DATE, retry_after=2)
    before = time.time()
    response = client.get(path(fresh()))
    after = time.time()
    assert response.status_code == 429
    value = response.headers["retry-after"]
    assert re.fullmatch(IMF_FIXDATE, value), value
    when = email.utils.parsedate_to_datetime(value).timestamp()
    assert before + 2 <= when <= after + 3, (before, when, after)


def test_connection_reset_mid_response(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    sim.inject(Fault.CONNECTION_RESET, job_id=job_id, requests=2)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get(path(job_id))

    with raw_request(sim, path(job_id)) as sock:
        data, error = read_all(sock)
    assert isinstance(error, ConnectionResetError), (error, data)
    status_line, headers, body = split_response(data)
    assert status_line == "HTTP/1.1 200 OK"
    assert headers["content-type"] == "application/json"
    length = int(headers["content-length"])
    assert 0 < len(body) == length // 2 < length  # part of the body, then the reset
    assert json.dumps({"message": "Waiting in queue"})[:-1].encode() in body
    healthy(client, job_id)
    assert sim.fault_hits(job_id) == 2


def test_no_response_hits_the_client_read_timeout_without_blocking_others(
    sim: Simulator, client: httpx.Client
) -> None:
    held_job, other_job = fresh(), fresh()
    sim.inject(Fault.NO_RESPONSE, job_id=held_job)
    with raw_request(sim, path(held_job)):  # one request held open meanwhile
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.get(path(held_job), timeout=httpx.Timeout(5.0, read=0.3))
        assert 0.25 <= time.monotonic() - started < 2.0
        healthy(client, other_job)
    assert sim.fault_hits(held_job) == 2
    assert [r.status_code for r in sim.requests if r.job_id == held_job] == [0, 0]


def test_no_response_closes_unanswered_when_its_window_ends(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh()
    handle = sim.inject(Fault.NO_RESPONSE, job_id=job_id, duration=10)
    with raw_request(sim, path(job_id)) as sock:
        sock.settimeout(0.2)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # nothing yet
        clock.tick(10)
        sock.settimeout(3)
        assert read_all(sock) == (b"", None)
    held = sim.inject(Fault.NO_RESPONSE, job_id=job_id)
    with raw_request(sim, path(job_id)) as sock:
        wait_for(lambda: held.hits == 1, what="the request to be held")
        held.clear()
        sock.settimeout(3)
        assert read_all(sock) == (b"", None)
    assert handle.hits == 1
    healthy(client, job_id)


def test_stop_never_hangs_with_a_request_held_by_no_response() -> None:
    before = set(threading.enumerate())
    sim = Simulator(api_key=KEY).start()
    sim.inject(Fault.NO_RESPONSE)
    with raw_request(sim, path(fresh())) as sock:
        wait_for(lambda: sim.fault_hits() == 1, what="the request to be held")
        started = time.monotonic()
        stopper = threading.Thread(target=sim.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=5)
        assert not stopper.is_alive(), "stop() hung on a held request"
        assert time.monotonic() - started < 2
        sock.settimeout(3)
        data, _ = read_all(sock)
        assert data == b""
    wait_for(
        lambda: not [t for t in threading.enumerate() if t not in before and t is not stopper],
        timeout=5,
        what="the simulator's threads, the held request's too, to end",
    )


@pytest.mark.parametrize(
    ("fault", "code"), [(Fault.HTML_PAGE_200, 200), (Fault.HTML_PAGE_502, 502)]
)
def test_html_error_page(fault: Fault, code: int, sim: Simulator, client: httpx.Client) -> None:
    sim.inject(fault)
    for generation in ("v1", "legacy"):
        response = client.get(path(fresh(), generation))
        assert response.status_code == code
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.content == HTML


def test_truncated_json_is_a_cut_prefix_with_a_matching_length(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh()
    whole = client.get(path(job_id)).content
    sim.inject(Fault.TRUNCATED_JSON, job_id=job_id, requests=1)
    cut = client.get(path(job_id))
    assert cut.status_code == 200
    assert cut.headers["content-type"] == "application/json"
    assert int(cut.headers["content-length"]) == len(cut.content) == len(whole) // 2
    assert whole.startswith(cut.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert client.get(path(job_id)).content == whole


@pytest.mark.parametrize(
    ("fault", "generation", "expected"),
    [
        (Fault.STATUS_NUMBER, "v1", 3),
        (Fault.STATUS_NUMBER, "legacy", 3),
        (Fault.STATUS_LIST, "v1", ["QUEUED"]),
        (Fault.STATUS_LIST, "legacy", ["pending"]),
        (Fault.STATUS_OTHER_JOB, "v1", {"not-job-held-x": "QUEUED"}),
        (Fault.STATUS_OTHER_JOB, "legacy", {"not-job-held-x": "pending"}),
    ],
)
def test_json_of_the_wrong_shape(
    fault: Fault, generation: str, expected: object, sim: Simulator, client: httpx.Client
) -> None:
    sim.inject(fault, job_id="job-held-x")
    response = client.get(path("job-held-x", generation))
    assert response.status_code == 200
    body = response.json()
    assert body["job_status"] == expected
    assert body["message"] == "Waiting in queue"


def test_huge_body_with_content_length(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    sim.inject(Fault.HUGE_BODY, job_id=job_id)
    response = client.get(path(job_id))
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content) == TWO_MIB
    body = response.json()  # valid JSON, padded
    assert body["job_status"] == {job_id: "QUEUED"}
    assert len(body["padding"]) > TWO_MIB - 200


def test_huge_body_chunked(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    sim.inject(Fault.HUGE_BODY_CHUNKED, job_id=job_id)
    with client.stream("GET", path(job_id)) as response:
        assert response.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in response.headers
        sizes = [len(chunk) for chunk in response.iter_raw()]
    assert sum(sizes) == TWO_MIB
    assert len(sizes) > 1
    healthy(client, fresh())  # the chunked answer left the connection usable


def test_huge_body_without_length_ends_when_the_connection_closes(sim: Simulator) -> None:
    job_id = fresh()
    sim.inject(Fault.HUGE_BODY_NO_LENGTH, job_id=job_id)
    with raw_request(sim, path(job_id)) as sock:
        data, error = read_all(sock)
    assert error is None
    status_line, headers, body = split_response(data)
    assert status_line == "HTTP/1.1 200 OK"
    assert "content-length" not in headers
    assert "transfer-encoding" not in headers
    assert headers["connection"] == "close"
    assert len(body) == TWO_MIB
    assert json.loads(body)["job_status"] == {job_id: "QUEUED"}


def test_redirect_to_another_origin_that_records_its_visitors(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh()
    sim.inject(Fault.REDIRECT_OTHER_ORIGIN, job_id=job_id)
    response = client.get(path(job_id))
    assert response.status_code == 302
    location = response.headers["location"]
    other = sim.other_origin
    assert location == f"{other.url}/v1/job-status/{job_id}"
    assert httpx.URL(location).port != sim.port
    assert not other.reached, "nobody followed yet"

    # httpx drops the key on a cross-origin redirect; the other origin sees that.
    followed = client.get(path(job_id), follow_redirects=True)
    assert followed.status_code == 404
    assert [(v.raw_path, v.authorization_sent) for v in other.visits] == [
        (f"/v1/job-status/{job_id}", False)
    ]
    assert not other.authorization_seen
    # A client that carries its key along is caught.
    assert httpx.get(location, headers=AUTH).status_code == 404
    assert other.authorization_seen
    assert sim.fault_hits(job_id) == 2


def test_key_revoked_after_successful_polls_then_restored(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh()
    healthy(client, job_id)
    healthy(client, job_id)
    sim.revoke_key()
    v1 = client.get(path(job_id))
    legacy = client.get(path(job_id, "legacy"))
    assert (v1.status_code, v1.json()) == (401, {"detail": "Invalid or missing API key"})
    assert v1.headers["www-authenticate"] == "Key"
    assert (legacy.status_code, legacy.json()) == (401, {"message": "Invalid or missing API key"})
    sim.restore_key()
    healthy(client, job_id)
    handle = sim.inject(Fault.UNAUTHORIZED, job_id=job_id)
    assert client.get(path(job_id)).status_code == 401
    handle.clear()
    healthy(client, job_id)
    recorded = [(r.status_code, r.authorized, r.fault) for r in sim.requests]
    assert recorded[2:] == [
        (401, True, Fault.UNAUTHORIZED),
        (401, True, Fault.UNAUTHORIZED),
        (200, True, None),
        (401, True, Fault.UNAUTHORIZED),
        (200, True, None),
    ]


def test_job_deleted_after_successful_polls(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    healthy(client, job_id)
    sim.inject(Fault.NOT_FOUND, job_id=job_id)
    v1 = client.get(path(job_id))
    legacy = client.get(path(job_id, "legacy"))
    assert (v1.status_code, v1.json()) == (404, {"detail": f"Job {job_id} not found"})
    assert (legacy.status_code, legacy.json()) == (404, {"message": f"Job {job_id} not found"})


# -- windows, targeting, counting ---------------------------------------------------


def test_window_opens_and_closes_on_the_injected_clock(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-held")
    injected = clock.now
    sim.inject(Fault.HTTP_503, job_id=job_id, after=5, duration=10)
    seen = []
    for at in (0, 4.99, 5, 10, 14.99, 15, 100):
        clock.now = injected + at
        seen.append(client.get(path(job_id)).status_code)
    assert seen == [200, 200, 503, 503, 503, 200, 200]
    assert sim.faults == [], "a window that closed is forgotten"


def test_a_fault_for_one_job_or_prefix_leaves_the_others_healthy(
    sim: Simulator, client: httpx.Client
) -> None:
    target, neighbour = fresh("job-fails"), fresh("job-fails")
    sim.inject(Fault.HTTP_500, job_id=target)
    sim.inject(Fault.HTTP_502, job_prefix="job-cancelled")
    assert client.get(path(target)).status_code == 500
    assert client.get(path(target, "legacy")).status_code == 500
    healthy(client, neighbour)
    assert client.get(path(fresh("job-cancelled"))).status_code == 502
    healthy(client, fresh("job-succeeds"))
    assert sim.clear_faults(job_id=target) == 1
    healthy(client, target)
    assert sim.clear_faults(job_prefix="job-cancelled") == 1
    healthy(client, fresh("job-cancelled"))


def test_requests_n_answers_only_the_next_n(sim: Simulator, client: httpx.Client) -> None:
    job_id = fresh()
    handle = sim.inject(Fault.HTTP_503, requests=2)
    codes = [client.get(path(job_id)).status_code for _ in range(4)]
    assert codes == [503, 503, 200, 200]
    assert handle.hits == 2
    assert sim.fault_hits() == sim.fault_hits(job_id) == 2
    assert [r.fault for r in sim.requests] == [Fault.HTTP_503, Fault.HTTP_503, None, None]


def test_faults_apply_to_status_gets_only(sim: Simulator, client: httpx.Client) -> None:
    sim.inject(Fault.HTTP_503)
    assert client.post(path("job-held-1")).status_code == 405
    assert client.get("/v1/job-cancel/job-held-1").status_code == 200  # not a status answer
    assert client.get("/v1/jobs-nope/job-held-1").status_code == 404
    assert client.get("/_sim/faults").status_code == 200
    assert sim.fault_hits() == 0
    # jobs/{id} answers the status too (the widget polls it), so the gateway fails it too.
    assert client.get("/v1/jobs/job-held-1").status_code == 503
    assert sim.fault_hits() == 1


@pytest.mark.parametrize(
    "fault", [Fault.STATUS_NUMBER, Fault.STATUS_LIST, Fault.STATUS_OTHER_JOB], ids=str
)
def test_a_wrong_shape_has_its_own_form_in_a_job_object(
    fault: Fault, sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh()
    sim.inject(fault, job_id=job_id, requests=1)
    job = client.get(f"/v1/jobs/{job_id}").json()["job"]
    if fault is Fault.STATUS_OTHER_JOB:
        assert (job["job_id"], job["status"]) == (f"not-{job_id}", "QUEUED")
    else:
        assert (job["job_id"], isinstance(job["status"], str)) == (job_id, False)


# DOWN acts on sockets; STREAM_BREAK on progress streams only (its wire test is
# in test_simulator_jobs_api.py, with the stream).
NON_SOCKET_FAULTS = [fault for fault in Fault if fault not in (Fault.DOWN, Fault.STREAM_BREAK)]


@pytest.mark.parametrize("fault", NON_SOCKET_FAULTS, ids=lambda fault: fault.value)
def test_every_fault_is_per_job_recorded_and_never_moves_the_script(
    fault: Fault, sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    target, other = fresh(), fresh()
    sim.inject(fault, job_id=target, requests=1)
    healthy(client, other)
    try:
        response = client.get(path(target), timeout=httpx.Timeout(5.0, read=0.3))
        assert response.status_code != 200 or response.content != b"", "not a fault"
    except httpx.HTTPError:
        pass  # reset, or no answer at all: both are the fault
    assert sim.status_of(target) == "queued"
    clock.tick(100)  # a faulted request did not start the job's clock...
    healthy(client, target)
    assert client.get(path(target)).json()["job_status"] == {target: "QUEUED"}
    clock.tick(2)  # ...the first answered one did
    assert client.get(path(target)).json()["job_status"] == {target: "STARTING"}
    assert [(r.job_id, r.fault) for r in sim.requests if r.fault is not None] == [(target, fault)]
    assert sim.fault_hits(other) == 0


MODES_TESTED_HERE = {
    Fault.HTTP_500,
    Fault.HTTP_502,
    Fault.HTTP_503,
    Fault.HTTP_408,
    Fault.RATE_LIMIT,
    Fault.RATE_LIMIT_DATE,
    Fault.CONNECTION_RESET,
    Fault.NO_RESPONSE,
    Fault.HTML_PAGE_200,
    Fault.HTML_PAGE_502,
    Fault.TRUNCATED_JSON,
    Fault.STATUS_NUMBER,
    Fault.STATUS_LIST,
    Fault.STATUS_OTHER_JOB,
    Fault.HUGE_BODY,
    Fault.HUGE_BODY_CHUNKED,
    Fault.HUGE_BODY_NO_LENGTH,
    Fault.REDIRECT_OTHER_ORIGIN,
    Fault.UNAUTHORIZED,
    Fault.NOT_FOUND,
    Fault.DOWN,
    Fault.STREAM_BREAK,  # tested with the stream, in test_simulator_jobs_api.py
}


def test_every_fault_mode_has_a_wire_test_here() -> None:
    assert set(Fault) == MODES_TESTED_HERE


# -- down and up again ----------------------------------------------------------------


def refused(port: int) -> bool:
    """Whether a connection to ``port`` is refused (a reset while the listener closes is not)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


def test_go_down_refuses_and_ends_connections_then_come_up_on_the_same_port(
    sim: Simulator, client: httpx.Client
) -> None:
    port = sim.port
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        kept.request("GET", path("job-held-1"), headers=AUTH)
        assert kept.getresponse().read()
        sim.go_down()
        assert sim.running
        assert not sim.listening
        assert "down" in repr(sim)
        assert refused(port)
        with pytest.raises(httpx.ConnectError):
            client.get(path("job-held-1"))
        assert kept.sock is not None
        kept.sock.settimeout(3)
        assert kept.sock.recv(1) == b"", "a kept-alive connection must be closed"
    finally:
        kept.close()
    sim.come_up()
    assert (sim.port, sim.listening) == (port, True)
    healthy(client, "job-held-1")
    assert sim.fault_hits() == 0, "refused connections are not requests"


def test_down_as_a_timed_window_on_the_injected_clock(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    port = sim.port
    injected = clock.now
    sim.inject(Fault.DOWN, after=1, duration=2)
    healthy(client, "job-held-1")
    clock.now = injected + 1
    wait_for(lambda: refused(port), timeout=5, what="the listener to close")
    clock.now = injected + 2.99
    time.sleep(0.1)  # several watcher ticks: it must stay down until the window ends
    assert refused(port)
    clock.now = injected + 3
    wait_for(lambda: not refused(port), timeout=5, what="the listener to reopen")
    assert sim.port == port
    healthy(client, "job-held-1")


def test_down_is_checked_where_it_is_written(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="every job"):
        sim.inject(Fault.DOWN, job_id="job-x")
    with pytest.raises(ValueError, match="no requests"):
        sim.inject(Fault.DOWN, requests=1)
    sim.stop()
    with pytest.raises(RuntimeError, match="not running"):
        sim.go_down()


# -- the control endpoint -----------------------------------------------------------


def test_control_endpoint_switches_faults_and_needs_the_key(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh()
    fault = {"mode": "http_503", "job_id": job_id, "after": 0, "duration": 5, "requests": None}
    assert httpx.post(f"{sim.url}/_sim/faults", json=fault).status_code == 401
    wrong = httpx.post(f"{sim.url}/_sim/faults", json=fault, headers={"Authorization": "Key x"})
    assert wrong.status_code == 401
    assert client.get(path(job_id)).status_code == 200

    created = client.post("/_sim/faults", json=fault)
    assert created.status_code == 201, created.text
    assert created.json()["fault"]["mode"] == "http_503"
    assert created.json()["fault"]["ends_in"] == 5
    assert client.get(path(job_id)).status_code == 503
    healthy(client, fresh())
    listed = client.get("/_sim/faults").json()["faults"]
    assert [(f["mode"], f["job_id"], f["hits"], f["active"]) for f in listed] == [
        ("http_503", job_id, 1, True)
    ]
    clock.tick(5)
    healthy(client, job_id)

    client.post("/_sim/faults", json={"mode": "unauthorized"})
    client.post(
        "/_sim/faults", json={"mode": "rate_limit", "job_prefix": "job-x", "retry_after": 3}
    )
    assert client.get(path(job_id)).status_code == 401
    assert client.get(path("job-x-1")).headers["retry-after"] == "3"
    assert client.delete("/_sim/faults?mode=rate_limit").json() == {"cleared": 1}
    assert client.get(path("job-x-1")).status_code == 401  # a revoked key does not lock us out
    assert client.delete("/_sim/faults").json() == {"cleared": 1}
    healthy(client, job_id)
    assert httpx.delete(f"{sim.url}/_sim/faults").status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "Expecting value"),
        (b'{"mode": "http_999"}', "Unknown fault"),
        (b'{"mode": "http_503", "jobid": "x"}', "Unknown fault field"),
        (b'{"mode": "http_503", "duration": -1}', "duration"),
        (b'{"mode": "http_503", "requests": 0}', "requests"),
        (b'{"mode": "down"}', "duration"),
        (b'["http_503"]', "JSON object"),
    ],
)
def test_control_endpoint_refuses_a_bad_fault_with_422(
    body: bytes, reason: str, sim: Simulator, client: httpx.Client
) -> None:
    response = client.post("/_sim/faults", content=body)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert sim.faults == []


def test_control_endpoint_can_take_the_server_down_for_a_while(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    port = sim.port
    down = client.post("/_sim/faults", json={"mode": "down", "duration": 3})
    assert down.status_code == 201, "the answer must arrive before the server goes down"
    assert down.headers["connection"] == "close"
    wait_for(lambda: refused(port), timeout=5, what="the listener to close")
    clock.tick(3)
    wait_for(lambda: not refused(port), timeout=5, what="the listener to reopen")
    healthy(client, "job-held-1")


# -- specs and the command line -------------------------------------------------------


def test_fault_specs_parse_from_the_command_line_form() -> None:
    spec = FaultSpec.parse("http_503@job-succeeds,after=5,for=10")
    assert spec == FaultSpec(Fault.HTTP_503, job_prefix="job-succeeds", after=5, duration=10)
    assert FaultSpec.parse("RATE_LIMIT_DATE,requests=3,retry_after=2") == FaultSpec(
        Fault.RATE_LIMIT_DATE, requests=3, retry_after=2
    )
    assert FaultSpec.parse("http-502,plain").plain
    assert FaultSpec.parse("rate_limit").retry_after == 1
    for bad, reason in [
        ("http_999", "Unknown fault"),
        ("http_503@", "prefix"),
        ("http_503,for=x", "could not convert"),
        ("http_503,every=2", "unknown option"),
        ("http_503,retry_after=2", "only for rate limits"),
        ("not_found,plain", "only for plain"),
        ("http_503,after=-1", "after"),
    ]:
        with pytest.raises(ValueError, match=reason):
            FaultSpec.parse(bad)


def test_cli_fault_flags_parse_and_apply() -> None:
    cli = Cli(
        "--port",
        "0",
        "--key",
        "cli-key",
        "--fault",
        "http_503@job-succeeds,for=600",
        "--fault",
        "rate_limit@job-held,requests=1,retry_after=7",
    )
    try:
        banner = cli.read_banner()
        url = banner[1].removeprefix("SUTRO_API_URL=")
        assert "# Fault: http_503 for jobs job-succeeds*, from 0s for 600s" in banner
        assert any("/_sim/faults" in line for line in banner)
        headers = {"Authorization": "Key cli-key"}
        with httpx.Client(base_url=url, headers=headers, timeout=5) as client:
            assert client.get("/v1/job-status/job-succeeds-1").status_code == 503
            assert client.get("/job-status/job-succeeds-1").status_code == 503
            assert client.get("/v1/job-status/job-fails-1").status_code == 200
            limited = client.get("/v1/job-status/job-held-1")
            assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
            assert client.get("/v1/job-status/job-held-1").status_code == 200
        cli.proc.send_signal(signal.SIGTERM)
        assert cli.proc.wait(timeout=15) == 0
    finally:
        cli.close()


@pytest.mark.parametrize(
    ("spec", "reason"), [("nonsense", "Unknown fault"), ("down,after=1", "down needs for=S")]
)
def test_cli_refuses_a_bad_fault_spec(spec: str, reason: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sutro_widget.simulator", "--port", "0", "--fault", spec],
        cwd=REPO_ROOT,
        env=CLI_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert reason in result.stderr
    assert "listening" not in result.stdout
