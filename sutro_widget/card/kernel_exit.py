"""When the kernel exits, every card still following a job says so in the saved notebook.

A restart or shutdown ends the poller with the kernel. The live view learns it
from the page (``js/kernel-watch.ts``); the *saved* notebook only knows what
the kernel last published as the outputs' static ``text/html`` and
``text/plain``, which would go on saying "Running". So, as the interpreter
exits (``atexit``: a restart or a shutdown, not a kill), each card that is not
final republishes them as "Not followed". A kernel killed outright cannot say
anything; its saved outputs keep their last state and when it was seen.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from typing import Protocol

log = logging.getLogger(__name__)


class Followable(Protocol):
    """What a card offers to be told that its kernel is exiting."""

    def on_kernel_exit(self) -> None:
        """Record that nothing follows the job any more, and say so where it is saved."""


_cards: weakref.WeakSet[Followable] = weakref.WeakSet()
_lock = threading.Lock()
_registered = False


def tell_at_exit(card: Followable) -> None:
    """Have ``card`` told when the interpreter exits (held weakly: a dropped card is not)."""
    global _registered
    with _lock:
        _cards.add(card)
        if not _registered:
            atexit.register(_kernel_exits)
            _registered = True


def _kernel_exits() -> None:
    with _lock:
        cards = list(_cards)
    for card in cards:
        try:
            card.on_kernel_exit()
        except Exception:  # the kernel is going: one card's trouble must not stop the others
            log.debug("a card could not say its kernel exited", exc_info=True)
