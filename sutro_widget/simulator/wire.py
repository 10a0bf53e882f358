"""The bodies the API sends, built from a script step or a job view.

The real API has a *legacy* shape (the seed docs page: lowercase status string,
``metadata`` always an object, ``failure_reason`` a string) and a *current*
shape (``/v1``: status keyed by job id and uppercase, ``metadata`` ``null``
unless there is something to say, ``failure_reason`` an object). Clients must
read both, so the simulator serves both from the same script. The current
generation alone has job details (``{"job": {...}}``), the job list's rows,
the progress stream's lines (``{"update_type": ..., "result": ...}``) and the
cancel answer; their shapes are here too. This module only builds JSON-ready dictionaries; it knows
nothing of HTTP, and times come in as numbers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Final, Literal

from .job_state import JobView
from .scripts import Step

__all__ = [
    "CANCEL_BODY",
    "LEGACY",
    "PENDING",
    "RUN_TYPE",
    "V1",
    "Generation",
    "error_body",
    "heartbeat_update",
    "iso_utc",
    "job_body",
    "legacy_status",
    "list_body",
    "list_row",
    "progress_update",
    "status_body",
    "tokens_update",
    "v1_status",
]

#: What ``GET /v1/job-cancel/{id}`` answers when the cancellation is accepted.
CANCEL_BODY: Mapping[str, object] = {"cancelled": True, "message": "Cancellation requested"}

#: What the job list calls a job that was submitted but is not yet queued
#: (the list's own status: the SDK's enum and the status endpoint never say it).
PENDING = "PENDING"
#: Every simulated job runs over its whole input (the real API also has other run types).
RUN_TYPE = "FULL"

#: Name of an API generation: ``"legacy"`` (``/job-status``) or ``"v1"`` (``/v1/job-status``).
Generation = Literal["legacy", "v1"]
LEGACY: Final = "legacy"
V1: Final = "v1"

# Script statuses the legacy API spells differently (it has no "queued" and no
# "cancelling"); every other status is sent lowercased as it is.
_LEGACY_NAMES: Mapping[str, str] = {"queued": "pending", "cancelling": "running"}


def legacy_status(status: str) -> str:
    """Spell a script status the way the legacy API does (lowercase, its own words)."""
    lowered = status.lower()
    return _LEGACY_NAMES.get(lowered, lowered)


def v1_status(status: str) -> str:
    """Spell a script status the way the current API does (uppercase, verbatim)."""
    return status.upper()


def _legacy_failure_reason(reason: object) -> object:
    """Flatten a failure reason to the string the legacy API sends.

    The current API sends ``{"message": ..., "code": ...}``; the legacy one a
    plain sentence. An object without a message is sent as its JSON text so no
    detail is lost.
    """
    if isinstance(reason, str) or reason is None:
        return reason
    if isinstance(reason, Mapping) and isinstance(reason.get("message"), str):
        return reason["message"]
    return json.dumps(reason, sort_keys=True, default=str)


def status_body(generation: Generation, job_id: str, step: Step) -> dict[str, object]:
    """Return the JSON body the API of ``generation`` sends for ``job_id`` on ``step``.

    Metadata is copied so that a client (or test) holding an answer can never
    change the script, and vice versa.
    """
    metadata = copy.deepcopy(dict(step.metadata)) if step.metadata is not None else None
    if generation == V1:
        return {
            "message": step.message,
            "job_status": {job_id: v1_status(step.status)},
            "metadata": metadata,
        }
    legacy_metadata: dict[str, object] = metadata if metadata is not None else {}
    if "failure_reason" in legacy_metadata:
        reason = legacy_metadata["failure_reason"]
        legacy_metadata["failure_reason"] = _legacy_failure_reason(reason)
    return {
        "message": step.message,
        "job_status": legacy_status(step.status),
        "metadata": legacy_metadata,
    }


def error_body(generation: Generation | None, text: str) -> dict[str, object]:
    """Return an error body: ``{"message": text}`` on legacy paths, else ``{"detail": text}``.

    The current API is FastAPI-style (``detail``); the legacy docs use
    ``message``. Paths that match no route get ``detail``.
    """
    return {"message": text} if generation == LEGACY else {"detail": text}


def iso_utc(epoch: float) -> str:
    """An ISO-8601 UTC timestamp, ``Z``-suffixed as pydantic writes it for FastAPI.

    Microseconds appear only when there are some, as with pydantic, so clients
    meet both forms.
    """
    text = datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat()
    return text.removesuffix("+00:00") + "Z"


def job_body(job_id: str, view: JobView, wall: Callable[[float], float]) -> dict[str, object]:
    """``GET /v1/jobs/{id}``: the job's details; ``wall`` turns clock readings into epoch seconds.

    ``job_cost`` is ``null`` until the job has succeeded; ``failure_reason`` is
    the one the status metadata carries (copied, like metadata), else ``null``.
    """

    def when(at: float | None) -> str | None:
        return None if at is None else iso_utc(wall(at))

    metadata = view.step.metadata or {}
    reason = copy.deepcopy(metadata.get("failure_reason"))
    info = view.info
    return {
        "job": {
            "job_id": job_id,
            "status": v1_status(view.step.status),
            "name": info.name,
            "description": info.description,
            "model": info.model,
            "num_rows": info.num_rows,
            "input_tokens": view.input_tokens,
            "output_tokens": view.output_tokens,
            "job_cost": view.job_cost,
            "cost_estimate": view.cost_estimate,
            "failure_reason": reason,
            "datetime_created": when(view.created_at),
            "datetime_started": when(view.started_at),
            "datetime_completed": when(view.completed_at),
        }
    }


def list_row(
    job_id: str, view: JobView, wall: Callable[[float], float], *, pending: bool = False
) -> dict[str, object]:
    """One row of ``GET /v1/list-jobs``: what a job board shows of a job.

    A ``pending`` job (submitted, not yet queued) says ``PENDING`` and has no
    start, completion or cost yet; ``view.created_at`` is then when it was
    submitted. Dates are ``null`` until they happen, ``job_cost`` until the
    job succeeded.
    """

    def when(at: float | None) -> str | None:
        return None if at is None else iso_utc(wall(at))

    info = view.info
    return {
        "job_id": job_id,
        "status": PENDING if pending else v1_status(view.step.status),
        "name": info.name,
        "description": info.description,
        "model": info.model,
        "num_rows": info.num_rows,
        "job_priority": info.job_priority,
        "run_type": RUN_TYPE,
        "datetime_created": when(view.created_at),
        "datetime_started": None if pending else when(view.started_at),
        "datetime_completed": None if pending else when(view.completed_at),
        "job_cost": None if pending else view.job_cost,
        "cost_estimate": view.cost_estimate,
    }


def list_body(
    rows: list[dict[str, object]], *, paged: bool, next_cursor: str | None
) -> dict[str, object]:
    """The job list: ``{"jobs", "next_cursor"}`` when paged, else ``{"jobs", "message"}``."""
    if paged:
        return {"jobs": rows, "next_cursor": next_cursor}
    return {"jobs": rows, "message": f"Retrieved {len(rows)} job(s)"}


def progress_update(rows_done: int) -> dict[str, object]:
    """A stream line: rows done so far (cumulative)."""
    return {"update_type": "progress", "result": rows_done}


def tokens_update(
    input_tokens: int, output_tokens: int, per_second: float | None = None
) -> dict[str, object]:
    """A stream line: tokens so far, with the throughput when there is one (keys may be absent)."""
    result: dict[str, object] = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    if per_second is not None:
        result["total_tokens_processed_per_second"] = per_second
    return {"update_type": "tokens", "result": result}


def heartbeat_update() -> dict[str, object]:
    """A stream line that says only "still here"."""
    return {"update_type": "heartbeat"}
