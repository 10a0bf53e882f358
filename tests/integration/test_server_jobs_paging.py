"""The server extension's list of the account's jobs, page by page, over real HTTP.

:class:`~sutro_widget.server.jobs.ServerJobs` in this process against the
simulator: "Load more" walks list-jobs to its last page, and a click after the
last page (a stale page's button, a second tab) does not start the list again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from sutro_widget.api.client import SutroClient
from sutro_widget.server.jobs import PAGE_SIZE, ServerJobs
from sutro_widget.simulator import Simulator


@pytest.fixture
def listed() -> Iterator[tuple[ServerJobs, list[str]]]:
    with Simulator() as sim:
        ids = sim.seed_demo_jobs(PAGE_SIZE * 2 + 5)
        jobs = ServerJobs(client=lambda: SutroClient(api_key=sim.api_key, base_url=sim.url_v1))
        try:
            yield jobs, ids
        finally:
            jobs.close()


def settled(jobs: ServerJobs, rows: int) -> dict[str, Any]:
    """The snapshot once ``rows`` rows are in and no page is loading (20 s at most)."""
    deadline = time.monotonic() + 20
    while True:
        snapshot = jobs.snapshot()
        done = len(snapshot["rows"]) >= rows and not snapshot["loading"]
        if done or time.monotonic() > deadline:
            return snapshot
        time.sleep(0.05)


def test_load_more_walks_to_the_last_page_and_no_further(
    listed: tuple[ServerJobs, list[str]],
) -> None:
    jobs, ids = listed
    first = settled(jobs, PAGE_SIZE)  # a page that opens lists the first page
    assert (len(first["rows"]), first["has_more"]) == (PAGE_SIZE, True)
    jobs.load_more()
    second = settled(jobs, 2 * PAGE_SIZE)
    assert (len(second["rows"]), second["has_more"]) == (2 * PAGE_SIZE, True)
    jobs.load_more()
    last = settled(jobs, len(ids))
    assert sorted(row["job_id"] for row in last["rows"]) == sorted(ids)
    assert last["has_more"] is False

    jobs.load_more()  # nothing is left: the list must not start over
    again = settled(jobs, len(ids))
    assert (again["has_more"], again["loading"], len(again["rows"])) == (False, False, len(ids))
