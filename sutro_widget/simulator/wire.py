"""The two generations of the job-status answer, built from a script step.

The real API has a *legacy* shape (the seed docs page: lowercase status string,
``metadata`` always an object, ``failure_reason`` a string) and a *current*
shape (``/v1``: status keyed by job id and uppercase, ``metadata`` ``null``
unless there is something to say, ``failure_reason`` an object). Clients must
read both, so the simulator serves both from the same script. This module only
builds JSON-ready dictionaries; it knows nothing of HTTP or time.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Final, Literal

from .scripts import Step

__all__ = [
    "LEGACY",
    "V1",
    "Generation",
    "error_body",
    "legacy_status",
    "status_body",
    "v1_status",
]

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
