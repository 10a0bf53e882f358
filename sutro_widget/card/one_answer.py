"""A stopped card's single refresh: the one answer it asked for, and nothing more.

A stopped card is not following its job, so the poller must not tell it that
polling goes on, nor stream its progress; this listener passes on one answer.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..api.shapes import StatusReport
    from ..errors import SutroError


class PollListener(Protocol):
    """What takes a poll's answer: a card."""

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Take one answer of a poll."""


class OneAnswer:
    """Hands a single refresh's answer to a card that is not following its job."""

    def __init__(self, card: PollListener) -> None:
        self._card = weakref.ref(card)

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        """Pass the answer on; the card is not polling, whatever the poller says."""
        card = self._card()
        if card is not None:
            card.on_poll_result(result, still_polling=False)

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """One answer is all a stopped card asked for: its progress is not followed."""
