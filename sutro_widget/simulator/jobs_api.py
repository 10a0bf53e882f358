"""The job endpoints of the simulated API: status, details, progress, cancel.

Each handler answers one authorized call under the lock and returns a
:class:`~.routes.Response` (or, for the progress stream, a
:class:`~.progress.StreamAnswer` that the HTTP layer plays). Status exists in
both generations; the others only under ``/v1``, as in the real API, so the
legacy paths are 404s like any unknown path. The first answered request about
a job (status, details, stream or cancel) starts its clock.
"""

from __future__ import annotations

import re

from .progress import ProgressFeed, StreamAnswer
from .routes import (
    CANCEL_ROUTE,
    DETAILS_ROUTE,
    JOB_ID,
    STREAM_ROUTE,
    Call,
    Response,
    Route,
)
from .state import ApiState
from .wire import CANCEL_BODY, LEGACY, V1, error_body, job_body, status_body

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
            Route(DETAILS_ROUTE, re.compile("/v1/jobs/" + JOB_ID), V1, self._job_details),
            Route(
                STREAM_ROUTE,
                re.compile("/v1/stream-job-progress/" + JOB_ID),
                V1,
                self._stream_progress,
            ),
            Route(CANCEL_ROUTE, re.compile("/v1/job-cancel/" + JOB_ID), V1, self._job_cancel),
        ]

    def _not_found(self, call: Call) -> Response:
        return Response(404, error_body(call.route.generation, f"Job {call.job_id} not found"))

    def _status_preview(self, call: Call) -> dict[str, object]:
        """The status a faulted request would have had, without starting the job's clock."""
        job_id = call.job_id or ""
        return status_body(call.route.generation, job_id, self._peek(job_id, call.now))

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
