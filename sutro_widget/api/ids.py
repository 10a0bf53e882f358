"""What can name a job: checked before any request, so a bad id is an error at the call site.

Job ids go into URL paths, so anything that could change the path (``..``,
control characters, an absurd length) is refused, and everything else is sent
percent-encoded as exactly one path segment.
"""

from __future__ import annotations

from .limits import MAX_JOB_ID_LENGTH


def check_job_id(job_id: object) -> str:
    """Return ``job_id`` if it can name a job, else raise ``ValueError``.

    Reject what can never be a job id before any request is made: non-strings,
    empty or blank ids, control characters, the path segments ``.`` and ``..``
    and anything over :data:`MAX_JOB_ID_LENGTH` characters. Everything else is
    sent percent-encoded as exactly one path segment.
    """
    if not isinstance(job_id, str):
        raise TypeError(f"job_id must be a string, not {type(job_id).__name__}.")
    if not job_id.strip():
        raise ValueError("job_id is empty: pass the id returned when the job was submitted.")
    if job_id != job_id.strip():
        raise ValueError(f"job_id {job_id!r} has leading or trailing whitespace.")
    if len(job_id) > MAX_JOB_ID_LENGTH:
        raise ValueError(f"job_id is {len(job_id)} characters; at most {MAX_JOB_ID_LENGTH}.")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in job_id):
        raise ValueError(f"job_id {job_id!r} contains control characters.")
    if job_id in (".", ".."):
        raise ValueError(f"job_id {job_id!r} is not a job id.")
    return job_id
