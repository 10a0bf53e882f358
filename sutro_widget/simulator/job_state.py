"""Playing a script: where one job is at a given moment, and how far its rows have got.

:class:`JobState` catches a job up to ``now`` lazily (no timer thread), moves it
by hand (``advance``, ``set_progress``), cancels it, and sums it up as a
:class:`JobView` for the job-details endpoint and the progress stream. It is
pure: every method takes the simulator clock's reading ``now`` as an argument,
so lifecycles are tested with numbers instead of sleeps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .scripts import (
    CANCELLED_MESSAGE,
    CANCELLING_MESSAGE,
    DEFAULT_INFO,
    JobInfo,
    Script,
    Step,
    as_script,
    check_count,
    check_rows,
)

__all__ = ["CANCEL_SECONDS", "JobState", "JobView", "Phase"]

#: Statuses that mean work has begun (``datetime_started`` is the first of them).
_WORKING_STATUSES = frozenset({"starting", "running"})
#: How long a cancellation takes, in script seconds (times ``time_scale``),
#: when the step it interrupts is timed; a held step's cancellation holds too.
CANCEL_SECONDS = 2.0


#: Where a job is as far as a progress stream cares: not yet running (the
#: stream waits), running (it reports), or past running (it ends).
Phase = Literal["waiting", "running", "over"]


@dataclass(frozen=True)
class JobView:
    """A job at one moment, as the details endpoint and the progress stream see it.

    Times are readings of the simulator's clock (``None`` until they happen):
    ``created_at`` when the job's clock started, ``started_at`` when it first
    reached ``starting`` or ``running``, ``completed_at`` when it reached a
    terminal status. ``rows_moving`` says rows grow with the clock now (a timed
    step with rows still to do), so updates about them are paced; rows set by
    hand are reported at once. ``tokens_per_second`` is the simulated job's
    throughput in script seconds (``None`` while nothing moves by itself).
    """

    step: Step
    info: JobInfo
    phase: Phase
    rows_done: int
    rows_moving: bool
    tokens_per_second: float | None
    created_at: float | None
    started_at: float | None
    completed_at: float | None

    @property
    def input_tokens(self) -> int:
        """Input tokens read so far (every row done costs the same)."""
        return self.rows_done * self.info.input_tokens_per_row

    @property
    def output_tokens(self) -> int:
        """Output tokens written so far."""
        return self.rows_done * self.info.output_tokens_per_row

    @property
    def job_cost(self) -> float | None:
        """What the job cost, known only once it has succeeded."""
        return self.info.cost(self.rows_done) if self.step.status.lower() == "succeeded" else None

    @property
    def cost_estimate(self) -> float:
        """What the whole job is expected to cost (all its rows)."""
        return self.info.cost(self.info.num_rows)


class JobState:
    """Where one simulated job is in its script, and how many of its rows are done.

    The job's clock starts on :meth:`start` (the simulator calls it at the
    job's first answered request), not when the job is registered, so a demo
    that is re-run replays every stage. Progress is computed lazily: each read
    catches the job up to ``now``, so no timer thread is needed. Not
    thread-safe by itself; the simulator serialises access under its lock.

    Rows are kept as the count a step began with; within a timed step they are
    interpolated towards the step's target. A cancel replaces the rest of the
    script with ``cancelling`` then ``cancelled``.
    """

    def __init__(
        self, steps: Sequence[Step], time_scale: float = 1.0, info: JobInfo = DEFAULT_INFO
    ) -> None:
        """Prepare a job that has not been asked about yet; ``steps`` must be a script."""
        self.steps: Script = as_script(steps)
        check_rows(self.steps, info)
        self.time_scale = time_scale
        self.info = info
        self.index = 0
        #: When the current step began (clock seconds), ``None`` before the clock starts.
        self.entered_at: float | None = None
        #: Rows done when the current step began.
        self.rows_at_entry = 0
        # Clock readings for the details' dates: the clock started (created),
        # work began (first starting/running step), a terminal status was reached.
        self.created_at: float | None = None
        self.started_at: float | None = None
        self.completed_at: float | None = None
        #: Whether the job has been on a ``running`` step (a stream then ends when it leaves).
        self.ran = False
        #: Whether the one cut that ``info.stream_breaks_after`` asks for was handed out.
        self.stream_break_used = False

    @property
    def started(self) -> bool:
        """Whether the job's clock has started (it has been asked about or advanced)."""
        return self.entered_at is not None

    @property
    def final(self) -> bool:
        """Whether the job is on its last step, where it stays."""
        return self.index == len(self.steps) - 1

    def start(self, now: float) -> None:
        """Start the job's clock at ``now`` unless it is already running."""
        if self.entered_at is None:
            self.created_at = now
            self._enter(0, now, 0)

    def _enter(self, index: int, at: float, rows: int) -> None:
        """Put the job on step ``index`` from clock time ``at``, with ``rows`` done."""
        step = self.steps[index]
        self.index, self.entered_at = index, at
        # A job that succeeded has done every row, however its script got there.
        self.rows_at_entry = self.info.num_rows if step.status.lower() == "succeeded" else rows
        status = step.status.lower()
        if status in _WORKING_STATUSES and self.started_at is None:
            self.started_at = at
        if step.terminal and self.completed_at is None:
            self.completed_at = at
        self.ran = self.ran or step.running

    def _target(self) -> int:
        """Rows done when the current step's time is up."""
        step = self.steps[self.index]
        if step.rows is not None:
            target = step.rows
        elif step.running:
            target = self.info.num_rows
        else:
            target = self.rows_at_entry
        return max(self.rows_at_entry, min(target, self.info.num_rows))

    def current(self, now: float) -> Step:
        """Return the step the job is on at ``now``, catching up on elapsed steps.

        ``now`` must not go backwards between calls; a job whose clock has not
        started is on its first step.
        """
        if self.entered_at is None:
            return self.steps[self.index]
        while not self.final:
            seconds = self.steps[self.index].seconds
            if seconds is None:
                break
            ends_at = self.entered_at + seconds * self.time_scale
            if now < ends_at:
                break
            self._enter(self.index + 1, ends_at, self._target())
        return self.steps[self.index]

    def rows_done(self, now: float) -> int:
        """How many rows are done at ``now`` (cumulative; never goes down)."""
        step = self.current(now)
        if self.entered_at is None or self.final or step.seconds is None:
            return self.rows_at_entry
        duration = step.seconds * self.time_scale
        fraction = min(1.0, (now - self.entered_at) / duration) if duration > 0 else 1.0
        return self.rows_at_entry + math.floor((self._target() - self.rows_at_entry) * fraction)

    def advance(self, now: float) -> Step:
        """Move the job to its next step at ``now`` and return that step.

        A held step is left at once; a timed step is cut short (its rows stay
        where they got to). On the last step nothing changes (the job stays
        there). Advancing a job that was never asked about starts its clock.
        """
        self.start(now)
        rows = self.rows_done(now)
        if not self.final:
            self._enter(self.index + 1, now, rows)
        return self.steps[self.index]

    def set_progress(self, now: float, rows: int) -> None:
        """Set the rows done of a job on a held step (rows of a timed step follow the clock).

        ``rows`` may not go down nor pass ``num_rows``; the job's clock starts
        if it had not.
        """
        check_count("rows", rows)
        self.start(now)
        step = self.current(now)
        if step.seconds is not None or self.final:
            raise ValueError(
                f"Rows can be set only on a held step that is not the last; "
                f"the job is on {step.status!r}, whose rows follow the script."
            )
        if not self.rows_at_entry <= rows <= self.info.num_rows:
            raise ValueError(
                f"rows must be between {self.rows_at_entry} (done already) "
                f"and {self.info.num_rows} (num_rows), not {rows}."
            )
        self.rows_at_entry = rows

    def cancel(self, now: float) -> Step:
        """Cancel the job at ``now``: ``cancelling`` for a while, then ``cancelled``.

        The cancellation lasts :data:`CANCEL_SECONDS` (times ``time_scale``) if
        the step it interrupts is timed, and holds until ``advance`` if that
        step is held. Rows stay where they got to. A job already cancelling is
        left as it is. Raises ``ValueError`` for a job in a terminal status.
        """
        self.start(now)
        step = self.current(now)
        if step.terminal:
            raise ValueError(f"The job already {step.status.lower()}.")
        if step.status.lower() == "cancelling":
            return step
        rows = self.rows_done(now)
        seconds = None if step.seconds is None else CANCEL_SECONDS
        self.steps = (
            *self.steps[: self.index + 1],
            Step("cancelling", seconds, CANCELLING_MESSAGE),
            Step("cancelled", None, CANCELLED_MESSAGE),
        )
        self._enter(self.index + 1, now, rows)
        return self.steps[self.index]

    def view(self, now: float) -> JobView:
        """The job at ``now``, as the details endpoint and the progress stream see it."""
        rows = self.rows_done(now)
        step = self.steps[self.index]
        timed = self.entered_at is not None and step.seconds is not None and not self.final
        moving = timed and self._target() > self.rows_at_entry
        per_second: float | None = None
        if moving and step.seconds:
            rows_per_second = (self._target() - self.rows_at_entry) / step.seconds
            per_row = self.info.input_tokens_per_row + self.info.output_tokens_per_row
            per_second = round(rows_per_second * per_row, 3)
        phase: Phase
        if step.running:
            phase = "running"
        elif self.ran or step.terminal or step.status.lower() == "cancelling":
            phase = "over"
        else:
            phase = "waiting"
        return JobView(
            step=step,
            info=self.info,
            phase=phase,
            rows_done=rows,
            rows_moving=moving,
            tokens_per_second=per_second,
            created_at=self.created_at,
            started_at=self.started_at,
            completed_at=self.completed_at,
        )
