"""Kernel > Interrupt ends ``await card.wait_async()``, as it ends ``card.wait()``.

ipykernel runs a cell with top-level ``await`` as a task and, on SIGINT, is
meant to cancel it; ipykernel 7 does not (ipython/ipykernel#881: even
``await asyncio.sleep(100)`` runs on), so an awaited wait would hold the prompt
until the job ends. While one of our waits is awaited on the main thread under
such a host handler, :func:`interruptible` chains a handler of its own that
cancels that wait's task and makes it raise ``KeyboardInterrupt``; the host's
handler still runs, and is put back when the wait ends. Where SIGINT already
raises (a plain ``asyncio.run`` script, a terminal) nothing is changed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType


@contextlib.contextmanager
def interruptible() -> Iterator[Callable[[], bool]]:
    """Inside: SIGINT cancels the current task; the yielded function says whether it did."""
    import asyncio  # only an awaited wait needs it, and has it loaded

    task = asyncio.current_task()
    previous = signal.getsignal(signal.SIGINT)
    main = threading.current_thread() is threading.main_thread()
    if task is None or not main or not callable(previous):
        yield lambda: False
        return
    if previous is signal.default_int_handler:  # SIGINT raises here already
        yield lambda: False
        return
    loop = task.get_loop()
    fired = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        fired.set()
        loop.call_soon_threadsafe(task.cancel)
        previous(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield fired.is_set
    finally:
        if signal.getsignal(signal.SIGINT) is on_sigint:
            signal.signal(signal.SIGINT, previous)
