"""Keep the saved notebook true: every output of a card is re-published when it ends.

A widget's output holds, beside the live view, static ``text/html`` and
``text/plain`` that GitHub, nbviewer and ``nbconvert --to html`` show with no
kernel. Taken at display time, they would say "Connecting" forever. So a card
displays itself with a ``display_id`` (through ``_ipython_display_``, which
IPython uses both for ``display(w)`` and for a cell's last expression) and,
when it reaches a final state, is stopped or closed, updates every output with
that id (``update_display``).

A headless run (nbclient, papermill, ``nbconvert --execute``) only records
messages whose parent is the cell being executed; an update sent from the
poller thread while a later cell runs may carry another parent (kernels
differ). So an update made while a cell runs is published again when that
cell ends (IPython's ``post_run_cell``), with that cell as parent. An update
made while the kernel is idle (a user watching in JupyterLab) is published
once: each publish redraws the live view, so no more often than needed.
"""

from __future__ import annotations

import logging
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Bundle = dict[str, Any]
#: Builds the current mime bundle of a card (live view plus static stand-ins).
BundleSource = Callable[[], Bundle]

_pending: weakref.WeakValueDictionary[str, SavedView] = weakref.WeakValueDictionary()
_pending_lock = threading.Lock()
_hooked_shells: weakref.WeakSet[Any] = weakref.WeakSet()
#: Set while IPython runs a cell (between ``pre_run_cell`` and ``post_run_cell``).
_cell_running = threading.Event()


class SavedView:
    """The outputs that show one card, and how to bring their static parts up to date."""

    def __init__(self, bundle: BundleSource) -> None:
        self.display_id = uuid.uuid4().hex
        self._bundle = bundle
        self._shown = False

    def show(self) -> None:
        """Display the card with this view's ``display_id`` (one more output)."""
        from IPython.display import display

        self._shown = True
        _hook_current_shell()
        display(self._bundle(), raw=True, display_id=self.display_id)  # type: ignore[no-untyped-call]

    def refresh(self) -> None:
        """Re-publish every output's static parts now (and when the running cell ends)."""
        if not self._shown:
            return
        self._publish()
        self._publish_at_cell_end()

    def refresh_soon(self, schedule: Callable[[], None]) -> None:
        """A change that need not go now: published when the running cell ends, else ``schedule``.

        While a cell runs, the copy goes once, at its end, with that cell as parent
        (a headless run keeps it). With the kernel idle, ``schedule`` (a paced
        :meth:`refresh`) sends it: a copy redraws the live view, so not per change.
        """
        if self._shown and not self._publish_at_cell_end():
            schedule()

    def _publish_at_cell_end(self) -> bool:
        """Publish again when the running cell ends; ``False`` if no cell is running."""
        with _pending_lock:
            if _cell_running.is_set():
                _pending[self.display_id] = self
                return True
        return False

    def _publish(self) -> None:
        try:
            from IPython.display import update_display

            update_display(self._bundle(), raw=True, display_id=self.display_id)  # type: ignore[no-untyped-call]
        except Exception:  # no kernel, or the frontend is gone: the live card is all there is
            log.debug("could not update the saved view of a card", exc_info=True)


def _hook_current_shell() -> None:
    """Register the post-cell re-publish once per IPython shell."""
    try:
        from IPython.core.getipython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    # Typed from IPython 9 on; IPython 8 (the last on Python 3.10) leaves it untyped.
    shell = get_ipython()  # type: ignore[no-untyped-call, unused-ignore]
    if shell is None or shell in _hooked_shells:
        return
    _hooked_shells.add(shell)
    shell.events.register("pre_run_cell", _cell_starts)
    shell.events.register("post_run_cell", _publish_pending)
    _cell_running.set()  # the cell displaying the first card is running now


def _cell_starts(*_args: object) -> None:
    _cell_running.set()


def _publish_pending(*_args: object) -> None:
    """After a cell: re-publish the views that changed during it, with that cell as parent."""
    with _pending_lock:
        _cell_running.clear()
        views = list(_pending.values())
        _pending.clear()
    for view in views:
        view._publish()
