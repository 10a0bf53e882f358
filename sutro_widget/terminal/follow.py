"""Following jobs to their end in a terminal: the loop behind ``watch`` and ``%sutro_job``.

The jobs are polled by the process's one poller thread, exactly as cards
are; this thread only draws, at most :data:`FRAME_SECONDS` apart, until every
job is over for us: final, stopped by a problem retrying cannot fix (an
unknown job, a refused key), out of time (``timeout``), or interrupted
(``stop`` set by a signal handler, or ``KeyboardInterrupt``). It then says how
each job ended and returns an exit status (:func:`exit_status`).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from ..api.client import SutroClient
from ..polling.policy import PollPolicy
from ..polling.poller import Poller
from ..polling.shared import default_poller
from ..polling.watch import Watch
from .screens import LiveScreen, LogScreen
from .tracker import JobTracker, JobView

#: Frames are drawn at most this often (seconds): four a second, like tqdm's default.
FRAME_SECONDS = 0.25

#: Exit statuses; when several apply the smallest non-zero one wins.
EXIT_SUCCEEDED = 0
EXIT_FAILED = 1
EXIT_CANCELLED = 2
EXIT_NOT_FOLLOWED = 3
#: The shell's convention for "ended by SIGINT" (128 + 2).
EXIT_INTERRUPTED = 130


def job_exit_status(view: JobView) -> int:
    """0 succeeded, 1 failed, 2 cancelled, 3 anything else (not found, refused, not final)."""
    statuses = {"succeeded": EXIT_SUCCEEDED, "failed": EXIT_FAILED, "cancelled": EXIT_CANCELLED}
    if not view.card.is_final:
        return EXIT_NOT_FOLLOWED
    return statuses.get(view.card.state, EXIT_NOT_FOLLOWED)


def exit_status(views: Sequence[JobView], *, interrupted: bool = False) -> int:
    """The process's exit status for these jobs.

    130 when interrupted; else 0 when every job succeeded, and otherwise the
    smallest non-zero job status: any failure (1) wins over any cancel (2),
    which wins over a job that could not be followed (3).
    """
    if interrupted:
        return EXIT_INTERRUPTED
    codes = {job_exit_status(view) for view in views} - {EXIT_SUCCEEDED}
    return min(codes, default=EXIT_SUCCEEDED)


def is_interactive(out: TextIO) -> bool:
    """Whether ``out`` is a terminal that understands cursor movement (not ``TERM=dumb``)."""
    try:
        tty = out.isatty()
    except ValueError:  # a closed stream
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


def follow_jobs(
    job_ids: Sequence[str],
    client: SutroClient,
    out: TextIO,
    *,
    timeout: float | None = None,
    interactive: bool | None = None,
    stop: threading.Event | None = None,
    poller: Poller | None = None,
    policy: PollPolicy | None = None,
) -> int:
    """Follow ``job_ids`` on ``client``, drawing to ``out``, until each is over; return the status.

    ``interactive`` (default: whether ``out`` is a terminal) picks the live
    screen or the log. ``timeout`` is in seconds from now. Setting ``stop``
    (from a signal handler) or a ``KeyboardInterrupt`` ends following within a
    frame, says where each job was, and returns 130. The jobs themselves are
    never touched: this only reads.
    """
    poller = poller or default_poller()
    policy = policy or PollPolicy()
    live = is_interactive(out) if interactive is None else interactive
    screen: LiveScreen | LogScreen = LiveScreen(out) if live else LogScreen(out)
    trackers = [
        JobTracker(job_id, clock=poller.clock, stale_after=policy.stale_after)
        for job_id in dict.fromkeys(job_ids)
    ]
    watches: list[Watch] = []
    interrupted = False
    try:
        for tracker in trackers:
            watches.append(poller.watch(tracker.job_id, client, tracker, policy=policy))
        refetch = functools.partial(_fetch_details, poller, client)
        interrupted = _draw_until_over(
            trackers, screen, timeout, stop or threading.Event(), refetch
        )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for watch in watches:
            poller.unwatch(watch)
    if interrupted:
        for tracker in trackers:
            tracker.cut_short("stopped following (interrupted)")
    views = [tracker.view() for tracker in trackers]
    screen.draw(views)
    return exit_status(views, interrupted=interrupted)


def _fetch_details(poller: Poller, client: SutroClient, tracker: JobTracker) -> None:
    job_id = tracker.job_id
    poller.submit(lambda http: client.fetch_details_async(job_id, http), tracker.on_details)


def _draw_until_over(
    trackers: Sequence[JobTracker],
    screen: LiveScreen | LogScreen,
    timeout: float | None,
    stop: threading.Event,
    fetch_details: Callable[[JobTracker], None],
) -> bool:
    """Draw a frame every :data:`FRAME_SECONDS` until all jobs are over; True if interrupted."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        for tracker in trackers:
            if tracker.take_details_retry():
                fetch_details(tracker)
        views = [tracker.view() for tracker in trackers]
        if all(view.over for view in views):
            return False
        if deadline is not None and time.monotonic() >= deadline:
            for tracker in trackers:
                tracker.cut_short(f"gave up after {timeout:g} s")
            return False
        screen.draw(views)
        if stop.wait(FRAME_SECONDS):
            return True
