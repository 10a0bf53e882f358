"""Driving the simulated account from Python: register jobs, move them, seed, look, count.

Tests and the demo call these on a :class:`~.server.Simulator` (or a bare
:class:`~.app.SimulatedApi`): they are declared once, here, on the state
they change. Looking (``status_of``, ``rows_done``) never starts a job's
clock; moving (``advance``, ``set_progress``) does, and wakes open streams.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .catalogue import info_for, script_for
from .demo_jobs import demo_jobs
from .routes import STATUS_ROUTES, RecordedRequest
from .scripts import DEFAULT_INFO, JobInfo, Script, Step, as_script, check_rows
from .state import ApiState

__all__ = ["DEMO_JOB_PREFIX", "JobScripting"]

#: Seeded jobs are ``job-demo-01``, ``job-demo-02``, ... (no built-in script has this prefix).
DEMO_JOB_PREFIX = "job-demo-"


class JobScripting(ApiState):
    """Registering, moving and inspecting jobs, and reading the request log."""

    def add_job(
        self,
        job_id: str,
        steps: Iterable[Step],
        info: JobInfo | None = None,
        *,
        num_rows: int | None = None,
    ) -> None:
        """Make ``job_id`` (exactly) play ``steps``; this wins over any built-in prefix.

        ``info`` is what its details say (name, model, rows; default
        :data:`~.scripts.DEFAULT_INFO`); ``num_rows`` overrides its row count.
        Registering an id again replaces its script and restarts it: its clock
        starts anew at the next request for it. Until then the job list shows
        it as ``PENDING``, submitted now.
        """
        if not isinstance(job_id, str) or not job_id:
            raise ValueError(f"job_id must be a non-empty string, not {job_id!r}.")
        script = as_script(steps)
        if info is not None and not isinstance(info, JobInfo):
            raise TypeError(f"info must be a JobInfo or None, not {info!r}.")
        info = info if info is not None else DEFAULT_INFO
        if num_rows is not None:
            info = replace(info, num_rows=num_rows)
        check_rows(script, info)
        with self._lock:
            self._register(job_id, script, info, self._clock())
            self._changed()

    def seed_demo_jobs(self, count: int = 6) -> list[str]:
        """Register ``count`` realistic jobs submitted a while ago, so the job list shows them.

        Returns their ids (``job-demo-01``, ...; numbering goes on across
        calls). The first six cover every status a job list shows: succeeded,
        failed and cancelled hours ago, one running now, one queued, one just
        submitted and still ``PENDING`` (see :mod:`~.demo_jobs`). Their dates
        are in the past; their ages are script seconds (times ``time_scale``).
        """
        seeds = demo_jobs(count)
        ids: list[str] = []
        with self._lock:
            now = self._clock()
            for seed in seeds:
                job_id = self._free_demo_id()
                submitted = now - seed.age * self.time_scale
                self._register(job_id, seed.script, seed.info, submitted)
                if not seed.pending:
                    job = self._job(job_id)
                    assert job is not None  # registered just above
                    job.start(submitted)
                    job.current(now)
                ids.append(job_id)
            self._changed()
        return ids

    def advance(self, job_id: str) -> str:
        """Move ``job_id`` to its next step now and return its new status.

        Held steps move only this way; a timed step is cut short. On the last
        step the job stays where it is. Raises ``KeyError`` for an id that no
        script matches.
        """
        with self._lock:
            job = self._job(job_id)
            if job is None:
                raise KeyError(job_id)
            status = job.advance(self._clock()).status
            self._changed()
            return status

    def set_progress(self, job_id: str, rows_done: int) -> None:
        """Set how many rows ``job_id`` has done, while it is on a held step.

        A held ``running`` step moves only by hand: this is how a test walks a
        progress bar (open streams report it at once). Rows may not go down nor
        pass ``num_rows``, and a timed step's rows follow its clock
        (``ValueError``); ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._job(job_id)
            if job is None:
                raise KeyError(job_id)
            job.set_progress(self._clock(), rows_done)
            self._changed()

    def status_of(self, job_id: str) -> str:
        """Return the script status ``job_id`` has now (e.g. ``"queued"``, ``"PAUSED"``).

        Looking does not start the job's clock: a job nobody has asked about is
        on its first step. Raises ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.current(self._clock()).status
            script = script_for(job_id, self._scripts)
            if script is None:
                raise KeyError(job_id)
            return script[0].status

    def rows_done(self, job_id: str) -> int:
        """Rows ``job_id`` has done now; looking does not start its clock.

        ``KeyError`` for an id that no script matches.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.rows_done(self._clock())
            if script_for(job_id, self._scripts) is None:
                raise KeyError(job_id)
            return 0

    def num_rows(self, job_id: str) -> int:
        """How many rows ``job_id`` has in all (``KeyError`` for an id that no script matches)."""
        with self._lock:
            if script_for(job_id, self._scripts) is None:
                raise KeyError(job_id)
            return info_for(job_id, self._infos).num_rows

    def request_count(self, job_id: str | None = None, *, route: str | None = None) -> int:
        """Count status requests (GET, any outcome), all or for one job.

        Status requests are ``job-status`` (either generation) and ``jobs/{id}``,
        which answers the status too (the widget polls it where it exists).

        ``job_id`` is the decoded id, so ``job%2Fx`` counts as ``job/x``.
        Requests to unknown paths are not status requests and are not counted.
        ``route`` counts GETs of another route instead, by name (e.g.
        ``"v1/jobs"``, ``"v1/stream-job-progress"``, ``"v1/job-cancel"``,
        ``"v1/list-jobs"``).
        """
        routes = STATUS_ROUTES if route is None else frozenset({route})
        with self._lock:
            return sum(
                1
                for r in self._requests
                if r.method == "GET"
                and r.route in routes
                and (job_id is None or r.job_id == job_id)
            )

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, oldest first (never the key)."""
        with self._lock:
            return list(self._requests)

    def _register(self, job_id: str, script: Script, info: JobInfo, submitted: float) -> None:
        """Put a checked script in the account, submitted at clock reading ``submitted``.

        Caller holds the lock.
        """
        self._scripts[job_id] = script
        self._infos[job_id] = info
        self._jobs.pop(job_id, None)
        self._submitted[job_id] = submitted
        self._arrive(job_id)

    def _free_demo_id(self) -> str:
        """The next ``job-demo-NN`` id no job has yet. Caller holds the lock."""
        number = 1
        while f"{DEMO_JOB_PREFIX}{number:02d}" in self._scripts:
            number += 1
        return f"{DEMO_JOB_PREFIX}{number:02d}"
