"""Job scripts: what a simulated job says, and when.

A *script* is an ordered tuple of :class:`Step`. A job plays its script from the
first step; each step lasts ``seconds`` (times the simulator's ``time_scale``),
or holds until someone calls ``advance``; the last step is where the job stays.

This module is pure: it knows neither HTTP nor the wall clock. Every function
that needs the time takes ``now`` as an argument, so lifecycles can be tested
by handing in numbers instead of sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "BUILTIN_SCRIPTS",
    "FAILURE_METADATA",
    "JobState",
    "Script",
    "Step",
    "as_script",
    "describe",
    "script_for",
]


@dataclass(frozen=True)
class Step:
    """One stage of a simulated job.

    ``status`` is the canonical script status (lowercase words such as
    ``"queued"`` or ``"cancelling"``; anything else, e.g. ``"PAUSED"``, is sent to
    clients as a status they do not know). ``seconds`` is how long the job stays
    here before moving on; ``None`` holds the job here until ``advance`` is
    called, so browser tests can move a job exactly when they want. ``message``
    is the human sentence the API returns with the status, and ``metadata`` is
    what the API returns beside it (``failure_reason``, ``additional_context``).
    """

    status: str
    seconds: float | None
    message: str
    metadata: Mapping[str, object] | None = None

    def __post_init__(self) -> None:
        """Reject steps that could never be played, at the place they are written."""
        if not isinstance(self.status, str) or not self.status.strip():
            raise ValueError(f"Step status must be a non-empty string, not {self.status!r}.")
        if self.seconds is not None:
            if isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float)):
                raise TypeError(f"Step seconds must be a number or None, not {self.seconds!r}.")
            if not math.isfinite(self.seconds) or self.seconds < 0:
                raise ValueError(f"Step seconds must be finite and >= 0, not {self.seconds!r}.")
        if not isinstance(self.message, str):
            raise TypeError(f"Step message must be a string, not {self.message!r}.")
        if self.metadata is not None and not isinstance(self.metadata, Mapping):
            raise TypeError(f"Step metadata must be a mapping or None, not {self.metadata!r}.")


#: A script: the steps a job plays, in order; never empty.
Script = tuple[Step, ...]


def as_script(steps: Iterable[Step]) -> Script:
    """Return ``steps`` as a script, or raise if it cannot be played.

    Done once when a script is registered, so a mistake surfaces in the test
    that wrote it rather than in a request handler thread.
    """
    script = tuple(steps)
    if not script:
        raise ValueError("A job script needs at least one step.")
    for step in script:
        if not isinstance(step, Step):
            raise TypeError(f"A job script holds Step objects, not {step!r}.")
    return script


#: The metadata of a job that fails on one over-long row (the failure the demo shows).
FAILURE_METADATA: Mapping[str, object] = {
    "failure_reason": {
        "message": "Row 1532: input exceeds the model context window (41230 > 40960 tokens)",
        "code": "context_length_exceeded",
    },
    "additional_context": {"row_index": 1532, "input_tokens": 41230, "model": "qwen-3-4b"},
}

_QUEUED = "Waiting in queue"
_STARTING = "Provisioning workers"
_RUNNING = "Processing rows"
_SUCCEEDED = "Job completed successfully"
_FAILED = "Job failed"

#: Scripts every simulator knows, by job-id prefix: any id that starts with a
#: prefix plays that script (the longest matching prefix wins, so
#: ``job-held-fails-1`` is not a ``job-held`` job). Fresh ids therefore replay a
#: script from its start, which is what a re-run demo notebook needs.
BUILTIN_SCRIPTS: Mapping[str, Script] = {
    "job-succeeds": (
        Step("queued", 2, _QUEUED),
        Step("starting", 2, _STARTING),
        Step("running", 6, _RUNNING),
        Step("succeeded", None, _SUCCEEDED),
    ),
    "job-fails": (
        Step("queued", 1, _QUEUED),
        Step("starting", 2, _STARTING),
        Step("running", 4, _RUNNING),
        Step("failed", None, _FAILED, FAILURE_METADATA),
    ),
    "job-cancelled": (
        Step("queued", 1, _QUEUED),
        Step("running", 3, _RUNNING),
        Step("cancelling", 2, "Cancellation requested"),
        Step("cancelled", None, "Job was cancelled"),
    ),
    "job-unknown": (
        Step("queued", 1, _QUEUED),
        Step("PAUSED", None, "Job paused by operator"),
    ),
    "job-held": (
        Step("queued", None, _QUEUED),
        Step("running", None, _RUNNING),
        Step("succeeded", None, _SUCCEEDED),
    ),
    "job-held-fails": (
        Step("queued", None, _QUEUED),
        Step("running", None, _RUNNING),
        Step("failed", None, _FAILED, FAILURE_METADATA),
    ),
}


def script_for(
    job_id: str,
    exact: Mapping[str, Script],
    prefixes: Mapping[str, Script] = BUILTIN_SCRIPTS,
) -> Script | None:
    """Return the script ``job_id`` plays, or ``None`` if it is not a job.

    An exact registration wins over any prefix; among prefixes the longest
    match wins, so more specific scripts can share a stem with general ones.
    """
    if job_id in exact:
        return exact[job_id]
    best: str | None = None
    for prefix in prefixes:
        if job_id.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return None if best is None else prefixes[best]


class JobState:
    """Where one simulated job is in its script.

    The job's clock starts on :meth:`start` (the simulator calls it at the
    job's first status request), not when the job is registered, so a demo
    that is re-run replays every stage. Progress is computed lazily: each read
    catches the job up to ``now``, so no timer thread is needed. Not
    thread-safe by itself; the simulator serialises access under its lock.

    This object is the place for per-job state that later endpoints need
    (row counts for a progress stream, a cancel request, injected faults).
    """

    def __init__(self, steps: Sequence[Step], time_scale: float = 1.0) -> None:
        """Prepare a job that has not been asked about yet; ``steps`` must be a script."""
        self.steps: Script = as_script(steps)
        self.time_scale = time_scale
        self.index = 0
        #: When the current step began (clock seconds), ``None`` before the clock starts.
        self.entered_at: float | None = None

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
            self.entered_at = now

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
            self.index += 1
            self.entered_at = ends_at
        return self.steps[self.index]

    def advance(self, now: float) -> Step:
        """Move the job to its next step at ``now`` and return that step.

        A held step is left at once; a timed step is cut short. On the last
        step nothing changes (the job stays there). Advancing a job that was
        never asked about starts its clock.
        """
        self.start(now)
        self.current(now)
        if not self.final:
            self.index += 1
            self.entered_at = now
        return self.steps[self.index]


def describe(script: Sequence[Step], time_scale: float = 1.0) -> str:
    """Summarise a script in one line, e.g. ``queued 2s -> running (held) -> succeeded``.

    Used by the command line to tell a person which job ids do what.
    """
    parts: list[str] = []
    for number, step in enumerate(script):
        if number == len(script) - 1:
            parts.append(step.status)
        elif step.seconds is None:
            parts.append(f"{step.status} (held)")
        else:
            parts.append(f"{step.status} {step.seconds * time_scale:g}s")
    return " -> ".join(parts)
