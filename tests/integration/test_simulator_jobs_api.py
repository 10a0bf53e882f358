"""The current API's other job endpoints in the simulator: details, progress stream, cancel.

Over real HTTP on 127.0.0.1. Most tests move a fake clock by hand and read
dates off a wall clock that moves with it, so stages, rows, tokens and
timestamps are exact; the stream tests that need time to pass by itself use
the real clock with a small ``time_scale`` and assert what must hold however
fast the machine is (rows only grow, the last count is ``num_rows``, the
stream ends). Expected bodies are written out literally, not imported from the
simulator, so a drift from the API reference fails a test.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest

from sutro_widget.simulator import BUILTIN_SCRIPTS, Fault, FaultSpec, Simulator, Step
from tests.helpers import wait_for
from tests.integration.test_simulator import FakeClock

KEY = "jobs-key"
AUTH = {"Authorization": f"Key {KEY}"}
START = 1000.0  # where FakeClock starts
WALL = 1_700_000_000.0  # 2023-11-14T22:13:20Z, the wall time at START
HEARTBEAT = 0.05
STREAM = "v1/stream-job-progress"
FAILURE_REASON = {
    "message": "Row 1532: input exceeds the model context window (41230 > 40960 tokens)",
    "code": "context_length_exceeded",
}
# What a cut stream raises in httpx: the body ended without its terminating chunk
# (RemoteProtocolError); ReadError if the close races with a read as a reset.
CUT = (httpx.RemoteProtocolError, httpx.ReadError)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def sim(clock: FakeClock) -> Iterator[Simulator]:
    with Simulator(
        api_key=KEY,
        clock=clock,
        wall_clock=lambda: WALL + (clock.now - START),
        heartbeat_seconds=HEARTBEAT,
    ) as simulator:
        yield simulator


@pytest.fixture
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url_v1, headers=AUTH, timeout=5.0) as http_client:
        yield http_client


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def details(client: httpx.Client, job_id: str) -> dict[str, Any]:
    response = client.get(f"/jobs/{job_id}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["job"]
    job: dict[str, Any] = body["job"]
    return job


def v1_status(client: httpx.Client, job_id: str) -> str:
    response = client.get(f"/job-status/{job_id}")
    assert response.status_code == 200, response.text
    status: str = response.json()["job_status"][job_id]
    return status


def cancel(client: httpx.Client, job_id: str) -> httpx.Response:
    return client.get(f"/job-cancel/{job_id}")


def parse_date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- a stream read on its own thread --------------------------------------------------


@dataclass(frozen=True)
class Ended:
    """How a stream ended: ``error`` is ``None`` for a proper end (terminating chunk)."""

    error: BaseException | None


class Reader:
    """Reads one progress stream on a thread; the test takes its lines from a queue."""

    def __init__(self, sim: Simulator, job_id: str, headers: dict[str, str] = AUTH) -> None:
        self.url = f"{sim.url_v1}/stream-job-progress/{job_id}"
        self.headers = headers
        self.items: queue.Queue[dict[str, Any] | Ended] = queue.Queue()
        self.opened = threading.Event()
        self.response_headers: httpx.Headers | None = None
        self.status_code = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(5.0, read=10.0)) as http_client,
                http_client.stream("GET", self.url, headers=self.headers) as response,
            ):
                self.status_code = response.status_code
                self.response_headers = response.headers
                self.opened.set()
                for line in response.iter_lines():
                    if line:
                        self.items.put(json.loads(line))
            self.items.put(Ended(None))
        except Exception as exc:
            self.items.put(Ended(exc))
        finally:
            self.opened.set()

    def take(self, timeout: float = 5.0) -> dict[str, Any] | Ended:
        try:
            return self.items.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line from the stream within {timeout}s")

    def next_update(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next line that is not a heartbeat; fails if the stream ends first."""
        deadline = time.monotonic() + timeout
        while True:
            item = self.take(max(0.01, deadline - time.monotonic()))
            if isinstance(item, Ended):
                pytest.fail(f"the stream ended ({item.error!r}) while an update was expected")
            if item["update_type"] != "heartbeat":
                return item

    def rest(self, timeout: float = 10.0) -> tuple[list[dict[str, Any]], Ended]:
        """Every line until the stream ends, and how it ended."""
        deadline = time.monotonic() + timeout
        lines: list[dict[str, Any]] = []
        while True:
            item = self.take(max(0.01, deadline - time.monotonic()))
            if isinstance(item, Ended):
                return lines, item
            lines.append(item)

    def lines_for(self, seconds: float) -> list[dict[str, Any] | Ended]:
        """Whatever arrives within ``seconds`` of real time (the stream keeps looking meanwhile)."""
        time.sleep(seconds)
        seen: list[dict[str, Any] | Ended] = []
        while not self.items.empty():
            seen.append(self.items.get_nowait())
        return seen


def updates(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["update_type"] != "heartbeat"]


def progress(lines: list[dict[str, Any]]) -> list[int]:
    return [line["result"] for line in lines if line["update_type"] == "progress"]


def tokens(input_tokens: int, output_tokens: int, per_second: float | None = None) -> Any:
    result: dict[str, Any] = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    if per_second is not None:
        result["total_tokens_processed_per_second"] = per_second
    return {"update_type": "tokens", "result": result}


def rows(count: int) -> dict[str, Any]:
    return {"update_type": "progress", "result": count}


# -- job details ------------------------------------------------------------------------


def test_details_follow_a_job_through_its_script(client: httpx.Client, clock: FakeClock) -> None:
    job_id = fresh("job-succeeds")
    assert details(client, job_id) == {
        "job_id": job_id,
        "status": "QUEUED",
        "name": "Summarise support tickets",
        "description": "Nightly ticket digest",
        "model": "qwen-3-4b",
        "num_rows": 2000,
        "input_tokens": 0,
        "output_tokens": 0,
        "job_cost": None,
        "cost_estimate": 0.084,
        "failure_reason": None,
        "datetime_created": "2023-11-14T22:13:20Z",
        "datetime_started": None,
        "datetime_completed": None,
    }
    clock.tick(2)
    starting = details(client, job_id)
    assert (starting["status"], starting["datetime_started"]) == (
        "STARTING",
        "2023-11-14T22:13:22Z",
    )
    clock.tick(5)  # 3 s into the 6 s running step: half the rows
    running = details(client, job_id)
    assert running["status"] == v1_status(client, job_id) == "RUNNING"
    assert (running["input_tokens"], running["output_tokens"]) == (180_000, 60_000)
    assert (running["job_cost"], running["datetime_completed"]) == (None, None)
    clock.tick(3)
    done = details(client, job_id)
    assert done["status"] == v1_status(client, job_id) == "SUCCEEDED"
    assert (done["input_tokens"], done["output_tokens"]) == (360_000, 120_000)
    assert done["job_cost"] == 0.084
    assert isinstance(done["job_cost"], float)
    assert isinstance(done["cost_estimate"], float)
    assert done["datetime_created"] == "2023-11-14T22:13:20Z"
    assert done["datetime_started"] == "2023-11-14T22:13:22Z"
    assert done["datetime_completed"] == "2023-11-14T22:13:30Z"
    created, started, completed = (
        parse_date(done[key])
        for key in ("datetime_created", "datetime_started", "datetime_completed")
    )
    assert created < started < completed
    assert completed.utcoffset() is not None
    assert completed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_details_of_a_failed_job_carry_its_failure_reason(
    client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-fails")
    assert details(client, job_id)["failure_reason"] is None
    clock.tick(6.99)
    assert details(client, job_id)["failure_reason"] is None
    clock.tick(0.01)
    job = details(client, job_id)
    assert job["status"] == "FAILED"
    assert job["failure_reason"] == FAILURE_REASON
    metadata = client.get(f"/job-status/{job_id}").json()["metadata"]
    assert job["failure_reason"] == metadata["failure_reason"]
    assert (job["input_tokens"], job["output_tokens"]) == (1532 * 180, 1532 * 60)
    assert job["job_cost"] is None, "only a job that succeeded has a cost"
    assert job["name"] == "Extract invoice fields"
    assert job["datetime_started"] == "2023-11-14T22:13:21Z"
    assert job["datetime_completed"] == "2023-11-14T22:13:27Z"


@pytest.mark.parametrize("prefix", sorted(BUILTIN_SCRIPTS))
def test_details_and_status_agree_on_every_builtin_script(
    prefix: str, sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh(prefix)
    for _ in range(12):
        job = details(client, job_id)
        assert job["status"] == v1_status(client, job_id)
        assert job["model"] == "qwen-3-4b"
        assert job["num_rows"] == sim.num_rows(job_id) == 2000
        assert job["name"]
        clock.tick(1)


def test_details_dates_are_real_time_when_no_clock_is_injected() -> None:
    with (
        Simulator(api_key=KEY, time_scale=0.01) as sim,
        httpx.Client(base_url=sim.url_v1, headers=AUTH, timeout=5.0) as client,
    ):
        before = time.time()
        job = details(client, fresh("job-succeeds"))
        after = time.time()
    assert job["datetime_created"].endswith("Z")
    assert before - 0.001 <= parse_date(job["datetime_created"]).timestamp() <= after + 0.001


def test_new_endpoints_are_v1_only_and_answer_404_401_405_like_the_others(
    sim: Simulator, client: httpx.Client
) -> None:
    with httpx.Client(base_url=sim.url, headers=AUTH, timeout=5.0) as root:
        for legacy in ("/jobs/job-held-1", "/stream-job-progress/job-held-1", "/job-cancel/x"):
            response = root.get(legacy)
            assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    for route in ("jobs", "stream-job-progress", "job-cancel"):
        missing = client.get(f"/{route}/nope-1")
        assert (missing.status_code, missing.json()) == (404, {"detail": "Job nope-1 not found"})
        wrong = client.get(f"/{route}/job-held-1", headers={"Authorization": "Key wrong"})
        assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid or missing API key"})
        posted = client.post(f"/{route}/job-held-1")
        assert (posted.status_code, posted.headers["allow"]) == (405, "GET")
    assert sim.status_of("job-held-1") == "queued", "refused requests must not touch the job"
    # Only jobs/{id} is a status request too (it answers the status); refused ones count.
    assert sim.request_count() == 2
    assert sim.request_count(route="v1/job-cancel") == sim.request_count(route="v1/jobs") == 2
    with pytest.raises(KeyError):
        sim.rows_done("nope-1")
    with pytest.raises(KeyError):
        sim.num_rows("nope-1")


def test_request_count_counts_status_unless_another_route_is_named(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    v1_status(client, job_id)
    client.get(f"/job-status/{job_id}", headers={"Authorization": "Key wrong"})
    for _ in range(3):
        details(client, job_id)
    cancel(client, job_id)
    clock.tick(10)
    cancel(client, job_id)  # 409 by now, still counted
    _, ended = Reader(sim, job_id).rest()
    assert ended.error is None
    assert sim.request_count(job_id) == 2 + 3, "job-status, and jobs/{id} (it tells the status)"
    assert sim.request_count(job_id, route="v1/job-status") == 2
    assert sim.request_count(job_id, route="v1/jobs") == 3
    assert sim.request_count(job_id, route="v1/job-cancel") == 2
    assert sim.request_count(job_id, route=STREAM) == 1
    assert sim.request_count(route="v1/job-status") == 2
    assert len(sim.requests) == 8


# -- the progress stream ---------------------------------------------------------------


def test_a_stream_reports_rows_as_they_grow_and_ends_at_num_rows() -> None:
    with Simulator(api_key=KEY, time_scale=0.02, heartbeat_seconds=HEARTBEAT) as sim:
        job_id = fresh("job-succeeds")
        reader = Reader(sim, job_id)
        lines, ended = reader.rest()
        assert ended.error is None, "the stream must end with its terminating chunk"
        assert reader.status_code == 200
        assert reader.response_headers is not None
        assert reader.response_headers["content-type"] == "application/x-ndjson"
        assert reader.response_headers["transfer-encoding"] == "chunked"
        counts = progress(lines)
        assert len(counts) >= 3, lines
        assert counts == sorted(set(counts)), "rows done are cumulative and sent only on change"
        assert counts[-1] == 2000
        assert all(0 < count <= 2000 for count in counts)
        token_lines = [line["result"] for line in lines if line["update_type"] == "tokens"]
        assert any(
            set(result) == {"input_tokens", "output_tokens", "total_tokens_processed_per_second"}
            for result in token_lines
        )
        assert token_lines[-1] == {"input_tokens": 360_000, "output_tokens": 120_000}
        assert {line["update_type"] for line in lines} <= {"progress", "tokens", "heartbeat"}
        assert updates(lines)[-2:] == [rows(2000), tokens(360_000, 120_000)]
        with httpx.Client(base_url=sim.url_v1, headers=AUTH, timeout=5.0) as client:
            assert v1_status(client, job_id) == "SUCCEEDED"
        assert sim.rows_done(job_id) == 2000


def test_a_stream_waits_for_a_held_job_with_heartbeats_and_reports_rows_set_by_hand(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh("job-held")
    reader = Reader(sim, job_id)
    for _ in range(3):
        assert reader.take() == {"update_type": "heartbeat"}, "nothing else while queued"
    sim.advance(job_id)
    assert reader.take() == {"update_type": "heartbeat"}, "running, but no rows yet"
    sim.set_progress(job_id, 500)
    assert reader.next_update() == rows(500)
    # held: no throughput to speak of, so that key is left out
    assert reader.next_update() == tokens(90_000, 30_000)
    assert sim.rows_done(job_id) == 500
    assert details(client, job_id)["input_tokens"] == 90_000
    sim.set_progress(job_id, 1200)
    assert reader.next_update() == rows(1200)
    assert reader.next_update() == tokens(216_000, 72_000)
    assert sim.advance(job_id) == "succeeded"
    lines, ended = reader.rest()
    assert updates(lines) == [rows(2000), tokens(360_000, 120_000)]
    assert ended.error is None
    assert sim.rows_done(job_id) == 2000


def test_set_progress_is_checked(sim: Simulator, client: httpx.Client) -> None:
    held = fresh("job-held")
    sim.advance(held)
    sim.set_progress(held, 10)
    with pytest.raises(ValueError, match="between 10"):
        sim.set_progress(held, 9)  # rows done never go down
    with pytest.raises(ValueError, match="2000"):
        sim.set_progress(held, 2001)
    with pytest.raises(TypeError):
        sim.set_progress(held, True)
    sim.advance(held)
    with pytest.raises(ValueError, match="held step"):
        sim.set_progress(held, 2000)  # the last step: the job is over
    timed = fresh("job-succeeds")
    with pytest.raises(ValueError, match="held step"):
        sim.set_progress(timed, 5)  # a timed step's rows follow the clock
    with pytest.raises(KeyError):
        sim.set_progress("nope-1", 5)
    with pytest.raises(ValueError, match="exceed num_rows"):
        sim.add_job("too-many", [Step("running", 1, "Go", rows=11)], num_rows=10)


def test_a_stream_paces_progress_on_the_script_clock(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    v1_status(client, job_id)
    clock.tick(4.6)  # 0.6 s into the 6 s running step
    reader = Reader(sim, job_id)
    assert reader.next_update() == rows(200)
    assert reader.next_update() == tokens(36_000, 12_000, 80_000.0)
    clock.tick(0.1)  # rows moved (233), but under 0.2 s since the last update
    assert all(item == {"update_type": "heartbeat"} for item in reader.lines_for(0.2))
    clock.tick(0.1)
    assert reader.next_update() == rows(266)
    assert all(item == {"update_type": "heartbeat"} for item in reader.lines_for(0.1))
    clock.tick(0.8)  # 1 s after the last tokens update: both go out
    assert reader.next_update() == rows(533)
    assert reader.next_update() == tokens(95_940, 31_980, 80_000.0)
    clock.tick(100)
    lines, ended = reader.rest()
    assert updates(lines) == [rows(2000), tokens(360_000, 120_000)]
    assert ended.error is None


@pytest.mark.parametrize(
    ("prefix", "final"),
    [
        ("job-succeeds", [rows(2000), tokens(360_000, 120_000)]),
        ("job-fails", [rows(1532), tokens(275_760, 91_920)]),
        ("job-cancelled", [rows(900), tokens(162_000, 54_000)]),
    ],
)
def test_a_stream_of_a_job_already_over_sends_its_final_count_and_ends(
    prefix: str, final: list[dict[str, Any]], sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh(prefix)
    v1_status(client, job_id)
    clock.tick(100)
    started = time.monotonic()
    lines, ended = Reader(sim, job_id).rest(timeout=2.0)
    assert (lines, ended.error) == (final, None), "no heartbeat, no wait"
    assert time.monotonic() - started < 1.0


def test_a_stream_of_a_job_cancelled_before_it_ran_just_ends(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh("job-held")
    assert cancel(client, job_id).status_code == 200
    sim.advance(job_id)
    assert v1_status(client, job_id) == "CANCELLED"
    lines, ended = Reader(sim, job_id).rest(timeout=2.0)
    assert (lines, ended.error) == ([], None)


def test_a_stream_ends_when_the_job_is_cancelled(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    v1_status(client, job_id)
    clock.tick(5.5)  # 1.5 s into running: 500 rows
    reader = Reader(sim, job_id)
    assert reader.next_update() == rows(500)
    assert cancel(client, job_id).json() == {"cancelled": True, "message": "Cancellation requested"}
    lines, ended = reader.rest(timeout=3.0)
    assert ended.error is None
    assert progress(lines) == [], "rows stop where the cancel found them"
    assert v1_status(client, job_id) == "CANCELLING"
    assert sim.rows_done(job_id) == 500


def test_job_stream_breaks_cuts_its_first_stream_only() -> None:
    with Simulator(api_key=KEY, time_scale=0.05, heartbeat_seconds=HEARTBEAT) as sim:
        job_id = fresh("job-stream-breaks")
        first, cut = Reader(sim, job_id).rest()
        assert isinstance(cut.error, CUT), cut
        assert "incomplete chunked read" in str(cut.error)
        counts = progress(first)
        assert len(counts) == 3, first
        assert counts == sorted(counts)
        assert updates(first)[-1]["update_type"] == "progress", "cut right after the 3rd"
        second, ended = Reader(sim, job_id).rest()
        assert ended.error is None, "a client that reconnects gets a whole stream"
        assert progress(second)[0] >= counts[-1]
        assert progress(second)[-1] == 2000
        third, ended = Reader(sim, job_id).rest()
        assert (updates(third), ended.error) == ([rows(2000), tokens(360_000, 120_000)], None)
        assert sim.request_count(job_id, route=STREAM) == 3
        assert sim.fault_hits() == 0, "a scripted break is not a fault"


def test_stream_break_fault_cuts_streams_after_n_updates_and_spares_status(
    sim: Simulator, client: httpx.Client
) -> None:
    job_id = fresh("job-held")
    handle = sim.inject(Fault.STREAM_BREAK, job_id=job_id, lines=2, requests=1)
    assert v1_status(client, job_id) == "QUEUED", "status requests are never cut"
    sim.advance(job_id)
    reader = Reader(sim, job_id)
    wait_for(lambda: sim.request_count(job_id, route=STREAM) == 1, what="the stream")
    sim.set_progress(job_id, 100)
    assert reader.next_update() == rows(100)
    assert reader.next_update() == tokens(18_000, 6_000)
    sim.set_progress(job_id, 200)
    lines, cut = reader.rest()
    assert updates(lines) == [rows(200)], "cut right after the 2nd progress update"
    assert isinstance(cut.error, CUT), cut
    assert handle.hits == sim.fault_hits(job_id) == 1
    assert [r.fault for r in sim.requests if r.route == STREAM] == [Fault.STREAM_BREAK]

    again = Reader(sim, job_id)  # the fault is used up
    assert again.next_update() == rows(200)
    sim.advance(job_id)
    lines, ended = again.rest()
    assert progress(lines)[-1] == 2000
    assert ended.error is None


def test_stream_break_with_zero_lines_cuts_right_after_the_headers(sim: Simulator) -> None:
    job_id = fresh("job-succeeds")
    sim.inject(Fault.STREAM_BREAK, job_prefix="job-succeeds", lines=0)
    reader = Reader(sim, job_id)
    lines, cut = reader.rest()
    assert reader.status_code == 200
    assert lines == []
    assert isinstance(cut.error, CUT), cut


def test_stream_break_in_the_command_line_and_control_forms(
    sim: Simulator, client: httpx.Client
) -> None:
    assert FaultSpec.parse("stream_break@job-x,lines=2") == FaultSpec(
        Fault.STREAM_BREAK, job_prefix="job-x", lines=2
    )
    assert FaultSpec.parse("stream_break").lines == 3
    assert FaultSpec.from_json({"mode": "stream_break", "lines": 1}).lines == 1
    for bad, reason in [
        ("http_503,lines=2", "only for stream_break"),
        ("stream_break,lines=-1", "lines"),
    ]:
        with pytest.raises(ValueError, match=reason):
            FaultSpec.parse(bad)
    with httpx.Client(base_url=sim.url, headers=AUTH, timeout=5.0) as root:
        created = root.post("/_sim/faults", json={"mode": "stream_break", "lines": 1})
    assert created.status_code == 201, created.text
    assert (created.json()["fault"]["mode"], created.json()["fault"]["lines"]) == (
        "stream_break",
        1,
    )
    job_id = fresh("job-held")
    sim.advance(job_id)
    sim.set_progress(job_id, 7)
    lines, cut = Reader(sim, job_id).rest()
    assert (updates(lines), isinstance(cut.error, CUT)) == ([rows(7)], True)


def test_stop_ends_open_streams_promptly() -> None:
    sim = Simulator(api_key=KEY, heartbeat_seconds=30.0)  # no heartbeat will come to help
    sim.start()
    try:
        waiting = Reader(sim, fresh("job-held"))
        running_id = fresh("job-held")
        sim.advance(running_id)
        sim.set_progress(running_id, 10)
        running = Reader(sim, running_id)
        assert running.next_update() == rows(10)
        wait_for(lambda: sim.request_count(route=STREAM) == 2, what="both streams")
        assert waiting.opened.wait(5)
    finally:
        started = time.monotonic()
        sim.stop()
        stopped_in = time.monotonic() - started
    assert stopped_in < 2.0
    for reader in (waiting, running):
        lines, ended = reader.rest(timeout=2.0)
        assert isinstance(ended.error, CUT), ended
        assert all(line["update_type"] != "heartbeat" for line in lines)
    assert time.monotonic() - started < 3.0


def test_go_down_ends_open_streams_and_new_ones_work_once_up(sim: Simulator) -> None:
    job_id = fresh("job-held")
    reader = Reader(sim, job_id)
    assert reader.take() == {"update_type": "heartbeat"}
    sim.go_down()
    lines, ended = reader.rest(timeout=2.0)
    assert isinstance(ended.error, CUT), ended
    sim.come_up()
    again = Reader(sim, job_id)
    assert again.take() == {"update_type": "heartbeat"}
    sim.advance(job_id)
    sim.advance(job_id)
    lines, ended = again.rest()
    assert (progress(lines), ended.error) == ([2000], None)


def test_fifty_streams_at_once_are_all_served_and_all_end(
    sim: Simulator, client: httpx.Client
) -> None:
    job_ids = [fresh("job-held") for _ in range(50)]
    readers = [Reader(sim, job_id) for job_id in job_ids]
    wait_for(lambda: all(r.opened.is_set() for r in readers), what="50 open streams")
    assert sim.request_count(route=STREAM) == 50
    asked = time.monotonic()
    assert client.get("/job-status/job-held-other", timeout=2.0).status_code == 200
    assert time.monotonic() - asked < 1.0, "open streams must not hold up other requests"
    for job_id in job_ids:
        sim.advance(job_id)
        sim.set_progress(job_id, 1000)
        sim.advance(job_id)
    for reader in readers:
        lines, ended = reader.rest()
        assert ended.error is None
        assert progress(lines)[-1] == 2000


# -- cancel ------------------------------------------------------------------------------


def test_cancel_a_running_job_cancelling_then_cancelled(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    v1_status(client, job_id)
    clock.tick(5)  # 1 s into running: 333 rows
    response = cancel(client, job_id)
    assert (response.status_code, response.json()) == (
        200,
        {"cancelled": True, "message": "Cancellation requested"},
    )
    status = client.get(f"/job-status/{job_id}").json()
    assert status == {
        "message": "Cancellation requested",
        "job_status": {job_id: "CANCELLING"},
        "metadata": None,
    }
    with httpx.Client(base_url=sim.url, headers=AUTH) as root:
        assert root.get(f"/job-status/{job_id}").json()["job_status"] == "running"  # legacy word
    job = details(client, job_id)
    assert (job["status"], job["datetime_completed"], job["input_tokens"]) == (
        "CANCELLING",
        None,
        333 * 180,
    )
    clock.tick(1)
    assert cancel(client, job_id).status_code == 200, "asking again while cancelling is fine"
    assert sim.rows_done(job_id) == 333
    clock.tick(0.99)
    assert v1_status(client, job_id) == "CANCELLING", "asking again did not restart the wait"
    clock.tick(0.01)
    assert v1_status(client, job_id) == "CANCELLED"
    job = details(client, job_id)
    assert job["status"] == "CANCELLED"
    assert job["datetime_started"] == "2023-11-14T22:13:22Z"
    assert job["datetime_completed"] == "2023-11-14T22:13:27Z"
    assert job["job_cost"] is None
    again = cancel(client, job_id)
    assert (again.status_code, again.json()) == (
        409,
        {"detail": f"Job {job_id} already cancelled; it cannot be cancelled."},
    )


@pytest.mark.parametrize(
    ("prefix", "word", "v1_word"),
    [
        ("job-succeeds", "succeeded", "SUCCEEDED"),
        ("job-fails", "failed", "FAILED"),
        ("job-cancelled", "cancelled", "CANCELLED"),
    ],
)
def test_cancel_a_finished_job_is_409_in_its_own_words(
    prefix: str, word: str, v1_word: str, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh(prefix)
    v1_status(client, job_id)
    clock.tick(100)
    response = cancel(client, job_id)
    assert response.status_code == 409
    assert response.json() == {"detail": f"Job {job_id} already {word}; it cannot be cancelled."}
    assert v1_status(client, job_id) == details(client, job_id)["status"] == v1_word


def test_cancel_an_unknown_job_is_404(client: httpx.Client) -> None:
    response = cancel(client, "nope-2")
    assert (response.status_code, response.json()) == (404, {"detail": "Job nope-2 not found"})


def test_cancel_a_queued_job(client: httpx.Client, clock: FakeClock) -> None:
    job_id = fresh("job-succeeds")
    assert cancel(client, job_id).status_code == 200  # the first request: starts its clock too
    assert v1_status(client, job_id) == "CANCELLING"
    clock.tick(1.99)
    assert v1_status(client, job_id) == "CANCELLING"
    clock.tick(0.01)
    assert v1_status(client, job_id) == "CANCELLED"
    job = details(client, job_id)
    assert (job["datetime_started"], job["datetime_completed"]) == (None, "2023-11-14T22:13:22Z")
    assert job["input_tokens"] == 0


def test_cancelling_a_held_step_holds_until_advance(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-held")
    assert cancel(client, job_id).status_code == 200
    clock.tick(100_000)
    assert v1_status(client, job_id) == "CANCELLING"
    assert sim.advance(job_id) == "cancelled"
    assert v1_status(client, job_id) == "CANCELLED"


def test_cancelling_lasts_two_script_seconds_times_the_time_scale(clock: FakeClock) -> None:
    with (
        Simulator(api_key=KEY, clock=clock, time_scale=0.5) as sim,
        httpx.Client(base_url=sim.url_v1, headers=AUTH, timeout=5.0) as client,
    ):
        job_id = fresh("job-succeeds")
        assert cancel(client, job_id).status_code == 200
        clock.tick(0.99)
        assert v1_status(client, job_id) == "CANCELLING"
        clock.tick(0.01)
        assert v1_status(client, job_id) == "CANCELLED"


@pytest.mark.parametrize("absent", ["details", "stream", "cancel", "list"])
def test_a_deployment_can_lack_any_optional_route_and_answers_it_as_unknown(absent: str) -> None:
    paths = {
        "details": "/jobs/job-held-1",
        "stream": "/stream-job-progress/job-held-1",
        "cancel": "/job-cancel/job-held-1",
        "list": "/list-jobs",
    }
    with (
        Simulator(api_key=KEY, without=[absent]) as partial,
        httpx.Client(base_url=partial.url_v1, headers=AUTH, timeout=5.0) as v1,
    ):
        for name, path in paths.items():
            # Streamed, so a present stream route (it runs until the job ends) is only opened.
            with v1.stream("GET", path) as response:
                code = response.status_code
                body = response.read() if code != 200 or name != "stream" else b""
            if name == absent:
                assert (code, json.loads(body)) == (404, {"detail": "Not Found"})
            else:
                assert code in (200, 202), (name, code, body)
        expected = "QUEUED" if absent == "cancel" else "CANCELLING"  # cancel ran when present
        assert v1.get("/job-status/job-held-1").json()["job_status"] == {"job-held-1": expected}


def test_an_unknown_route_name_for_without_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"'streams'.*details, stream, cancel, list"):
        Simulator(api_key=KEY, without=["streams"])
