"""The process-wide poller that every card shares unless given one.

One per process is the point: however many cards a notebook shows, one
thread polls them all. Created on first use, shut down at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading

from .poller import Poller

_default_poller: Poller | None = None
_default_lock = threading.Lock()


def default_poller() -> Poller:
    """The process-wide poller every widget shares (created on first use)."""
    global _default_poller
    with _default_lock:
        if _default_poller is None:
            _default_poller = Poller()
            atexit.register(_default_poller.shutdown)
        return _default_poller
