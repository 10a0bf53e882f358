"""A handful of realistic jobs to seed an account with, so a job list has something to show.

``GET /v1/list-jobs`` lists the jobs an account has. A fresh simulator has
none until someone asks about a job, so a notebook that shows "your recent
jobs" would show an empty table. Seeding registers these jobs as if they had
been submitted a while ago (``age`` seconds of script time before seeding):
by the time anyone looks, the old ones have succeeded, failed or been
cancelled, one is running with rows moving, one waits in the queue, and one
was just submitted and is still ``PENDING`` (its clock starts at its first
request, like any registered job's). Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .catalogue import FAILED_AT_ROW, FAILURE_METADATA, MESSAGES
from .scripts import JobInfo, Script, Step

__all__ = ["DEMO_JOBS", "DemoJob", "demo_jobs"]

_MINUTE = 60.0
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


@dataclass(frozen=True)
class DemoJob:
    """One seeded job: what it is, the story it plays, when it was submitted.

    ``age`` is how many script seconds (times the simulator's ``time_scale``)
    before seeding the job was submitted and its clock started. A ``pending``
    job was submitted then but has not been queued: its clock starts at the
    first request for it, so the job list says ``PENDING`` until then.
    """

    info: JobInfo
    script: Script
    age: float
    pending: bool = False


def _plain(
    queued: float, starting: float, running: float, rows: int | None = None
) -> tuple[Step, ...]:
    """Queued, starting, running for these seconds, then succeeded (or failed at ``rows``)."""
    steps = (
        Step("queued", queued, MESSAGES["queued"]),
        Step("starting", starting, MESSAGES["starting"]),
        Step("running", running, MESSAGES["running"], rows=rows),
    )
    if rows is None:
        return (*steps, Step("succeeded", None, MESSAGES["succeeded"]))
    return (*steps, Step("failed", None, MESSAGES["failed"], FAILURE_METADATA))


#: The seeded jobs, in the order they are handed out: the first six cover every
#: status a job list shows (running, succeeded, failed, pending, cancelled, queued).
DEMO_JOBS: tuple[DemoJob, ...] = (
    DemoJob(
        JobInfo("Embed the product catalogue", num_rows=20_000, description="Weekly refresh"),
        _plain(20, 40, 20 * _MINUTE),
        age=4 * _MINUTE,
    ),
    DemoJob(
        JobInfo("Summarise support tickets", num_rows=12_000, description="Nightly ticket digest"),
        _plain(45, 90, 14 * _MINUTE),
        age=26 * _HOUR,
    ),
    DemoJob(
        JobInfo(
            "Extract invoice fields",
            num_rows=4_800,
            description="Invoices from the March import",
        ),
        _plain(30, 60, 6 * _MINUTE, rows=FAILED_AT_ROW),
        age=7 * _HOUR,
    ),
    DemoJob(
        JobInfo("Score inbound leads", num_rows=3_000, job_priority=1),
        _plain(30, 45, 4 * _MINUTE),
        age=15,
        pending=True,
    ),
    DemoJob(
        JobInfo("Translate product reviews", model="qwen-3-32b", num_rows=9_000),
        (
            Step("queued", 30, MESSAGES["queued"]),
            Step("running", 8 * _MINUTE, MESSAGES["running"], rows=2_750),
            Step("cancelling", 20, MESSAGES["cancelling"]),
            Step("cancelled", None, MESSAGES["cancelled"]),
        ),
        age=3 * _HOUR,
    ),
    DemoJob(
        JobInfo("Tag news articles", num_rows=6_500, job_priority=1),
        _plain(10 * _MINUTE, 60, 12 * _MINUTE),
        age=50,
    ),
    DemoJob(
        JobInfo("Classify search queries", model="gemma-3-12b", num_rows=50_000),
        _plain(20, 60, 40 * _MINUTE),
        age=75 * _MINUTE,
    ),
    DemoJob(
        JobInfo("Draft product descriptions", num_rows=1_200, description="Spring catalogue"),
        _plain(15, 30, 3 * _MINUTE),
        age=3 * _DAY,
    ),
)


def demo_jobs(count: int) -> list[DemoJob]:
    """The first ``count`` seeded jobs; past the catalogue it starts again, a week older each time.

    ``ValueError`` for a negative ``count``; 0 seeds nothing.
    """
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"count must be an integer, not {count!r}.")
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}.")
    jobs: list[DemoJob] = []
    for number in range(count):
        rounds, index = divmod(number, len(DEMO_JOBS))
        job = DEMO_JOBS[index]
        jobs.append(job if rounds == 0 else replace(job, age=job.age + rounds * 7 * _DAY))
    return jobs
