"""Job scripts: what a simulated job says, and when, and what it is.

A *script* is an ordered tuple of :class:`Step`. A job plays its script from the
first step; each step lasts ``seconds`` (times the simulator's ``time_scale``),
or holds until someone calls ``advance``; the last step is where the job stays.
Beside its script a job has a :class:`JobInfo` (name, model, how many rows);
while a ``running`` step plays, its rows advance with the clock. The built-in
scripts, chosen by job-id prefix, are in ``catalogue``; playing a script is
``job_state``'s concern.

This module is pure data and checks: it knows neither HTTP nor any clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "CANCELLED_MESSAGE",
    "CANCELLING_MESSAGE",
    "DEFAULT_INFO",
    "TERMINAL_STATUSES",
    "JobInfo",
    "Script",
    "Step",
    "as_script",
    "check_count",
    "check_rows",
    "describe",
]

#: Statuses after which nothing happens to a job any more: it cannot be
#: cancelled, and its ``datetime_completed`` is set when it reaches one.
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
#: Prices used for ``cost_estimate`` and ``job_cost``, in dollars per token.
_INPUT_PRICE = 0.10 / 1_000_000
_OUTPUT_PRICE = 0.40 / 1_000_000


def check_count(name: str, value: object) -> int:
    """Check a count of rows or tokens where it is written, not in a handler thread."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, not {value!r}.")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, not {value!r}.")
    return value


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

    ``rows`` is how many rows are done when the step's time is up (they grow
    linearly from the count the step began with). ``None`` means all of them
    for a ``running`` step and no change for any other, so a plain script
    needs no numbers; a failing or cancelled run names where it stopped. A step
    cut short by ``advance`` keeps the rows reached so far.
    """

    status: str
    seconds: float | None
    message: str
    metadata: Mapping[str, object] | None = None
    rows: int | None = None

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
        if self.rows is not None:
            check_count("Step rows", self.rows)

    @property
    def running(self) -> bool:
        """Whether this is a ``running`` step (the one whose rows move by default)."""
        return self.status.lower() == "running"

    @property
    def terminal(self) -> bool:
        """Whether this step's status ends the job (succeeded, failed, cancelled)."""
        return self.status.lower() in TERMINAL_STATUSES


#: A script: the steps a job plays, in order; never empty.
Script = tuple[Step, ...]


@dataclass(frozen=True)
class JobInfo:
    """What the job-details endpoint says about a job besides its status.

    ``num_rows`` is the size of the job's input (the total a progress bar
    counts to); every row costs ``input_tokens_per_row`` and
    ``output_tokens_per_row`` tokens, which drive the token counts, throughput
    and cost. ``stream_breaks_after``, if set, cuts the *first* progress stream
    requested for the job after that many progress updates (later streams are
    served in full), so a client's reconnect can be tested without a fault.
    ``job_priority`` is what the job list says of it (0, the default, or 1).
    """

    name: str = "Simulated job"
    model: str = "qwen-3-4b"
    num_rows: int = 2000
    description: str | None = None
    input_tokens_per_row: int = 180
    output_tokens_per_row: int = 60
    stream_breaks_after: int | None = None
    job_priority: int = 0

    def __post_init__(self) -> None:
        """Reject metadata a real job could not have, where it is written."""
        if not isinstance(self.name, str) or not isinstance(self.model, str):
            raise TypeError("JobInfo name and model must be strings.")
        if self.description is not None and not isinstance(self.description, str):
            raise TypeError(
                f"JobInfo description must be a string or None, not {self.description!r}."
            )
        check_count("num_rows", self.num_rows)
        check_count("input_tokens_per_row", self.input_tokens_per_row)
        check_count("output_tokens_per_row", self.output_tokens_per_row)
        if self.stream_breaks_after is not None:
            check_count("stream_breaks_after", self.stream_breaks_after)
        check_count("job_priority", self.job_priority)

    def cost(self, rows: int) -> float:
        """Dollars that ``rows`` rows cost, rounded to a millionth of a dollar."""
        tokens = rows * (self.input_tokens_per_row * _INPUT_PRICE)
        tokens += rows * (self.output_tokens_per_row * _OUTPUT_PRICE)
        return round(tokens, 6)


#: The metadata of a job registered without any (``add_job`` with no ``info``).
DEFAULT_INFO = JobInfo()

#: What a job says while it is being cancelled, and once it is (also after a cancel request).
CANCELLING_MESSAGE = "Cancellation requested"
CANCELLED_MESSAGE = "Job was cancelled"


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


def check_rows(script: Sequence[Step], info: JobInfo) -> None:
    """Raise if the rows ``script`` names could not happen to a job of ``info``'s size.

    Rows done only grow (the stream reports a cumulative count) and never pass
    ``num_rows``; checked when a script is registered, like :func:`as_script`.
    """
    reached = 0
    for step in script:
        if step.rows is None:
            continue
        if step.rows > info.num_rows:
            raise ValueError(f"Step rows {step.rows} exceed num_rows {info.num_rows}.")
        if step.rows < reached:
            raise ValueError(f"Step rows must not go down ({reached} -> {step.rows}).")
        reached = step.rows


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
