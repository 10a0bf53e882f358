"""``GET /v1/list-jobs`` over real HTTP: paging, both shapes, PENDING, bounds, cursors, auth.

The job board lists an account's recent jobs, so the simulator must answer the
endpoint as the API reference describes it (``/work/shared/reference``): with
``limit`` a page and ``next_cursor``, without it every job and a ``message``,
newest first, rows with the fields a board shows. Every test talks to a real
simulator on 127.0.0.1 with httpx.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from sutro_widget.simulator import Fault, JobInfo, Simulator, Step
from tests.integration.test_simulator import Cli, FakeClock

KEY = "list-key"
AUTH = {"Authorization": f"Key {KEY}"}
START = 1000.0
WALL = 1_700_000_000.0  # 2023-11-14T22:13:20Z, the wall time at START
ROW_FIELDS = [
    "job_id",
    "status",
    "name",
    "description",
    "model",
    "num_rows",
    "job_priority",
    "run_type",
    "datetime_created",
    "datetime_started",
    "datetime_completed",
    "job_cost",
    "cost_estimate",
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def sim(clock: FakeClock) -> Iterator[Simulator]:
    with Simulator(
        api_key=KEY, clock=clock, wall_clock=lambda: WALL + (clock.now - START)
    ) as simulator:
        yield simulator


@pytest.fixture
def client(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url_v1, headers=AUTH, timeout=5.0) as http_client:
        yield http_client


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def list_jobs(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/list-jobs", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def parse_date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_empty_account_lists_nothing_in_both_shapes(client: httpx.Client) -> None:
    assert list_jobs(client, limit=10) == {"jobs": [], "next_cursor": None}
    everything = list_jobs(client)
    assert sorted(everything) == ["jobs", "message"]
    assert everything["jobs"] == []
    assert isinstance(everything["message"], str)


def test_rows_are_realistic_and_follow_the_job(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    job_id = fresh("job-succeeds")
    client.get(f"/job-status/{job_id}")  # asking about a built-in job puts it in the account
    [row] = list_jobs(client)["jobs"]
    assert list(row) == ROW_FIELDS
    assert row == {
        "job_id": job_id,
        "status": "QUEUED",
        "name": "Summarise support tickets",
        "description": "Nightly ticket digest",
        "model": "qwen-3-4b",
        "num_rows": 2000,
        "job_priority": 0,
        "run_type": "FULL",
        "datetime_created": "2023-11-14T22:13:20Z",
        "datetime_started": None,
        "datetime_completed": None,
        "job_cost": None,
        "cost_estimate": 0.084,
    }
    clock.tick(10)
    [done] = list_jobs(client, limit=5)["jobs"]
    details = client.get(f"/jobs/{job_id}").json()["job"]
    assert done["status"] == "SUCCEEDED"
    assert (done["job_cost"], done["datetime_completed"]) == (0.084, "2023-11-14T22:13:30Z")
    for field in ("status", "name", "num_rows", "job_cost", "datetime_created", "datetime_started"):
        assert done[field] == details[field], field


def test_a_registered_job_nobody_asked_about_is_pending_until_it_is_asked_about(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    info = JobInfo("Score leads", num_rows=10, job_priority=1, description="Inbound")
    sim.add_job("lead-job", [Step("queued", 5, "Waiting"), Step("succeeded", None, "Done")], info)
    clock.tick(3)
    [row] = list_jobs(client, limit=1)["jobs"]
    assert (row["status"], row["job_priority"], row["description"]) == ("PENDING", 1, "Inbound")
    assert row["datetime_created"] == "2023-11-14T22:13:20Z"  # when it was submitted
    assert (row["datetime_started"], row["datetime_completed"], row["job_cost"]) == (
        None,
        None,
        None,
    )
    assert row["cost_estimate"] == info.cost(10)
    assert sim.status_of("lead-job") == "queued", "listing does not start the job's clock"
    clock.tick(60)
    assert list_jobs(client)["jobs"][0]["status"] == "PENDING"
    assert client.get("/job-status/lead-job").json()["job_status"] == {"lead-job": "QUEUED"}
    assert list_jobs(client)["jobs"][0]["status"] == "QUEUED"


def test_newest_first_and_paging_visits_every_job_once(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    created = []
    for number in range(23):
        job_id = f"job-held-{number:02d}"
        client.get(f"/job-status/{job_id}")
        created.append(job_id)
        clock.tick(1 if number % 3 else 0)  # some share a creation time: ties keep their order
    everything = [row["job_id"] for row in list_jobs(client)["jobs"]]
    assert everything == created[::-1]

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 5}
        if cursor is not None:
            params["cursor"] = cursor
        body = list_jobs(client, **params)
        assert sorted(body) == ["jobs", "next_cursor"]
        seen += [row["job_id"] for row in body["jobs"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and re.fullmatch(r"[A-Za-z0-9_-]+", cursor)
    assert (seen, pages) == (everything, 5)
    dates = [parse_date(row["datetime_created"]) for row in list_jobs(client)["jobs"]]
    assert dates == sorted(dates, reverse=True)


def test_a_page_that_ends_exactly_at_the_last_job_has_no_next_cursor(
    client: httpx.Client, clock: FakeClock
) -> None:
    for number in range(4):
        client.get(f"/job-status/job-held-{number}")
        clock.tick(1)
    first = list_jobs(client, limit=2)
    second = list_jobs(client, limit=2, cursor=first["next_cursor"])
    assert [len(first["jobs"]), len(second["jobs"])] == [2, 2]
    assert second["next_cursor"] is None
    assert list_jobs(client, limit=4)["next_cursor"] is None
    assert list_jobs(client, limit=100)["next_cursor"] is None


def test_jobs_created_while_paging_do_not_shift_the_pages(
    client: httpx.Client, clock: FakeClock
) -> None:
    for number in range(6):
        client.get(f"/job-status/job-held-old-{number}")
        clock.tick(1)
    first = list_jobs(client, limit=3)
    client.get("/job-status/job-held-new")  # newer than every job: it is not on a later page
    second = list_jobs(client, limit=3, cursor=first["next_cursor"])
    ids = [row["job_id"] for row in first["jobs"] + second["jobs"]]
    assert ids == [f"job-held-old-{number}" for number in range(5, -1, -1)]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "", "1.5", "10000000000000000000000"])
def test_a_limit_out_of_bounds_is_422_with_detail(client: httpx.Client, limit: str) -> None:
    response = client.get("/list-jobs", params={"limit": limit})
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str) and "limit" in response.json()["detail"]


@pytest.mark.parametrize("limit", ["1", "100"])
def test_the_bounds_themselves_are_accepted(client: httpx.Client, limit: str) -> None:
    client.get("/job-status/job-held-1")
    client.get("/job-status/job-held-2")
    body = list_jobs(client, limit=limit)
    assert len(body["jobs"]) == (1 if limit == "1" else 2)


@pytest.mark.parametrize(
    "cursor", ["nope", "", "!!!!", "MTIzNA", "bmFuOjE", "MS4wOi0x", "MTAwMC4wOjE=", "é"]
)
def test_a_bad_cursor_is_400_with_detail(client: httpx.Client, cursor: str) -> None:
    client.get("/job-status/job-held-1")
    response = client.get("/list-jobs", params={"limit": 5, "cursor": cursor})
    assert response.status_code == 400, response.text
    assert "cursor" in response.json()["detail"]


def test_auth_method_and_generation_like_the_other_endpoints(sim: Simulator) -> None:
    with httpx.Client(base_url=sim.url, timeout=5.0) as root:
        wrong = root.get("/v1/list-jobs", headers={"Authorization": "Key wrong"})
        missing = root.get("/v1/list-jobs?limit=5")
        assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid or missing API key"})
        assert missing.status_code == 401
        assert wrong.headers["www-authenticate"] == "Key"
        legacy = root.get("/list-jobs", headers=AUTH)
        assert (legacy.status_code, legacy.json()) == (404, {"detail": "Not Found"})
        posted = root.post("/v1/list-jobs", headers=AUTH)
        assert posted.status_code == 405
    assert sim.request_count(route="v1/list-jobs") == 2  # the GETs, whatever their answer


def test_faults_aimed_at_no_job_answer_the_list_and_job_faults_do_not(
    sim: Simulator, client: httpx.Client
) -> None:
    client.get("/job-status/job-held-1")
    sim.inject(Fault.HTTP_503, job_prefix="job-held")
    assert client.get("/list-jobs").status_code == 200, "a fault for some jobs is not the list's"
    handle = sim.inject(Fault.RATE_LIMIT, retry_after=2, requests=1)
    limited = client.get("/list-jobs", params={"limit": 5})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert handle.hits == 1
    sim.clear_faults()
    sim.inject(Fault.STATUS_NUMBER)  # a misshapen job_status means nothing to a list
    assert client.get("/list-jobs").status_code == 200
    sim.clear_faults()
    sim.inject(Fault.TRUNCATED_JSON, requests=1)
    cut = client.get("/list-jobs")
    assert cut.status_code == 200
    assert cut.content and cut.content.startswith(b'{"jobs": [{"job_id": "job-held-1"')
    with pytest.raises(ValueError):
        cut.json()
    sim.inject(Fault.HUGE_BODY, requests=1)
    huge = client.get("/list-jobs", params={"limit": 1})
    assert len(huge.content) == 2 * 1024 * 1024
    assert huge.json()["jobs"][0]["job_id"] == "job-held-1"
    assert sim.fault_hits() == 3
    assert [r.fault for r in sim.requests if r.route == "v1/list-jobs" and r.fault] == [
        Fault.RATE_LIMIT,
        Fault.TRUNCATED_JSON,
        Fault.HUGE_BODY,
    ]


def test_seeded_demo_jobs_cover_every_status_with_dates_in_the_past(
    sim: Simulator, client: httpx.Client, clock: FakeClock
) -> None:
    ids = sim.seed_demo_jobs(6)
    assert ids == [f"job-demo-{number:02d}" for number in range(1, 7)]
    rows = list_jobs(client)["jobs"]
    assert sorted(row["job_id"] for row in rows) == ids
    statuses = {row["status"] for row in rows}
    assert statuses == {"SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "QUEUED", "PENDING"}
    now = datetime.fromtimestamp(WALL, tz=timezone.utc)
    for row in rows:
        created = parse_date(row["datetime_created"])
        assert now - timedelta(days=2) < created <= now, row
        assert (row["job_cost"] is not None) == (row["status"] == "SUCCEEDED"), row
        assert (row["datetime_completed"] is not None) == (
            row["status"] in ("SUCCEEDED", "FAILED", "CANCELLED")
        ), row
    running = next(row for row in rows if row["status"] == "RUNNING")
    clock.tick(30)
    assert 0 < sim.rows_done(running["job_id"]) < running["num_rows"]
    assert sim.seed_demo_jobs(2) == ["job-demo-07", "job-demo-08"], "numbering goes on"
    failed = next(row for row in rows if row["status"] == "FAILED")
    failure = client.get(f"/jobs/{failed['job_id']}").json()["job"]["failure_reason"]
    assert failure["code"] == "context_length_exceeded"


def test_the_cli_seeds_demo_jobs_for_a_notebook_with_no_key_of_its_own() -> None:
    cli = Cli("--port", "0", "--demo-jobs", "7")
    try:
        banner = cli.read_banner()
        url = banner[1].removeprefix("SUTRO_API_URL=")
        key = banner[2].removeprefix("SUTRO_API_KEY=")
        assert any(line.startswith("# Seeded 7 demo job(s)") for line in banner), banner
        assert any("/v1/list-jobs" in line for line in banner), banner
        headers = {"Authorization": f"Key {key}"}
        page = httpx.get(f"{url}/v1/list-jobs?limit=5", headers=headers, timeout=5).json()
        rest = httpx.get(
            f"{url}/v1/list-jobs",
            params={"limit": 5, "cursor": page["next_cursor"]},
            headers=headers,
            timeout=5,
        ).json()
        assert len(page["jobs"]) + len(rest["jobs"]) == 7
        assert rest["next_cursor"] is None
    finally:
        cli.close()


@pytest.mark.parametrize("count", ["-1", "1001", "x"])
def test_the_cli_refuses_a_bad_demo_job_count(count: str) -> None:
    cli = Cli("--port", "0", "--demo-jobs", count)
    try:
        assert cli.proc.wait(timeout=20) == 2
        assert cli.proc.stderr is not None
        assert "--demo-jobs" in cli.proc.stderr.read()
    finally:
        cli.close()
