"""The job endpoints of the simulated API: status, details, progress, cancel, the job list.

Each handler answers one authorized call under the lock and returns a
:class:`~.routes.Response` (or, for the progress stream, a
:class:`~.progress.StreamAnswer` that the HTTP layer plays). Status exists in
both generations; the others only under ``/v1``, as in the real API, so the
legacy paths are 404s like any unknown path. The first answered request about
a job (status, details, stream or cancel) starts its clock; the job list only
looks, so listing never moves a job.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .catalogue import info_for, script_for
from .job_state import JobState
from .listing import (
    CursorError,
    LimitError,
    ListKey,
    decode_cursor,
    encode_cursor,
    page,
    parse_limit,
)
from .progress import ProgressFeed, StreamAnswer
from .routes import (
    CANCEL_ROUTE,
    DETAILS_ROUTE,
    JOB_ID,
    LIST_ROUTE,
    STREAM_ROUTE,
    Call,
    Response,
    Route,
)
from .state import ApiState
from .wire import CANCEL_BODY, LEGACY, V1, error_body, job_body, list_body, list_row, status_body

__all__ = ["JobsApi"]

_STATUS_PATH = "/job-status/" + JOB_ID


class JobsApi(ApiState):
    """The handlers of the job routes, and the routes that name them."""

    def _job_routes(self) -> list[Route]:
        """The job routes, in the order they are tried."""
        return [
            Route(
                "job-status",
                re.compile(_STATUS_PATH),
                LEGACY,
                self._job_status,
                gateway_faults="status",
                preview=self._status_preview,
            ),
            Route(
                "v1/job-status",
                re.compile("/v1" + _STATUS_PATH),
                V1,
                self._job_status,
                gateway_faults="status",
                preview=self._status_preview,
            ),
            Route(
                DETAILS_ROUTE,
                re.compile("/v1/jobs/" + JOB_ID),
                V1,
                self._job_details,
                gateway_faults="status",  # it answers a job's status too
                preview=self._details_preview,
            ),
            Route(
                STREAM_ROUTE,
                re.compile("/v1/stream-job-progress/" + JOB_ID),
                V1,
                self._stream_progress,
            ),
            Route(CANCEL_ROUTE, re.compile("/v1/job-cancel/" + JOB_ID), V1, self._job_cancel),
            Route(
                LIST_ROUTE,
                re.compile("/v1/list-jobs"),
                V1,
                self._list_jobs,
                gateway_faults="list",
                preview=lambda call: self._list_jobs(call).body,
            ),
        ]

    def _not_found(self, call: Call) -> Response:
        return Response(404, error_body(call.route.generation, f"Job {call.job_id} not found"))

    def _status_preview(self, call: Call) -> dict[str, object]:
        """The status a faulted request would have had, without starting the job's clock."""
        job_id = call.job_id or ""
        return status_body(call.route.generation, job_id, self._peek(job_id, call.now))

    def _details_preview(self, call: Call) -> dict[str, object]:
        """The details a faulted request would have had, without starting the job's clock."""
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return {}
        return job_body(job_id, job.view(call.now), self._wall(call.now))

    def _job_status(self, call: Call) -> Response:
        """``GET [/v1]/job-status/{job_id}``: the job's current step, in the route's generation."""
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        return Response(200, status_body(call.route.generation, job_id, job.current(call.now)))

    def _job_details(self, call: Call) -> Response:
        """``GET /v1/jobs/{job_id}``: status, name, model, rows, tokens, cost, dates."""
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        return Response(200, job_body(job_id, job.view(call.now), self._wall(call.now)))

    def _stream_progress(self, call: Call) -> Response | StreamAnswer:
        """``GET /v1/stream-job-progress/{job_id}``: a stream for the HTTP layer to play.

        A ``STREAM_BREAK`` fault, or else the job's own one-time break (the
        first stream of a ``job-stream-breaks`` job), says when to cut it.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        rule = self._faults.take(job_id, call.now, "stream")
        cut_after = None if rule is None else rule.spec.lines
        breaks_after = job.info.stream_breaks_after
        if rule is None and breaks_after is not None and not job.stream_break_used:
            job.stream_break_used = True
            cut_after = breaks_after
        feed = ProgressFeed(
            time_scale=self.time_scale,
            heartbeat_seconds=self.heartbeat_seconds,
            cut_after=cut_after,
        )
        return StreamAnswer(
            job_id,
            feed,
            look=lambda: self._look(job_id),
            wait=self._wait,
            fault=None if rule is None else rule.spec.mode,
        )

    def _job_cancel(self, call: Call) -> Response:
        """``GET /v1/job-cancel/{job_id}``: cancel, or 409 for a job that already ended.

        The job goes to ``cancelling`` now and ``cancelled`` later (see
        :meth:`~.job_state.JobState.cancel`); asking again while it is
        cancelling is accepted again.
        """
        job_id = call.job_id or ""
        job = self._job(job_id)
        if job is None:
            return self._not_found(call)
        job.start(call.now)
        step = job.current(call.now)
        if step.terminal:
            detail = f"Job {job_id} already {step.status.lower()}; it cannot be cancelled."
            return Response(409, {"detail": detail})
        job.cancel(call.now)
        self._changed()
        return Response(200, dict(CANCEL_BODY))

    def _list_jobs(self, call: Call) -> Response:
        """``GET /v1/list-jobs[?limit=N][&cursor=C]``: the account's jobs, newest first.

        With ``limit`` (1..100, else 422) a page and ``next_cursor`` (``null``
        on the last page); without it every job and a ``message``. ``cursor``
        is the previous page's ``next_cursor`` (anything else is a 400).
        Listing never starts a job's clock.
        """
        query = dict(call.query)  # a repeated parameter counts once, the last one
        try:
            limit = parse_limit(query.get("limit"))
        except LimitError as exc:
            return Response(422, {"detail": str(exc)})
        try:
            after = decode_cursor(query["cursor"]) if "cursor" in query else None
        except CursorError as exc:
            return Response(400, {"detail": str(exc)})
        rows, next_key = page(self._account(call.now), limit, after)
        next_cursor = None if next_key is None else encode_cursor(next_key)
        return Response(200, list_body(rows, paged=limit is not None, next_cursor=next_cursor))

    def _account(self, now: float) -> list[tuple[ListKey, dict[str, object]]]:
        """Every job of the account as (sort key, row), newest first.

        The account holds the registered jobs (``add_job``, seeding) and the
        built-in jobs someone has asked about. A registered job whose clock
        has not started is listed ``PENDING`` as of when it was submitted.
        """
        wall = self._wall(now)
        entries: list[tuple[ListKey, dict[str, object]]] = []
        for job_id, order in self._arrivals.items():
            job = self._jobs.get(job_id)
            if job is not None and job.started and job.created_at is not None:
                key = (job.created_at, order)
                entries.append((key, list_row(job_id, job.view(now), wall)))
                continue
            script = script_for(job_id, self._scripts)
            if script is None:  # pragma: no cover - every arrival has a script
                continue
            submitted = self._submitted.get(job_id, now)
            unstarted = JobState(script, self.time_scale, info_for(job_id, self._infos))
            view = replace(unstarted.view(now), created_at=submitted)
            entries.append(((submitted, order), list_row(job_id, view, wall, pending=True)))
        entries.sort(key=lambda entry: entry[0], reverse=True)
        return entries
