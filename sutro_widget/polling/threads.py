"""Which thread is a poller's: what "from the background" means for the card.

Listeners and user callbacks run on the poller thread. A card holds back
what it sends from there (frontend sync, the comm budget), and ``wait()``
refuses to block there; everything else (the main thread, ipykernel's
subshell threads answering browser messages) acts at once.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

#: The name every poller gives its thread.
POLLER_THREAD_NAME = "sutro-widget-poller"


def on_poller_thread() -> bool:
    """Whether the caller runs on a poller thread (a listener, a callback)."""
    return threading.current_thread().name == POLLER_THREAD_NAME


def signal_loop(loop: asyncio.AbstractEventLoop | None, event: asyncio.Event | None) -> None:
    """Set ``event`` on ``loop`` from another thread (RuntimeError: the loop just closed)."""
    if loop is not None and event is not None:
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(event.set)
