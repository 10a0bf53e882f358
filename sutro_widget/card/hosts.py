"""Where the kernel runs, and what that means for a card that updates from a thread.

Most hosts (JupyterLab, Notebook 7, VS Code, Voila, marimo) deliver comm
messages sent from the poller thread. Colab drops them until some later cell
runs (googlecolab/colabtools#3373), so there the card's own timer asks and the
kernel answers from its message handler ("frontend" sync). Pyodide
(JupyterLite) has no threads or sockets, so a card cannot poll at all there.
"""

from __future__ import annotations

import sys

SYNC_MODES = ("auto", "thread", "frontend")

#: Said on the card where it cannot poll.
CANNOT_POLL = (
    "This notebook runs in the browser (Pyodide / JupyterLite), which has no threads or "
    "sockets for the card to poll with: run it in a Jupyter kernel to follow the job."
)


def is_colab() -> bool:
    """Whether the kernel is a Google Colab one."""
    return "google.colab" in sys.modules


def can_poll() -> bool:
    """Whether this Python can run the poller (threads and sockets): not under Pyodide."""
    return sys.platform != "emscripten"


def resolve_sync(mode: str) -> str:
    """``thread`` or ``frontend`` for ``mode``; ``auto`` picks ``frontend`` on Colab."""
    if mode not in SYNC_MODES:
        raise ValueError(f"sync must be one of {', '.join(SYNC_MODES)}, not {mode!r}.")
    if mode == "auto":
        return "frontend" if is_colab() else "thread"
    return mode
