"""The shapes of the API's answers: a status (both generations), job details, progress lines.

The Sutro API has answered in two generations:

* legacy: ``{"job_status": "running", "message": ..., "metadata": {...}}``
* current: ``{"job_status": {"<job_id>": "RUNNING"}, "message": ..., "metadata": null}``

Everything downstream (policy, widget, card) sees only :class:`StatusReport`,
so neither the widget nor the browser needs to know which one the server spoke.
The ``jobs/{id}`` answer is reduced to the fields the card shows
(:func:`parse_details_body`), and each progress-stream line to an update dict
(:func:`parse_progress_line`). This module knows nothing of HTTP or time.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ProtocolError

_EXCERPT_CHARS = 200


class JobStatus(str, enum.Enum):
    """The canonical, lowercase status of a job, whichever generation sent it."""

    PENDING = "pending"
    SUBMITTED = "submitted"
    QUEUED = "queued"
    STARTING = "starting"
    RUNNING = "running"
    CANCELLING = "cancelling"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """True for the states a job never leaves; polling stops there.

        ``cancelling`` is not final: the job still moves on to ``cancelled``.
        """
        return self in _FINAL

    def __str__(self) -> str:
        return self.value


_FINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

# Both generations' spellings, lowercased, mapped to one canonical value.
# "canceled" is the American spelling some servers use for the same state.
_CANONICAL: dict[str, JobStatus] = {s.value: s for s in JobStatus}
_CANONICAL["canceled"] = JobStatus.CANCELLED


@dataclass(frozen=True)
class StatusReport:
    """One answer about one job, in the widget's terms.

    ``raw_status`` keeps exactly what the server sent, so a status this package
    does not know (``"PAUSED"``) is shown verbatim rather than hidden.
    """

    status: JobStatus
    raw_status: str
    message: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The answer was the legacy generation's (``job_status`` a plain string):
    #: that API has no details or progress stream, so neither is asked for.
    legacy: bool = False
    #: The job's details when the answer carried them (a ``jobs/{id}`` answer
    #: is a status answer too), else ``None``. Not part of equality: new token
    #: counts are not a change of status.
    details: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def is_final(self) -> bool:
        """Whether this answer ends the job's story (see :attr:`JobStatus.is_final`)."""
        return self.status.is_final


def canonical_status(raw: str) -> JobStatus:
    """Map any spelling of a status to :class:`JobStatus`; unknown words map to UNKNOWN."""
    return _CANONICAL.get(raw.strip().lower(), JobStatus.UNKNOWN)


def parse_status_body(body: bytes, *, job_id: str, status_code: int = 200) -> StatusReport:
    """Parse the raw bytes of a job-status response.

    Raises :class:`ProtocolError` (with the HTTP status and a short excerpt)
    for anything that is not JSON or not a status answer, never anything else.
    """
    document = load_json(body, what="The server's answer", status_code=status_code)
    return parse_status_document(document, job_id=job_id, status_code=status_code)


def load_json(body: bytes, *, what: str, status_code: int) -> object:
    """Decode a JSON body, or raise :class:`ProtocolError` naming ``what`` and an excerpt."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(
            f"{what} (HTTP {status_code}) was not JSON: {excerpt(body)!r}",
            status_code=status_code,
            excerpt=excerpt(body),
        ) from exc


def parse_status_document(document: object, *, job_id: str, status_code: int = 200) -> StatusReport:
    """Turn a decoded JSON answer of either generation into a :class:`StatusReport`."""

    def wrong_shape(why: str) -> ProtocolError:
        text = excerpt(_safe_dumps(document))
        return ProtocolError(
            f"The server's answer (HTTP {status_code}) was not a job status: {why}.",
            status_code=status_code,
            excerpt=text,
        )

    if not isinstance(document, Mapping):
        raise wrong_shape("expected a JSON object")
    if "job_status" not in document:
        raise wrong_shape("it has no 'job_status' field")

    raw = document["job_status"]
    legacy = not isinstance(raw, Mapping)
    if isinstance(raw, Mapping):
        if job_id not in raw:
            raise wrong_shape(f"'job_status' does not mention job {job_id!r}")
        raw = raw[job_id]
    if not isinstance(raw, str):
        raise wrong_shape("'job_status' is not a string")

    message = document.get("message")
    if message is None:
        message = ""
    elif not isinstance(message, str):
        message = _safe_dumps(message)

    metadata = document.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, Mapping):
        # Keep whatever the server said rather than dropping it.
        metadata = {"value": metadata}

    return StatusReport(
        status=canonical_status(raw),
        raw_status=raw,
        message=message,
        metadata=dict(metadata),
        legacy=legacy,
    )


def excerpt(body: bytes | str, limit: int = _EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a body, decoded leniently, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _safe_dumps(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        return repr(value)


# -- job details (jobs/{id}) ---------------------------------------------------

#: The job fields the card shows (see the API reference); everything else is dropped.
DETAIL_FIELDS = (
    "name",
    "description",
    "model",
    "num_rows",
    "input_tokens",
    "output_tokens",
    "job_cost",
    "cost_estimate",
    "datetime_created",
    "datetime_started",
    "datetime_completed",
    "failure_reason",
)
_PLAIN = (str, int, float, bool, type(None))


def parse_details_body(body: bytes, *, status_code: int = 200) -> dict[str, Any]:
    """Parse a details answer: ``{"job": {...}}`` -> the known fields of ``job``."""
    return details_of(_job_object(body, status_code=status_code))


def parse_job_body(body: bytes, *, job_id: str, status_code: int = 200) -> StatusReport:
    """A ``jobs/{id}`` answer as a status report that carries the job's details.

    The current API's job object holds the status beside the name, rows and
    cost, so one request can answer both questions. An answer about another
    job, or without a status, is a :class:`ProtocolError`, never this job's status.
    """
    job = _job_object(body, status_code=status_code)
    answered_for = job.get("job_id")
    if answered_for is not None and answered_for != job_id:
        raise ProtocolError(
            f"The job details (HTTP {status_code}) were about job {excerpt(str(answered_for))!r}, "
            f"not {job_id!r}.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    raw = job.get("status")
    if not isinstance(raw, str):
        raise ProtocolError(
            f"The job details (HTTP {status_code}) had no status.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    details = details_of(job)
    reason = details.get("failure_reason")
    metadata = {} if reason is None else {"failure_reason": reason}
    return StatusReport(canonical_status(raw), raw, metadata=metadata, details=details)


def _job_object(body: bytes, *, status_code: int) -> Mapping[str, Any]:
    document = load_json(body, what="The job details answer", status_code=status_code)
    job = document.get("job") if isinstance(document, dict) else None
    if not isinstance(job, dict):
        raise ProtocolError(
            f"The job details (HTTP {status_code}) had no 'job' object.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    return job


def details_of(job: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a job object that the card shows (:data:`DETAIL_FIELDS`), plain values only."""
    details: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        if name not in job:
            continue
        value = job[name]
        if isinstance(value, _PLAIN) or (name == "failure_reason" and isinstance(value, dict)):
            details[name] = value
    return details


# -- progress-stream lines ----------------------------------------------------------


def epoch_seconds(value: object) -> float | None:
    """An API time (ISO 8601, ``Z`` or an offset) as epoch seconds; ``None`` when unreadable.

    A time without a zone could be any zone, so it counts as unreadable.
    """
    if not isinstance(value, str) or not value:
        return None
    from datetime import datetime  # only where times are read: not at import

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


def parse_progress_line(line: str) -> dict[str, Any] | None:
    """One stream line as an update dict, or ``None`` for blank or unreadable lines.

    A stream is long and the server's; one odd line must not end it.
    """
    text = line.strip()
    if not text:
        return None
    try:
        update = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(update, dict) and isinstance(update.get("update_type"), str):
        return update
    return None
