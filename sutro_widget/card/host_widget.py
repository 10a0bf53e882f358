"""What every widget of ours needs from its host: true saved outputs, delivered updates.

:class:`HostWidget` is the base of the card and the board:

* **Saved outputs stay true.** Subclasses say what their static ``text/html``
  is (:meth:`HostWidget.static_html`) and call ``self.saved_view.refresh()``
  when their state ends; display goes through ``_ipython_display_`` so every
  output carries the widget's ``display_id`` (:mod:`~.saved_view`).
* **Updates arrive where the host drops thread sends.** In ``frontend`` sync
  (:mod:`~.hosts`), state changes made off the main thread are not sent; the
  browser's timer sends ``{"type": "sync"}`` and the kernel answers from its
  message handler with every trait that changed since. The trait values in
  Python are always current; only the sending waits.
"""

from __future__ import annotations

import threading
from typing import Any

import anywidget
import traitlets

from .saved_view import Bundle, SavedView


class HostWidget(anywidget.AnyWidget):
    """The base of the card and the board; see the module docstring."""

    #: ``thread`` (changes are sent as they happen) or ``frontend`` (sent when asked).
    sync_mode = traitlets.Unicode("thread").tag(sync=True)

    #: False until the subclass's ``__init__`` finished: a rejected constructor
    #: leaves nothing to close, and ``repr`` says so instead of raising.
    _ready = False

    def __init__(self, **kwargs: Any) -> None:
        self.saved_view = SavedView(self._bundle)
        self._unsent: set[str] = set()
        self._unsent_lock = threading.Lock()
        super().__init__(**kwargs)

    def static_html(self) -> str:
        """The self-contained HTML stand-in of the live view."""
        raise NotImplementedError

    # -- delivery -----------------------------------------------------------------------

    def send_state(self, key: str | list[str] | tuple[str, ...] | None = None) -> None:
        """Send now, or (``frontend`` sync, off the main thread) when the browser asks."""
        frontend = getattr(self, "_unsent_lock", None) is not None and self.sync_mode == "frontend"
        if frontend and threading.current_thread() is not threading.main_thread():
            keys = [key] if isinstance(key, str) else list(key or self.keys)
            with self._unsent_lock:
                self._unsent.update(keys)
            return
        super().send_state(key)

    def answer_sync_request(self) -> None:
        """The browser asked (``frontend`` sync): send every trait changed since, now."""
        with self._unsent_lock:
            keys, self._unsent = sorted(self._unsent), set()
        if keys:
            super().send_state(keys)

    # -- representations ---------------------------------------------------------------

    def _bundle(self) -> Bundle:
        bundle = self._repr_mimebundle_()
        return bundle[0] if bundle else {"text/plain": repr(self)}

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[Bundle, Bundle] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/plain": repr(self), "text/html": self.static_html()}, metadata

    def _ipython_display_(self) -> None:
        """Display with a ``display_id``, so the saved output can be kept true later."""
        self.saved_view.show()
