"""The built-in jobs: the scripts and metadata every simulator knows, by job-id prefix.

A demo or a test picks a story by picking an id: any id that starts with a
prefix below plays that prefix's script, so ``job-succeeds-<anything>`` is a
fresh job that succeeds in about ten seconds. Fresh ids replay a script from
its start, which is what a re-run demo notebook needs. Pure data and lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .scripts import CANCELLED_MESSAGE, CANCELLING_MESSAGE, DEFAULT_INFO, JobInfo, Script, Step

__all__ = [
    "BUILTIN_INFO",
    "BUILTIN_SCRIPTS",
    "FAILED_AT_ROW",
    "FAILURE_METADATA",
    "MESSAGES",
    "info_for",
    "script_for",
]

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
#: The sentence each ordinary status comes with, for scripts written elsewhere (the demo jobs).
MESSAGES: Mapping[str, str] = {
    "queued": _QUEUED,
    "starting": _STARTING,
    "running": _RUNNING,
    "succeeded": _SUCCEEDED,
    "failed": _FAILED,
    "cancelling": CANCELLING_MESSAGE,
    "cancelled": CANCELLED_MESSAGE,
}
#: Rows done when the failing scripts fail: every row before the over-long row 1532.
FAILED_AT_ROW = 1532

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
        Step("running", 4, _RUNNING, rows=FAILED_AT_ROW),
        Step("failed", None, _FAILED, FAILURE_METADATA),
    ),
    "job-cancelled": (
        Step("queued", 1, _QUEUED),
        Step("running", 3, _RUNNING, rows=900),
        Step("cancelling", 2, CANCELLING_MESSAGE),
        Step("cancelled", None, CANCELLED_MESSAGE),
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
    # Long enough to watch the progress bar and to press Cancel in the demo.
    "job-long": (
        Step("queued", 2, _QUEUED),
        Step("starting", 3, _STARTING),
        Step("running", 180, _RUNNING),
        Step("succeeded", None, _SUCCEEDED),
    ),
    # Already running when first asked about, and over 4 s later: a card shown on
    # a job submitted earlier, or any short job (the case a blind minute hides).
    "job-ends-soon": (
        Step("running", 4, _RUNNING),
        Step("succeeded", None, _SUCCEEDED),
    ),
    # Its first progress stream is cut after 3 updates (see BUILTIN_INFO).
    "job-stream-breaks": (
        Step("queued", 1, _QUEUED),
        Step("running", 8, _RUNNING),
        Step("succeeded", None, _SUCCEEDED),
    ),
}

#: What the job-details endpoint says about each built-in script's jobs.
BUILTIN_INFO: Mapping[str, JobInfo] = {
    "job-succeeds": JobInfo("Summarise support tickets", description="Nightly ticket digest"),
    "job-fails": JobInfo("Extract invoice fields", description="Invoices from the March import"),
    "job-cancelled": JobInfo("Translate product reviews"),
    "job-unknown": JobInfo("Tag news articles"),
    "job-held": JobInfo("Summarise support tickets (held)"),
    "job-ends-soon": JobInfo("Classify feedback (short)"),
    "job-held-fails": JobInfo("Extract invoice fields (held)"),
    "job-long": JobInfo("Embed the product catalogue", description="Three minutes of rows"),
    "job-stream-breaks": JobInfo("Classify search queries", stream_breaks_after=3),
}


def _longest_prefix(job_id: str, prefixes: Iterable[str]) -> str | None:
    best: str | None = None
    for prefix in prefixes:
        if job_id.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


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
    best = _longest_prefix(job_id, prefixes)
    return None if best is None else prefixes[best]


def info_for(
    job_id: str,
    exact: Mapping[str, JobInfo],
    prefixes: Mapping[str, JobInfo] = BUILTIN_INFO,
) -> JobInfo:
    """Return the metadata of ``job_id``, chosen like its script (:data:`DEFAULT_INFO` if none)."""
    if job_id in exact:
        return exact[job_id]
    best = _longest_prefix(job_id, prefixes)
    return DEFAULT_INFO if best is None else prefixes[best]
