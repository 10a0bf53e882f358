"""What every widget of ours needs from its host: true saved outputs, delivered updates.

:class:`HostWidget` is the base of the card and the board:

* **Saved outputs stay true.** Subclasses say what their static ``text/html``
  is (:meth:`HostWidget.static_html`) and call ``self.saved_view.refresh()``
  when their state ends; display goes through ``_ipython_display_`` so every
  output carries the widget's ``display_id`` (:mod:`~.saved_view`).
* **Updates arrive where the host drops thread sends.** In ``frontend`` sync
  (:mod:`~.hosts`), state changes made on the poller thread are not sent; the
  browser's timer sends ``{"type": "sync"}`` and the kernel answers from its
  message handler with every trait that changed since.
* **One copy of the code per page** (:mod:`~.served_assets`): once the page
  said where its Jupyter server serves this build, new widgets name that
  module instead of carrying it inline.
* **Updates stay within the comm budget** (:mod:`~.budget`): a send that
  finds no room waits (errors and final states first, then changes of
  state, then progress) and goes out later with the latest values.

The trait values in Python are always current; only the sending waits.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import anywidget
import traitlets

from ..polling.threads import on_poller_thread
from . import served_assets
from .budget import NEWS, NEWS_TRAITS, ROUTINE, URGENT, URGENT_TRAITS, CommBudget
from .saved_view import Bundle, SavedView


class HostWidget(anywidget.AnyWidget):
    """The base of the card and the board; see the module docstring."""

    #: ``thread`` (changes are sent as they happen) or ``frontend`` (sent when asked).
    sync_mode = traitlets.Unicode("thread").tag(sync=True)
    #: This widget's name for its views (``js/view-memory.ts``): a host draws a new view
    #: when the output is updated (the saved copy, at a job's end), and the new view
    #: reopens what the user had open in the last one: an unfolded row, a confirm, a fold.
    _view_key = traitlets.Unicode().tag(sync=True)

    #: The built module inline (a subclass's class attribute; an instance may name a URL instead).
    _esm: str
    #: The built module this widget's ``_esm`` is (served under this name by the server extension).
    _entry = "widget.js"

    #: False until the subclass's ``__init__`` finished: a rejected constructor
    #: leaves nothing to close, and ``repr`` says so instead of raising.
    _ready = False

    def __init__(self, *, budget: CommBudget | None = None, **kwargs: Any) -> None:
        self.saved_view = SavedView(self._bundle)
        self._unsent: set[str] = set()
        self._unsent_lock = threading.Lock()
        self._budget = budget
        # Read by AnyWidget.__init__, which makes them this instance's synced traits.
        self._esm, self._css = served_assets.code_for(self._entry, self._esm)
        super().__init__(**kwargs)
        self.on_msg(self._on_assets_offer)

    @traitlets.default("_view_key")
    def _new_view_key(self) -> str:
        return uuid.uuid4().hex

    def static_html(self) -> str:
        """The self-contained HTML stand-in of the live view."""
        raise NotImplementedError

    # -- delivery -----------------------------------------------------------------------

    def send_state(self, key: str | list[str] | tuple[str, ...] | None = None) -> None:
        """Send now; or, from the poller thread, later in frontend sync or past the budget."""
        if getattr(self, "_unsent_lock", None) is None:  # still inside AnyWidget.__init__
            super().send_state(key)
            return
        # ``None`` means every trait; an empty set (a ``hold_sync`` that changed
        # nothing) means none, not the whole state with the ESM and CSS again.
        keys = {key} if isinstance(key, str) else set(self.keys if key is None else key)
        if not keys:
            return
        # Only the poller's sends wait: a message handler's answer (on the main
        # thread, or on ipykernel's subshell threads) goes out at once.
        if on_poller_thread():
            if self.sync_mode == "frontend":
                self._hold(keys)
                return
            budget = self._budget
            tier = URGENT if keys & URGENT_TRAITS else NEWS if keys & NEWS_TRAITS else ROUTINE
            if budget is not None and not budget.take(tier):
                self._hold(keys)
                budget.queue(id(self), self._send_held, tier)
                return
        with self._unsent_lock:  # whatever waited goes out with this send
            keys |= self._unsent
            self._unsent = set()
        super().send_state(sorted(keys))

    def answer_sync_request(self) -> None:
        """Send every trait held back since the last send, now (the browser asked)."""
        self._send_held()

    def _send_held(self) -> bool:
        """Send every trait held back since the last send; ``True`` if there were any."""
        with self._unsent_lock:
            keys, self._unsent = sorted(self._unsent), set()
        if keys:
            super().send_state(keys)
        return bool(keys)

    def _hold(self, keys: set[str]) -> None:
        with self._unsent_lock:
            self._unsent.update(keys)

    def _on_assets_offer(self, _widget: object, content: object, _buffers: object) -> None:
        """A view says where its page's server serves this build: later widgets use it."""
        served_assets.take_offer(content)

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
