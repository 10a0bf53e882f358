"""What can name a job: checked before any request, with a sentence saying what went wrong.

Users pass whatever the SDK gave them: ``so.infer(...)`` returns the id string,
but ``None`` when the submission failed, and ``infer_per_model`` returns a list
of ids. Each mistake gets its own sentence at the call site instead of a bare
``TypeError`` (or a request for ``/job-status/None``).
"""

from __future__ import annotations

#: Job ids are short tokens; a longer one is a mistake (or an attack on the URL).
#: Here, not in limits.py, so checking an id does not load the HTTP stack.
MAX_JOB_ID_LENGTH = 256


def check_job_id(job_id: object) -> str:
    """Return ``job_id`` if it can name a job, else raise ``TypeError`` / ``ValueError``.

    Reject what can never be a job id before any request is made: non-strings
    (``None``, a list of ids), empty or blank ids, control characters, the
    path segments ``.`` and ``..`` and anything over :data:`MAX_JOB_ID_LENGTH`
    characters. Everything else is sent percent-encoded as exactly one path
    segment.
    """
    if job_id is None:
        raise TypeError(
            "job_id is None: the submission probably failed (sutro's infer returns None then); "
            "check the output of the cell that submitted the job."
        )
    if isinstance(job_id, (list, tuple)):
        raise TypeError(
            f"job_id is a {type(job_id).__name__} of {len(job_id)} ids (what infer_per_model "
            "returns): use one card per id, or JobBoard for many."
        )
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
