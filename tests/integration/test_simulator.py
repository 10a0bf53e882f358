"""The Sutro API simulator, exercised over real HTTP on 127.0.0.1.

Scripts are walked with a fake clock moved by hand, so no test sleeps to see a
job change stage. Expected bodies are written out literally here (not imported
from the simulator) so a drift from the API reference fails a test.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from sutro_widget.simulator import BUILTIN_SCRIPTS, DEFAULT_API_KEY, Simulator, Step

KEY = "sim-key"
REPO_ROOT = Path(__file__).resolve().parents[2]
# The CLI must flush its banner itself: a reader of a pipe must not depend on
# PYTHONUNBUFFERED being set in whatever environment starts it.
CLI_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}

FAILURE_MESSAGE = "Row 1532: input exceeds the model context window (41230 > 40960 tokens)"
ADDITIONAL_CONTEXT = {"row_index": 1532, "input_tokens": 41230, "model": "qwen-3-4b"}
V1_FAILURE_METADATA = {
    "failure_reason": {"message": FAILURE_MESSAGE, "code": "context_length_exceeded"},
    "additional_context": ADDITIONAL_CONTEXT,
}
LEGACY_FAILURE_METADATA = {
    "failure_reason": FAILURE_MESSAGE,
    "additional_context": ADDITIONAL_CONTEXT,
}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> Iterator[Simulator]:
    with Simulator(api_key=KEY, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sim.url, headers={"Authorization": f"Key {KEY}"}, timeout=5.0
    ) as http_client:
        yield http_client


def fresh(prefix: str) -> str:
    """A new job id that plays the script of ``prefix``."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ask_both(client: httpx.Client, job_id: str) -> tuple[Any, Any]:
    """GET the job's status from both generations; return the two JSON bodies."""
    legacy = client.get(f"/job-status/{job_id}")
    v1 = client.get(f"/v1/job-status/{job_id}")
    assert legacy.status_code == 200, legacy.text
    assert v1.status_code == 200, v1.text
    assert legacy.headers["content-type"] == "application/json"
    assert v1.headers["content-type"] == "application/json"
    return legacy.json(), v1.json()


def expect_stage(
    client: httpx.Client,
    job_id: str,
    legacy_status: str,
    v1_status: str,
    message: str,
    *,
    failed: bool = False,
) -> None:
    legacy, v1 = ask_both(client, job_id)
    assert legacy == {
        "message": message,
        "job_status": legacy_status,
        "metadata": LEGACY_FAILURE_METADATA if failed else {},
    }
    assert v1 == {
        "message": message,
        "job_status": {job_id: v1_status},
        "metadata": V1_FAILURE_METADATA if failed else None,
    }


# (seconds since the first request, canonical, legacy, v1, message, failed)
Stage = tuple[float, str, str, str, str, bool]
QUEUED = ("queued", "pending", "QUEUED", "Waiting in queue", False)
STARTING = ("starting", "starting", "STARTING", "Provisioning workers", False)
RUNNING = ("running", "running", "RUNNING", "Processing rows", False)
SUCCEEDED = ("succeeded", "succeeded", "SUCCEEDED", "Job completed successfully", False)
FAILED = ("failed", "failed", "FAILED", "Job failed", True)
CANCELLING = ("cancelling", "running", "CANCELLING", "Cancellation requested", False)
CANCELLED = ("cancelled", "cancelled", "CANCELLED", "Job was cancelled", False)
PAUSED = ("PAUSED", "paused", "PAUSED", "Job paused by operator", False)

TIMED_SCRIPTS: dict[str, list[Stage]] = {
    "job-succeeds": [
        (0, *QUEUED),
        (1.99, *QUEUED),
        (2, *STARTING),
        (3.99, *STARTING),
        (4, *RUNNING),
        (9.99, *RUNNING),
        (10, *SUCCEEDED),
        (10_000, *SUCCEEDED),
    ],
    "job-fails": [
        (0, *QUEUED),
        (1, *STARTING),
        (3, *RUNNING),
        (6.99, *RUNNING),
        (7, *FAILED),
        (10_000, *FAILED),
    ],
    "job-cancelled": [
        (0, *QUEUED),
        (0.99, *QUEUED),
        (1, *RUNNING),
        (4, *CANCELLING),
        (5.99, *CANCELLING),
        (6, *CANCELLED),
        (10_000, *CANCELLED),
    ],
    "job-unknown": [(0, *QUEUED), (0.99, *QUEUED), (1, *PAUSED), (100_000, *PAUSED)],
    "job-long": [
        (0, *QUEUED),
        (2, *STARTING),
        (5, *RUNNING),
        (184.99, *RUNNING),
        (185, *SUCCEEDED),
        (10_000, *SUCCEEDED),
    ],
    # Its status story is plain; what breaks is its first progress stream
    # (tests/integration/test_simulator_jobs_api.py).
    "job-stream-breaks": [
        (0, *QUEUED),
        (0.99, *QUEUED),
        (1, *RUNNING),
        (8.99, *RUNNING),
        (9, *SUCCEEDED),
        (10_000, *SUCCEEDED),
    ],
    # Running from the first request it gets, over 4 s later.
    "job-ends-soon": [(0, *RUNNING), (3.99, *RUNNING), (4, *SUCCEEDED), (10_000, *SUCCEEDED)],
}
HELD_SCRIPTS = {"job-held": SUCCEEDED, "job-held-fails": FAILED}


def test_every_builtin_script_is_covered_here() -> None:
    assert set(BUILTIN_SCRIPTS) == set(TIMED_SCRIPTS) | set(HELD_SCRIPTS)


@pytest.mark.parametrize("prefix", sorted(TIMED_SCRIPTS))
def test_timed_script_stages_in_both_generations(
    prefix: str, sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh(prefix)
    started = clock.now
    for at, canonical, legacy, v1, message, failed in TIMED_SCRIPTS[prefix]:
        clock.now = started + at
        expect_stage(client, job_id, legacy, v1, message, failed=failed)
        assert sim.status_of(job_id) == canonical, f"at {at}s"


@pytest.mark.parametrize("prefix", sorted(HELD_SCRIPTS))
def test_held_jobs_move_only_on_advance(
    prefix: str, sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh(prefix)
    canonical, legacy, v1, message, failed = HELD_SCRIPTS[prefix]
    expect_stage(client, job_id, *QUEUED[1:4])
    clock.tick(1_000_000)
    expect_stage(client, job_id, *QUEUED[1:4])
    assert sim.status_of(job_id) == "queued"

    assert sim.advance(job_id) == "running"
    expect_stage(client, job_id, *RUNNING[1:4])
    clock.tick(1_000_000)
    expect_stage(client, job_id, *RUNNING[1:4])

    assert sim.advance(job_id) == canonical
    expect_stage(client, job_id, legacy, v1, message, failed=failed)
    assert sim.advance(job_id) == canonical, "the last step is where the job stays"
    expect_stage(client, job_id, legacy, v1, message, failed=failed)


def test_advance_cuts_a_timed_step_short_and_the_next_starts_then(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    expect_stage(client, job_id, *QUEUED[1:4])
    clock.tick(0.5)
    assert sim.advance(job_id) == "starting"
    clock.tick(1.99)
    expect_stage(client, job_id, *STARTING[1:4])
    clock.tick(0.01)
    expect_stage(client, job_id, *RUNNING[1:4])


def test_time_scale_multiplies_every_step(clock: FakeClock) -> None:
    with (
        Simulator(api_key=KEY, clock=clock, time_scale=0.05) as sim,
        httpx.Client(base_url=sim.url_v1, headers={"Authorization": f"Key {KEY}"}) as client,
    ):
        job_id = fresh("job-succeeds")
        seen = []
        for at in (0.0, 0.099, 0.1, 0.2, 0.499, 0.5):
            clock.now = 1000.0 + at
            seen.append(client.get(f"/job-status/{job_id}").json()["job_status"][job_id])
    assert seen == ["QUEUED", "QUEUED", "STARTING", "RUNNING", "RUNNING", "SUCCEEDED"]


def test_clock_starts_at_the_first_request_so_fresh_ids_replay(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    first = fresh("job-succeeds")
    clock.tick(500)  # long before anyone asks: nothing happens yet
    expect_stage(client, first, *QUEUED[1:4])
    clock.tick(2)
    expect_stage(client, first, *STARTING[1:4])

    second = fresh("job-succeeds")  # a demo re-run with a new id starts over
    expect_stage(client, second, *QUEUED[1:4])
    assert sim.status_of(first) == "starting"


def test_looking_and_unauthorized_requests_do_not_start_the_clock(
    sim: Simulator, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    assert sim.status_of(job_id) == "queued"
    with httpx.Client(base_url=sim.url, headers={"Authorization": "Key wrong"}) as intruder:
        assert intruder.get(f"/v1/job-status/{job_id}").status_code == 401
    clock.tick(100)
    with httpx.Client(base_url=sim.url, headers={"Authorization": f"Key {KEY}"}) as client:
        expect_stage(client, job_id, *QUEUED[1:4])


def test_add_job_exact_id_wins_over_prefix_and_passes_unknown_statuses(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = "job-succeeds-custom"
    sim.add_job(
        job_id,
        [
            Step("starting", 1.5, "Warming up"),
            Step("on_hold", None, "Held by operator", {"note": "custom"}),
            Step("succeeded", None, "Done"),
        ],
    )
    legacy, v1 = ask_both(client, job_id)
    assert (legacy["job_status"], v1["job_status"], v1["message"]) == (
        "starting",
        {job_id: "STARTING"},
        "Warming up",
    )
    clock.tick(1.5)
    legacy, v1 = ask_both(client, job_id)
    assert legacy == {
        "message": "Held by operator",
        "job_status": "on_hold",
        "metadata": {"note": "custom"},
    }
    assert v1 == {
        "message": "Held by operator",
        "job_status": {job_id: "ON_HOLD"},
        "metadata": {"note": "custom"},
    }
    clock.tick(1_000)
    assert sim.status_of(job_id) == "on_hold"
    assert sim.advance(job_id) == "succeeded"
    assert ask_both(client, job_id)[1]["job_status"] == {job_id: "SUCCEEDED"}

    sim.add_job(job_id, [Step("queued", 1, "Again"), Step("running", None, "Go")])
    clock.tick(1_000)  # re-adding restarts: the clock waits for the next request
    assert ask_both(client, job_id)[1]["job_status"] == {job_id: "QUEUED"}


@pytest.mark.parametrize(
    ("reason", "legacy_reason"),
    [
        ({"message": "Out of memory", "code": "oom"}, "Out of memory"),
        ("Plain sentence", "Plain sentence"),
        ({"code": "oom"}, '{"code": "oom"}'),
    ],
)
def test_legacy_failure_reason_is_always_a_string(
    reason: object, legacy_reason: str, sim: Simulator, client: httpx.Client
) -> None:
    sim.add_job("custom-failure", [Step("failed", None, "Nope", {"failure_reason": reason})])
    legacy, v1 = ask_both(client, "custom-failure")
    assert legacy["metadata"] == {"failure_reason": legacy_reason}
    assert v1["metadata"] == {"failure_reason": reason}


def test_scripts_are_checked_when_written(sim: Simulator) -> None:
    with pytest.raises(ValueError, match="at least one step"):
        sim.add_job("empty", [])
    with pytest.raises(ValueError, match="seconds"):
        Step("queued", -1, "Waiting")
    with pytest.raises(KeyError):
        sim.advance("no-such-job")
    with pytest.raises(KeyError):
        sim.status_of("no-such-job")


@pytest.mark.parametrize(
    "authorization",
    [None, "Key wrong-key", f"Bearer {KEY}", KEY, "Key", f"Key {KEY}x"],
)
def test_missing_or_wrong_key_is_401_in_each_generations_shape(
    authorization: str | None, sim: Simulator
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(base_url=sim.url, headers=headers) as client:
        legacy = client.get("/job-status/job-succeeds-1")
        v1 = client.get("/v1/job-status/job-succeeds-1")
    assert (legacy.status_code, legacy.json()) == (401, {"message": "Invalid or missing API key"})
    assert (v1.status_code, v1.json()) == (401, {"detail": "Invalid or missing API key"})
    assert [r.authorized for r in sim.requests] == [False, False]
    assert KEY not in repr(sim.requests)
    assert "wrong-key" not in repr(sim.requests)


def test_the_default_key_is_the_demo_key() -> None:
    with (
        Simulator() as sim,
        httpx.Client(headers={"Authorization": f"Key {DEFAULT_API_KEY}"}) as client,
    ):
        assert sim.api_key == DEFAULT_API_KEY == "sim-demo-key"
        response = client.get(f"{sim.url_v1}/job-status/job-held-1")
    assert response.status_code == 200


def test_unknown_job_is_404_with_detail_or_message(client: httpx.Client) -> None:
    v1 = client.get("/v1/job-status/nope-123")
    legacy = client.get("/job-status/nope-123")
    assert (v1.status_code, v1.json()) == (404, {"detail": "Job nope-123 not found"})
    assert (legacy.status_code, legacy.json()) == (404, {"message": "Job nope-123 not found"})


@pytest.mark.parametrize(
    "path", ["/", "/job-status", "/job-status/", "/v1/job-status/a/b", "/v2/job-status/job-held"]
)
def test_unknown_path_is_404_json(path: str, sim: Simulator) -> None:
    with httpx.Client(base_url=sim.url) as client:  # no key: the path is checked first
        response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_non_get_is_405(method: str, client: httpx.Client) -> None:
    v1 = client.request(method, "/v1/job-status/job-held-1", content=b'{"x": 1}')
    legacy = client.request(method, "/job-status/job-held-1", content=b'{"x": 1}')
    assert (v1.status_code, v1.json()) == (405, {"detail": "Method Not Allowed"})
    assert (legacy.status_code, legacy.json()) == (405, {"message": "Method Not Allowed"})
    assert v1.headers["allow"] == "GET"


def test_head_is_405_without_a_body(client: httpx.Client) -> None:
    response = client.head("/v1/job-status/job-held-1")
    assert response.status_code == 405
    assert response.content == b""
    assert client.get("/v1/job-status/job-held-1").status_code == 200  # connection still usable


def test_connections_are_kept_alive_even_after_a_request_with_a_body(sim: Simulator) -> None:
    auth = {"Authorization": f"Key {KEY}"}
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    try:
        conn.request("GET", "/v1/job-status/job-held-1", headers=auth)
        first = conn.getresponse()
        body = first.read()
        assert (first.status, first.version) == (200, 11)
        assert first.getheader("Content-Length") == str(len(body))
        sock = conn.sock
        assert sock is not None

        conn.request("POST", "/v1/job-status/job-held-1", body=b"ignored body", headers=auth)
        assert conn.getresponse().read()
        assert conn.sock is sock
        conn.request("GET", "/job-status/job-held-1", headers=auth)
        third = conn.getresponse()
        assert third.status == 200
        assert third.read()
        assert conn.sock is sock, "the server closed a connection it should have kept"
    finally:
        conn.close()


def test_percent_encoded_id_is_decoded_for_lookup_and_raw_path_recorded(
    sim: Simulator, client: httpx.Client
) -> None:
    legacy, v1 = ask_both(client, "job-succeeds%2Fx")
    assert v1["job_status"] == {"job-succeeds/x": "QUEUED"}
    assert legacy["job_status"] == "pending"
    assert [(r.raw_path, r.job_id) for r in sim.requests] == [
        ("/job-status/job-succeeds%2Fx", "job-succeeds/x"),
        ("/v1/job-status/job-succeeds%2Fx", "job-succeeds/x"),
    ]
    assert sim.request_count("job-succeeds/x") == 2
    assert sim.request_count("job-succeeds%2Fx") == 0
    assert sim.status_of("job-succeeds/x") == "queued"

    sim.add_job("job with spaces", [Step("running", None, "Spaced")])
    spaced = client.get("/v1/job-status/job%20with%20spaces").json()
    assert spaced["job_status"] == {"job with spaces": "RUNNING"}
    missing = client.get("/v1/job-status/no%2Fsuch").json()
    assert missing == {"detail": "Job no/such not found"}


def test_request_count_counts_status_requests_all_or_per_job(
    sim: Simulator, client: httpx.Client
) -> None:
    assert sim.request_count() == 0
    ask_both(client, "job-held-a")
    ask_both(client, "job-held-a")
    client.get("/v1/job-status/job-held-b")
    client.get("/v1/job-status/unknown-job")  # 404, still a status request
    client.get("/v1/job-status/job-held-b", headers={"Authorization": "Key bad"})  # 401, too
    client.get("/not-an-endpoint")  # not a status request
    client.post("/v1/job-status/job-held-b")  # not a status request either
    assert sim.request_count("job-held-a") == 4
    assert sim.request_count("job-held-b") == 2
    assert sim.request_count("unknown-job") == 1
    assert sim.request_count() == 7
    assert len(sim.requests) == 9
    assert [r.authorized for r in sim.requests].count(False) == 1


def test_a_stalled_connection_does_not_hold_up_other_clients(
    sim: Simulator, client: httpx.Client
) -> None:
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as stalled:
        stalled.sendall(b"GET /v1/job-status/job-held-1 HTTP/1.1\r\n")  # and never finishes
        response = client.get("/v1/job-status/job-held-2", timeout=3.0)
        assert response.status_code == 200


def test_concurrent_requests_are_all_answered_and_counted(
    sim: Simulator, client: httpx.Client
) -> None:
    def poll(n: int) -> int:
        return client.get(f"/v1/job-status/job-succeeds-{n % 4}").status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(poll, range(200)))
    assert codes == [200] * 200
    assert sim.request_count() == 200
    assert sum(sim.request_count(f"job-succeeds-{n}") for n in range(4)) == 200


def test_start_stop_without_with_closes_listener_and_kept_alive_connections() -> None:
    sim = Simulator(api_key=KEY)
    with pytest.raises(RuntimeError, match="start"):
        _ = sim.url
    sim.stop()  # never started: nothing to do
    sim.start()
    with pytest.raises(RuntimeError, match="already running"):
        sim.start()
    assert sim.url == f"http://127.0.0.1:{sim.port}"
    assert sim.url_v1 == f"{sim.url}/v1"
    conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    try:
        conn.request("GET", "/v1/job-status/job-held-1", headers={"Authorization": f"Key {KEY}"})
        assert conn.getresponse().read()
        sim.stop()
        sim.stop()  # idempotent
        assert not sim.running
        with pytest.raises((http.client.HTTPException, OSError)):  # noqa: PT012
            conn.request("GET", "/v1/job-status/job-held-1")  # may already fail here
            conn.getresponse()  # or here, when the server hung up
    finally:
        conn.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sim.url_v1}/job-status/job-held-1", timeout=2.0)


def test_with_block_stops_the_server_even_on_error() -> None:
    sim = Simulator(api_key=KEY)
    with pytest.raises(ZeroDivisionError), sim:
        _ = 1 / 0
    url = sim.url
    assert not sim.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/job-status/job-held-1", timeout=2.0)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.com"])
def test_non_loopback_host_is_refused_unless_allowed(host: str) -> None:
    with pytest.raises(ValueError, match="allow_remote"):
        Simulator(host=host)
    assert not Simulator(host=host, allow_remote=True).running  # constructing does not bind


def test_localhost_is_accepted_and_the_url_names_the_bound_address() -> None:
    with Simulator(host="localhost") as sim:
        assert sim.url == f"http://127.0.0.1:{sim.port}"


# -- the command line -----------------------------------------------------------


class Cli:
    """``python -m sutro_widget.simulator`` in a subprocess, its stdout read by a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sutro_widget.simulator", *args],
            cwd=REPO_ROOT,
            env=CLI_ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def read_banner(self, timeout: float = 20.0) -> list[str]:
        """Lines printed up to the stop hint; fails if they do not arrive (e.g. unflushed)."""
        banner: list[str] = []
        while not banner or not banner[-1].startswith("# Stop with"):
            try:
                banner.append(self.lines.get(timeout=timeout))
            except queue.Empty:
                pytest.fail(f"the simulator printed only {banner!r} within {timeout}s")
        return banner

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_and_key_answers_and_exits_cleanly_on_signal(
    stop_signal: signal.Signals,
) -> None:
    cli = Cli("--port", "0", "--key", "cli-key", "--time-scale", "0")
    try:
        banner = cli.read_banner()
        match = re.fullmatch(r"Sutro simulator listening on (http://127\.0\.0\.1:(\d+))", banner[0])
        assert match, banner
        url = match[1]
        assert int(match[2]) != 0
        assert banner[1:3] == [f"SUTRO_API_URL={url}", "SUTRO_API_KEY=cli-key"]
        listing = "\n".join(banner[3:])
        for prefix in BUILTIN_SCRIPTS:
            assert prefix in listing

        headers = {"Authorization": "Key cli-key"}
        # time scale 0: timed steps take no time, held steps still hold
        done = httpx.get(f"{url}/v1/job-status/job-succeeds-cli", headers=headers, timeout=5)
        held = httpx.get(f"{url}/job-status/job-held-cli", headers=headers, timeout=5)
        refused = httpx.get(f"{url}/v1/job-status/job-succeeds-cli", timeout=5)
        assert done.json()["job_status"] == {"job-succeeds-cli": "SUCCEEDED"}
        assert held.json()["job_status"] == "pending"
        assert refused.status_code == 401

        cli.proc.send_signal(stop_signal)
        assert cli.proc.wait(timeout=15) == 0
        assert cli.proc.stderr is not None
        assert "Traceback" not in cli.proc.stderr.read()
    finally:
        cli.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/job-status/job-held-1", timeout=2.0)


def test_cli_refuses_a_non_loopback_host() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sutro_widget.simulator", "--host", "0.0.0.0", "--port", "0"],
        cwd=REPO_ROOT,
        env=CLI_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert "listening" not in result.stdout


def test_cli_exits_1_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sutro_widget.simulator", "--port", str(port)],
            cwd=REPO_ROOT,
            env=CLI_ENV,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in result.stderr
