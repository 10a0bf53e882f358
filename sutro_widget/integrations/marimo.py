"""marimo reactivity for a card: a marimo state that follows the job's status.

A card's traits change on the poller thread, outside marimo's dataflow graph,
so a cell that reads ``card.status`` never re-runs by itself. marimo re-runs
the cells that read a ``mo.state`` getter when its setter is called, but only
from a thread that carries marimo's runtime context: a setter called from the
poller thread (a plain thread) changes the value and re-runs nothing. So
:func:`status_state` relays each change through a ``mo.Thread``::

    get_status = status_state(card)          # in one cell
    mo.md(f"status is {get_status()}")       # in another: re-runs on each change

The relay stops when the cell that made it is re-run or deleted.
"""

from __future__ import annotations

import queue
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from sutro_widget.card.widget import JobStatusWidget

#: How often the relay checks whether its cell was invalidated (seconds).
RELAY_CHECK_S = 0.25


def status_state(card: JobStatusWidget) -> Callable[[], str]:
    """A marimo state getter holding ``card``'s server status, updated on every change.

    Call it in a marimo cell and keep the result in a global: cells that call
    the getter re-run when the status changes (``""`` until the server answered).
    Raises ``RuntimeError`` outside a running marimo notebook.
    """
    import marimo as mo

    if not mo.running_in_notebook():
        raise RuntimeError("status_state needs a running marimo notebook.")
    getter, setter = mo.state(str(card.status))
    changes: queue.SimpleQueue[str] = queue.SimpleQueue()
    card.on_change(changes.put)
    mo.Thread(target=_relay, args=(changes, setter), daemon=True).start()
    result: Callable[[], str] = getter
    return result


def _relay(changes: queue.SimpleQueue[str], setter: Callable[[Any], None]) -> None:
    """Hand each status from the poller thread to marimo, from a thread marimo knows."""
    import marimo as mo

    thread = mo.current_thread()
    while not thread.should_exit:
        try:
            status = changes.get(timeout=RELAY_CHECK_S)
        except queue.Empty:
            continue
        setter(status)
