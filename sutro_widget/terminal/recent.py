"""The account's newest jobs for the terminal: ``watch --recent N``, ``%sutro_jobs`` in IPython.

A notebook shows them as ``JobBoard.recent``; a terminal has no board, so it
asks list-jobs for one page of ids once and follows those jobs like named
ones (finished ones print their outcome at once).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..api.listing import MAX_PAGE_SIZE, check_page_size

if TYPE_CHECKING:
    from ..api.client import SutroClient

#: What the terminal says when list-jobs has nothing to follow.
NO_JOBS_YET = "No jobs on this account yet."


def page_size_argument(text: str) -> int:
    """Parse ``--recent`` / ``--limit`` for argparse: a whole number of jobs, 1 to 100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    try:
        return check_page_size(value)
    except ValueError:
        limits = f"between 1 and {MAX_PAGE_SIZE}"
        raise argparse.ArgumentTypeError(f"{text!r} must be {limits}") from None


def recent_job_ids(client: SutroClient, limit: int) -> list[str]:
    """The ids of the account's ``limit`` newest jobs, newest first (one list-jobs page)."""
    return [row.job_id for row in client.list_jobs(limit=check_page_size(limit)).jobs]
