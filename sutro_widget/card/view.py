"""What the browser sees of a card: its traits, their one writer, its static forms.

The traits are the Python half of the card's contract (``js/model.ts``
declares the same names and types; a contract test holds the two equal).
:class:`CardView` sets them only in :meth:`CardView._write`, from the pure
reducer's output (:meth:`CardView._apply`), and renders the same state as
``text/plain`` and ``text/html`` for frontends without widgets. Following the
job (HTTP, polling) is :class:`~sutro_widget.card.widget.JobStatusWidget`'s.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import traitlets

from ..polling.clock import Clock
from .assets import CSS, ESM
from .host_widget import HostWidget
from .kernel_exit import tell_at_exit
from .sendable import sendable
from .state import SYNCED_FIELDS, CardState, Event, KernelEnding, initial, reduce

log = logging.getLogger(__name__)


class CardView(HostWidget):
    """Every synced trait of a job card, with what it means, and their one writer."""

    _esm = ESM
    _css = CSS

    job_id = traitlets.Unicode(read_only=True).tag(sync=True)
    #: What the headline says: a card state (``connecting``, ``not-found``,
    #: ``unauthorized``, ``unreachable``, ``stale``, ``stopped``, ``unfollowed``) or the status.
    state = traitlets.Unicode("connecting").tag(sync=True)
    #: The server's last canonical status; ``""`` until it answered.
    status = traitlets.Unicode("").tag(sync=True)
    raw_status = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    metadata = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    polling = traitlets.Bool(False).tag(sync=True)
    started_at = traitlets.Float(0.0).tag(sync=True)
    finished_at = traitlets.Float(0.0).tag(sync=True)
    last_checked_at = traitlets.Float(0.0).tag(sync=True)
    #: Epoch ms where a stopped card's clock stands (the moment of Stop if it was
    #: live, else its last contact); 0 while not stopped.
    stopped_at = traitlets.Float(0.0).tag(sync=True)
    #: True once contact is lost after good answers (``state == "stale"`` while polling).
    stale = traitlets.Bool(False).tag(sync=True)
    #: Name, model, rows, tokens, cost and times from ``jobs/{id}``; ``{}`` where
    #: the deployment has no such endpoint (the legacy API).
    details = traitlets.Dict().tag(sync=True)
    #: Live progress while the job runs: rows_done, rows_total, input_tokens,
    #: output_tokens, tokens_per_second, rows_per_second, eta_seconds, streaming.
    progress = traitlets.Dict().tag(sync=True)
    #: The status changes this card saw, ``[{"status": ..., "at": epoch ms}, ...]``.
    history: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    #: ``""`` or why the last cancel request was refused or failed.
    cancel_error = traitlets.Unicode("").tag(sync=True)
    #: On success, a snippet that fetches the results with the official SDK.
    results_snippet = traitlets.Unicode("").tag(sync=True)
    #: Whether views start folded to one line (each view's fold button toggles).
    compact = traitlets.Bool(False).tag(sync=True)
    #: Badge the tab (and notify, where already allowed) when a job of over a minute ends.
    notify = traitlets.Bool(False).tag(sync=True)
    #: The base URL the card asks (no secret): JupyterLab's server may follow the job
    #: there once the kernel is gone, and only there.
    deployment = traitlets.Unicode("").tag(sync=True)

    def __init__(self, job_id: str, *, clock: Clock, stale_after: float, **kwargs: Any) -> None:
        self._clock = clock
        self._stale_after = stale_after
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._card = initial(job_id)
        # Set before the comm opens, so they travel in its first message: 500
        # cards made in one cell must not cost 1,500 updates right after.
        self.set_trait("job_id", job_id)
        super().__init__(started_at=self._now(), **kwargs)
        tell_at_exit(self)

    def on_kernel_exit(self) -> None:
        """The kernel is exiting: a card not yet final says nothing follows its job now.

        Its saved outputs are republished, so the notebook file says so too.
        """
        with self._lock:
            if self._card.is_final:
                return
            self._apply(KernelEnding())
        self.saved_view.refresh()

    def _apply(self, event: Event) -> tuple[CardState, CardState]:
        with self._lock:
            before = self._card
            after = reduce(
                before,
                event,
                self._now(),
                stale_after=self._stale_after,
                mono=self._clock.monotonic(),
            )
            self._card = after
            changes = {
                name: _trait_value(getattr(after, name))
                for name in SYNCED_FIELDS
                if getattr(before, name) != getattr(after, name)
            }
            self._write(**changes)
        return before, after

    def _write(self, **traits: Any) -> None:
        """The one place synced traits are set; a failing sync cannot skip the notification."""
        if not traits:
            return
        with self._lock:
            try:
                with self.hold_sync():
                    for name, value in traits.items():
                        self.set_trait(name, sendable(value))
            except Exception:  # the browser may miss this change; the kernel must not
                log.exception("could not send a change of the card to the browser")
            finally:
                self._changed.notify_all()

    # -- representations ---------------------------------------------------------------
    # The text and HTML forms (card/fallback.py, with the html module) load at the
    # first display, not at import: ``from sutro_widget import JobStatusWidget`` stays cheap.

    def __repr__(self) -> str:
        if not self._ready:
            return f"<{type(self).__name__} (not created)>"
        from . import fallback

        return fallback.render_text(self._card, now=self._now())

    def static_html(self) -> str:
        """The saved notebook's stand-in, kept true by the saved view."""
        from . import fallback

        return fallback.render_html(self._card, self.details, now=self._now())

    def _now(self) -> float:
        return self._clock.wall() * 1000.0


def _trait_value(value: Any) -> Any:
    """A reducer field as its trait wants it (plain dicts and lists)."""
    if isinstance(value, tuple):
        return [{"status": status, "at": at} for status, at in value]
    if not isinstance(value, (str, bool, int, float)):
        return dict(value)
    return value
