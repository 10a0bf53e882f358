"""What the simulated API holds: jobs, the account's job list, faults, the request log.

:class:`ApiState` is the base of :class:`~.app.SimulatedApi` (and so of the
:class:`~.server.Simulator`): the one place that owns jobs and faults, behind
one lock, because the HTTP server answers requests on many threads at once.
The operations on that state are declared once each, in the classes built on
it: ``scripting`` (register, move and inspect jobs), ``jobs_api`` (the job
endpoints), ``control`` (faults from Python and over HTTP). Here are only the
state and the helpers they share.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable

from .catalogue import info_for, script_for
from .faults.rules import FaultBoard, FaultRule
from .job_state import JobState, JobView
from .progress import DEFAULT_HEARTBEAT_SECONDS
from .routes import DEFAULT_API_KEY, PLACEHOLDER_OTHER_ORIGIN, RecordedRequest, check_api_key
from .scripts import JobInfo, Script, Step

__all__ = ["ApiState"]

# What a body-carrying fault distorts when the job has no script (it would be a 404).
_UNSCRIPTED_STEP = Step("running", None, "Processing rows")


def _number(name: str, value: object, *, positive: bool) -> float:
    """Check a number of seconds or a scale where it is written, not in a handler thread."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {value!r}.")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(
            f"{name} must be finite and {'> 0' if positive else '>= 0'}, not {value!r}."
        )
    return float(value)


class ApiState:
    """The fake Sutro API's state, independent of any socket.

    ``clock`` supplies the time in seconds (``time.monotonic`` by default);
    tests pass a fake one and move it by hand, so no test sleeps to see a job
    change; fault windows run on the same clock. ``wall_clock`` (``time.time``
    by default) is read once, when a timestamp is first needed, to tie the
    clock to real dates. Scripts play ``time_scale`` times as long.
    ``heartbeat_seconds`` is the real-time silence after which a progress
    stream sends a heartbeat.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS,
    ) -> None:
        """Hold no jobs and no faults yet; accept ``api_key`` only."""
        self._api_key = check_api_key(api_key)
        self.time_scale = _number("time_scale", time_scale, positive=False)
        self.heartbeat_seconds = _number("heartbeat_seconds", heartbeat_seconds, positive=True)
        self._clock: Callable[[], float] = clock if clock is not None else time.monotonic
        self._wall_clock: Callable[[], float] = wall_clock if wall_clock is not None else time.time
        #: (clock reading, wall time) taken together once, so clock readings map to dates.
        self._wall_anchor: tuple[float, float] | None = None
        # A condition, not a plain lock: open progress streams wait on it, and
        # every change made through this object (advance, set_progress, cancel,
        # add_job, wake) bumps ``_changes`` and notifies them.
        self._lock = threading.Condition()
        self._changes = 0
        self._scripts: dict[str, Script] = {}
        self._infos: dict[str, JobInfo] = {}
        self._jobs: dict[str, JobState] = {}
        #: Clock reading when each registered job was submitted (``add_job``, seeding).
        self._submitted: dict[str, float] = {}
        #: When each job entered the account, as a count: the job list's tie-break.
        self._arrivals: dict[str, int] = {}
        self._arrival_numbers = itertools.count()
        self._requests: list[RecordedRequest] = []
        self._faults = FaultBoard()

    @property
    def api_key(self) -> str:
        """The key clients must send as ``Authorization: Key <api_key>``."""
        return self._api_key

    def wake(self) -> None:
        """Wake every waiting progress stream now (the server calls it when it stops)."""
        with self._lock:
            self._changed()

    # -- hooks for the HTTP layer ----------------------------------------------

    def _faults_changed(self) -> None:
        """Called after faults were added or cleared from Python, outside the lock.

        Nothing to do without sockets; the server closes or reopens its
        listener here so a ``DOWN`` fault acts at once.
        """

    def _redirect_origin(self) -> str:
        """The origin a redirect fault points to (no listener here: a placeholder).

        Called under the lock, so an override must not call back into this object.
        """
        return PLACEHOLDER_OTHER_ORIGIN

    # -- shared helpers (callers hold the lock) --------------------------------

    def _arrive(self, job_id: str) -> None:
        """Note that ``job_id`` entered the account now (again, if it was re-registered)."""
        self._arrivals[job_id] = next(self._arrival_numbers)

    def _job(self, job_id: str) -> JobState | None:
        """Return the state of ``job_id``, created from its script on first use.

        ``None`` if no script matches.
        """
        job = self._jobs.get(job_id)
        if job is None:
            script = script_for(job_id, self._scripts)
            if script is None:
                return None
            info = info_for(job_id, self._infos)
            job = self._jobs[job_id] = JobState(script, self.time_scale, info)
            if job_id not in self._arrivals:
                self._arrive(job_id)
        return job

    def _peek(self, job_id: str, now: float) -> Step:
        """The step ``job_id`` is on, without starting its clock."""
        job = self._jobs.get(job_id)
        if job is not None:
            return job.current(now)
        script = script_for(job_id, self._scripts)
        return _UNSCRIPTED_STEP if script is None else script[0]

    def _changed(self) -> None:
        """Note a change and wake the streams waiting for one."""
        self._changes += 1
        self._lock.notify_all()

    def _wall(self, now: float) -> Callable[[float], float]:
        """Map clock readings to epoch seconds, anchored the first time it is needed."""
        if self._wall_anchor is None:
            self._wall_anchor = (now, self._wall_clock())
        anchor_clock, anchor_wall = self._wall_anchor
        return lambda at: anchor_wall + (at - anchor_clock)

    # -- what open streams and stalled requests look at (they take the lock) ---

    def _look(self, job_id: str) -> tuple[JobView, float, int] | None:
        """What an open stream needs: the job's view now, the clock, the change count."""
        with self._lock:
            job = self._job(job_id)
            if job is None:
                return None
            now = self._clock()
            return job.view(now), now, self._changes

    def _wait(self, seen: int, timeout: float) -> None:
        """Sleep up to ``timeout`` real seconds unless a change came after ``seen``."""
        with self._lock:
            if self._changes == seen:
                self._lock.wait(timeout)

    def _in_force(self, rule: FaultRule) -> bool:
        """Whether ``rule`` still holds what it holds (for a stalled request)."""
        with self._lock:
            return rule.in_force(self._clock())
