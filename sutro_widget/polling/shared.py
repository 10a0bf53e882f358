"""The process-wide poller that every card shares unless given one.

One per process is the point: however many cards a notebook shows, one
thread polls them all. Created on first use, shut down at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .poller import Poller

T = TypeVar("T")

_default_poller: Poller | None = None
_default_lock = threading.Lock()


def default_poller() -> Poller:
    """The process-wide poller every widget shares (created on first use)."""
    global _default_poller
    from .poller import Poller  # with the first card: the HTTP stack comes with it

    with _default_lock:
        if _default_poller is None:
            _default_poller = Poller()
            atexit.register(_default_poller.shutdown)
        return _default_poller


def per_poller(factory: Callable[[Poller], T]) -> Callable[[Poller], T]:
    """A function returning one ``factory(poller)`` per poller, made on first use.

    For what every widget of one poller must share (its feeds, its comm
    budget); held weakly, so it goes with its poller.
    """
    made: weakref.WeakKeyDictionary[Poller, T] = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    def of(poller: Poller) -> T:
        with lock:
            found = made.get(poller)
            if found is None:
                found = made[poller] = factory(poller)
            return found

    return of
