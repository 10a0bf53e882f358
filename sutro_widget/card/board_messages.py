"""What the board's buttons ask for: each browser message mapped to one board call.

The browser only asks; the board (and its poller) act. Unknown messages and
ids that are not on the board are ignored, never an error in the kernel.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class BoardActions(Protocol):
    """What a board offers its views (``JobBoard`` implements it)."""

    @property
    def job_ids(self) -> list[str]:
        """The ids on the board."""

    def cancel(self, job_id: str) -> None:
        """Cancel one job."""

    def cancel_all(self) -> list[str]:
        """Cancel every job still on its way."""

    def load_more(self) -> None:
        """Fetch the next page of list-jobs."""

    def refresh_job(self, job_id: str) -> None:
        """Ask about one job now."""

    def set_expanded(self, job_id: str, expanded: bool) -> None:
        """Send (or stop sending) one row's full card."""

    def answer_sync_request(self) -> None:
        """Send what changed since the browser last asked (frontend sync)."""


def handle_board_message(board: BoardActions, content: object) -> None:
    """Act on one message from a board view (see ``js/board.ts``)."""
    if not isinstance(content, dict):
        return
    action, job_id = content.get("type"), content.get("job_id")
    if action == "sync":
        board.answer_sync_request()
    elif action == "cancel_all":
        board.cancel_all()
    elif action == "load_more":
        board.load_more()
    elif not isinstance(job_id, str) or job_id not in board.job_ids:
        log.debug("ignoring message from the board: %r", content)
    elif action == "cancel":
        board.cancel(job_id)
    elif action in ("refresh", "retry"):
        board.refresh_job(job_id)
    elif action in ("expand", "collapse"):
        board.set_expanded(job_id, action == "expand")
