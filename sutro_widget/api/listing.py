"""The shape of a ``list-jobs`` answer: one page of the account's jobs.

With ``limit`` the server answers ``{"jobs": [...], "next_cursor": ...}``
(``null`` at the end); without it, every job plus a ``message``. Statuses come
as list-jobs spells them (``PENDING`` included) and are canonicalised like a
status answer's. Only plain fields the board shows are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ProtocolError
from .answers import raise_for_answer
from .shapes import DETAIL_FIELDS, JobStatus, canonical_status, excerpt, load_json

_PLAIN = (str, int, float, bool, type(None))

#: The most jobs one list-jobs page may ask for (its ``limit`` is 1..100).
MAX_PAGE_SIZE = 100


def check_page_size(limit: object) -> int:
    """Return ``limit`` if list-jobs accepts it as a page size, else raise ``ValueError``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}, not {limit!r}.")
    return limit


@dataclass(frozen=True)
class JobRow:
    """One job as list-jobs describes it."""

    job_id: str
    status: JobStatus
    raw_status: str
    #: The known detail fields (name, num_rows, job_cost, datetimes, ...).
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobPage:
    """One page of jobs, newest first, and the cursor of the next (``None``: the last page)."""

    jobs: tuple[JobRow, ...]
    next_cursor: str | None


def read_job_list_answer(status_code: int, headers: Mapping[str, str], body: bytes) -> JobPage:
    """Turn one ``list-jobs`` answer into a page, or raise the error that names its problem."""
    raise_for_answer(status_code, headers, body, job_id="(list of jobs)")
    document = load_json(body, what="The list of jobs", status_code=status_code)
    jobs = document.get("jobs") if isinstance(document, dict) else None
    if not isinstance(jobs, list):
        raise ProtocolError(
            f"The list of jobs (HTTP {status_code}) had no 'jobs' list.",
            status_code=status_code,
            excerpt=excerpt(body),
        )
    cursor = document.get("next_cursor") if isinstance(document, dict) else None
    rows = tuple(row for item in jobs if (row := _row(item)) is not None)
    return JobPage(jobs=rows, next_cursor=cursor if isinstance(cursor, str) and cursor else None)


def _row(item: object) -> JobRow | None:
    """A row with a usable id and status; anything else is skipped, not fatal."""
    if not isinstance(item, dict):
        return None
    job_id, raw = item.get("job_id"), item.get("status")
    if not isinstance(job_id, str) or not job_id or not isinstance(raw, str):
        return None
    details = {k: item[k] for k in DETAIL_FIELDS if k in item and isinstance(item[k], _PLAIN)}
    return JobRow(job_id=job_id, status=canonical_status(raw), raw_status=raw, details=details)
