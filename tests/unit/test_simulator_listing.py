"""Paging the job list, without a server: ``limit``, cursors, pages, the seeded jobs.

These are the pure parts of ``GET /v1/list-jobs`` (``listing``, ``demo_jobs``),
tested with numbers so their edge cases are cheap to cover; the endpoint
itself is tested over HTTP in ``test_simulator_list_jobs``.
"""

from __future__ import annotations

import pytest

from sutro_widget.simulator import DEMO_JOBS, SimulatedApi
from sutro_widget.simulator.demo_jobs import demo_jobs
from sutro_widget.simulator.listing import (
    CursorError,
    LimitError,
    decode_cursor,
    encode_cursor,
    page,
    parse_limit,
)


def test_limit_is_absent_or_an_integer_from_1_to_100() -> None:
    assert parse_limit(None) is None
    assert [parse_limit(text) for text in ("1", "100", " 7 ", "+3")] == [1, 100, 7, 3]
    for bad in ("0", "101", "-5", "", "x", "1e2", "2.0", "1_0"):
        with pytest.raises(LimitError):
            parse_limit(bad)


@pytest.mark.parametrize("key", [(1000.0, 0), (-86400.5, 17), (1e-07, 3), (1.7e9, 123456)])
def test_a_cursor_round_trips_and_is_url_safe(key: tuple[float, int]) -> None:
    cursor = encode_cursor(key)
    assert decode_cursor(cursor) == key
    assert cursor.isascii() and all(ch.isalnum() or ch in "-_" for ch in cursor)


@pytest.mark.parametrize("bad", ["", "x", "MTIzNA", "bmFuOjE", "aW5mOjE", "MS4wOi0x", "MS4wOjE="])
def test_anything_not_handed_out_is_a_bad_cursor(bad: str) -> None:
    with pytest.raises(CursorError):
        decode_cursor(bad)


def test_pages_continue_strictly_after_the_cursor() -> None:
    entries = [((float(10 - n), n), f"job-{n}") for n in range(7)]  # newest first
    rows, after = page(entries, 3, None)
    assert (rows, after) == (["job-0", "job-1", "job-2"], (8.0, 2))
    rows, after = page(entries, 3, after)
    assert (rows, after) == (["job-3", "job-4", "job-5"], (5.0, 5))
    assert page(entries, 3, after) == (["job-6"], None)
    assert page(entries, 7, None) == ([f"job-{n}" for n in range(7)], None)
    assert page(entries, None, (8.0, 2)) == ([f"job-{n}" for n in range(3, 7)], None)


def test_demo_jobs_cycle_older_and_refuse_a_negative_count() -> None:
    assert demo_jobs(0) == []
    assert demo_jobs(3) == list(DEMO_JOBS[:3])
    again = demo_jobs(len(DEMO_JOBS) + 1)[-1]
    assert again.info == DEMO_JOBS[0].info and again.age > DEMO_JOBS[0].age
    with pytest.raises(ValueError):
        demo_jobs(-1)
    with pytest.raises(TypeError):
        demo_jobs(True)


def test_seeding_a_bare_api_needs_no_server() -> None:
    api = SimulatedApi(clock=lambda: 50.0, wall_clock=lambda: 1_700_000_000.0)
    ids = api.seed_demo_jobs(len(DEMO_JOBS))
    assert len(ids) == len(set(ids)) == len(DEMO_JOBS)
    statuses = {job_id: api.status_of(job_id) for job_id in ids}
    assert statuses[ids[0]] == "running"
    assert statuses[ids[3]] == "queued", "a pending job is on its first step, clock not started"
