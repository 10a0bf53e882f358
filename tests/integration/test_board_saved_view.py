"""A board's saved-notebook copy, in a real kernel: kept true, but not re-sent per finished job.

Each copy (``update_display``) carries the whole board's HTML and makes
JupyterLab draw the live board again. A board of 40 jobs that end within a
few seconds of each other must publish a few copies, not 40, and the last
copy must show every job's end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sutro_widget.card.coalesce import SAVED_VIEW_SECONDS
from sutro_widget.simulator import Simulator, Step

from .test_kernel_day import Kernel

JOBS = 40


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        for index in range(JOBS):  # each ends 1-3 s after its first request
            running = Step("running", 1.0 + index / JOBS * 2, "Running")
            simulator.add_job(f"job-ends-{index}", [running, Step("succeeded", None, "Done")])
        yield simulator


@pytest.mark.timeout(120)
def test_a_board_whose_jobs_end_together_publishes_a_few_copies_and_the_last_is_true(
    sim: Simulator,
) -> None:
    kernel = Kernel(sim)
    try:
        ids = [f"job-ends-{index}" for index in range(JOBS)]
        kernel.run(
            "from sutro_widget import JobBoard, PollPolicy\n"
            "fast = PollPolicy(initial_interval=0.2, max_interval=0.5)\n"
            f"board = JobBoard({ids!r}, policy=fast)\n"
            "board"
        )
        copies: list[tuple[float, str]] = []
        for html in kernel.saved_copies(timeout=60):
            copies.append((time.monotonic(), html))
            if html.count('data-state="succeeded"') >= JOBS:
                break
    finally:
        kernel.close()
    assert copies, "the board's saved copy was never brought up to date"
    assert copies[-1][1].count('data-state="succeeded"') >= JOBS, "the last copy is not final"
    spread = copies[-1][0] - copies[0][0]
    allowed = 2 + int(spread / SAVED_VIEW_SECONDS) + 1
    assert len(copies) <= allowed, f"{len(copies)} copies in {spread:.1f} s: one per finished job"
