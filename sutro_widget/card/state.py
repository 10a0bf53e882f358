"""What a card shows, decided by one pure function: ``reduce(card, event, now)``.

Every decision about the headline lives here: the card state (``connecting``,
``not-found``, ``unauthorized``, ``unreachable``, ``stale``, ``stopped`` or
the server's canonical status), the error sentence, staleness, the status
history, when the job was seen to finish and the "checked … ago" heartbeat.
Time is passed in (epoch milliseconds from the caller's clock), so every
transition is unit-tested in virtual time; the widget only applies the
result to its traits.

Truth first: a card never shows a state it does not know. Until the server
answers, the card is ``connecting`` (or says why it cannot be: not found, key
refused, unreachable); once contact is lost after good answers it is
``stale``, and the last status stays visible as what it is, the last seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ..api.shapes import JobStatus
from ..errors import AuthenticationError, JobNotFoundError, SutroError
from .events import Answered, Event, Failed, Heard, KernelEnding, Started, Stopped

__all__ = [
    "CARD_ONLY_STATES",
    "CARD_STATES",
    "CHECKED_RESOLUTION_MS",
    "HISTORY_LIMIT",
    "KERNEL_ENDED",
    "RESULTS_SNIPPET",
    "SYNCED_FIELDS",
    "Answered",
    "CardState",
    "Event",
    "Failed",
    "Heard",
    "KernelEnding",
    "Started",
    "Stopped",
    "derive_state",
    "initial",
    "reduce",
]

#: States the card itself decides; the others are the server's canonical statuses.
#: ``unfollowed``: the kernel that followed the job is gone (said by the browser, and by
#: the saved view of a card whose kernel shuts down).
CARD_ONLY_STATES = (
    "connecting",
    "not-found",
    "unauthorized",
    "unreachable",
    "stale",
    "stopped",
    "unfollowed",
)
#: Every value of the ``state`` trait, in the order a legend would list them.
CARD_STATES = CARD_ONLY_STATES + tuple(status.value for status in JobStatus)

#: The card keeps at most this many status changes (a flapping server cannot grow it).
HISTORY_LIMIT = 50
#: "Checked N s ago" moves with every answer and, at most once a second, with
#: stream lines: it says when the server was last heard from, to the second.
#: (These updates are routine: the comm budget bounds them across all cards.)
CHECKED_RESOLUTION_MS = 1_000.0
#: Shown on a succeeded card: how to fetch the results with the official SDK.
RESULTS_SNIPPET = "import sutro as so\n\nresults = so.get_job_results({job_id!r})"

_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


#: What a card that was still following its job says once its kernel has exited.
KERNEL_ENDED = (
    "The kernel exited (a restart or a shutdown), so nothing here follows the job any more "
    "(the job runs on). Run the cell again to follow it."
)


@dataclass(frozen=True)
class CardState:
    """Everything a card shows about one job, independent of traitlets.

    The fields down to ``results_snippet`` are synced to the browser under the
    same names; the rest is what the reducer remembers between events.
    """

    job_id: str
    state: str = "connecting"
    #: The server's last canonical status; ``""`` until it answered.
    status: str = ""
    raw_status: str = ""
    message: str = ""
    metadata: MappingProxyType[str, Any] = field(default_factory=lambda: _EMPTY)
    error: str = ""
    polling: bool = False
    stale: bool = False
    #: Epoch ms at which the card first saw a final status; 0 until then.
    finished_at: float = 0.0
    #: Epoch ms of the last good answer: refreshed on change or every heartbeat
    #: while live, exact (the moment contact was last confirmed) once stale.
    last_checked_at: float = 0.0
    #: The status changes seen, oldest first: ``(status, epoch ms)``.
    history: tuple[tuple[str, float], ...] = ()
    results_snippet: str = ""
    #: Epoch ms of the last sign of life (an answer or a stream line).
    last_contact: float | None = None
    #: The same moment on the monotonic clock (seconds): what staleness is decided on,
    #: so a wall clock that jumps (either way) changes nothing.
    contact_mono: float | None = None
    #: The error that ended polling for good (a refused key, an unknown job).
    fatal: SutroError | None = None
    #: The user pressed Stop (cleared by Start).
    stopped: bool = False
    #: Epoch ms where a stopped card's clock stands: the moment of Stop if the
    #: card was live then (its clock was right to run until the user stopped
    #: it), else the last contact; 0 while not stopped.
    stopped_at: float = 0.0
    #: The kernel exited while the job was not final: nothing follows it now.
    unfollowed: bool = False

    @property
    def is_final(self) -> bool:
        """Whether the job reached a status it never leaves."""
        return self.status != "" and JobStatus(self.status).is_final

    @property
    def is_live(self) -> bool:
        """Whether the numbers shown (rate, ETA, progress) are current."""
        return self.state not in CARD_ONLY_STATES[1:] and not self.is_final


#: The fields of :class:`CardState` that are traits of the same name.
SYNCED_FIELDS = (
    "state",
    "status",
    "raw_status",
    "message",
    "metadata",
    "error",
    "polling",
    "stale",
    "finished_at",
    "last_checked_at",
    "stopped_at",
    "history",
    "results_snippet",
)


def initial(job_id: str) -> CardState:
    """The state of a card that has not heard from the server yet."""
    return CardState(job_id=job_id)


def reduce(
    card: CardState, event: Event, now: float, *, stale_after: float, mono: float | None = None
) -> CardState:
    """The card after ``event`` at epoch-ms ``now``; ``stale_after`` is in seconds.

    ``mono`` is the same moment on a monotonic clock (seconds; default ``now``):
    the times shown are the wall clock's, the decisions the monotonic one's.
    """
    mono = now / 1000.0 if mono is None else mono
    if isinstance(event, Answered):
        card = replace(_answered(card, event, now), contact_mono=mono)
    elif isinstance(event, Failed):
        card = _failed(card, event, mono, stale_after)
    elif isinstance(event, Heard):
        fresh = now - card.last_checked_at >= CHECKED_RESOLUTION_MS and not card.stale
        card = replace(
            card,
            last_contact=now,
            contact_mono=mono,
            last_checked_at=now if fresh else card.last_checked_at,
        )
    elif isinstance(event, Started):
        card = replace(card, polling=True, stopped=False, stopped_at=0.0, fatal=None, error="")
    elif isinstance(event, KernelEnding):
        card = _kernel_ending(card, now)
    else:
        card = _stopped(card, now)
    return replace(card, state=derive_state(card))


def derive_state(card: CardState) -> str:
    """The headline state: final, then why not reached, then stopped, stale, the status."""
    if card.is_final:
        return card.status
    if card.unfollowed:
        return "unfollowed"
    if card.fatal is not None:
        if isinstance(card.fatal, JobNotFoundError):
            return "not-found"
        if isinstance(card.fatal, AuthenticationError):
            return "unauthorized"
        return "unreachable"
    if card.stopped and not card.polling:
        return "stopped"
    if card.stale:
        return "stale"
    if card.error and not card.status:
        return "unreachable"
    return card.status or "connecting"


def _answered(card: CardState, event: Answered, now: float) -> CardState:
    report = event.report
    status = report.status.value
    metadata = MappingProxyType(dict(report.metadata))
    history = card.history
    if status != card.status or not history:
        history = (*history, (status, now))[-HISTORY_LIMIT:]
    return replace(
        card,
        status=status,
        raw_status=report.raw_status,
        message=report.message,
        metadata=metadata,
        error="",
        stale=False,
        fatal=None,
        polling=event.still_polling,
        history=history,
        last_contact=now,
        last_checked_at=now,
        finished_at=card.finished_at or (now if report.is_final else 0.0),
        results_snippet=card.results_snippet
        or (RESULTS_SNIPPET.format(job_id=card.job_id) if status == "succeeded" else ""),
    )


def _stopped(card: CardState, now: float) -> CardState:
    """Stop: "last seen" keeps the last contact; the clock stops where the user stopped it.

    A live card's clock runs with the browser's between answers, so freezing
    it at the last contact would turn it back by up to a heartbeat; a card
    that was already stale or unreachable stays frozen at its last contact.
    A final card keeps its outcome and its clock (and sends nothing new: many
    finished cards closed at once must not burst past the comm budget).
    """
    if card.stopped:
        return card
    if card.is_final:
        return replace(card, polling=False, stopped=True)
    checked = card.last_contact if card.last_contact is not None else card.last_checked_at
    stopped_at = now if card.is_live and checked else checked
    return replace(
        card, polling=False, stopped=True, last_checked_at=checked, stopped_at=stopped_at
    )


def _kernel_ending(card: CardState, now: float) -> CardState:
    """The kernel exits: a card not yet final says nothing follows it, its clock stopped now."""
    if card.is_final:
        return card
    return replace(_stopped(card, now), unfollowed=True, error=KERNEL_ENDED)


def _failed(card: CardState, event: Failed, mono: float, stale_after: float) -> CardState:
    error = event.error
    fatal = error if not error.transient else None
    contact = card.last_contact
    heard = card.contact_mono
    stale = card.stale or (heard is not None and mono - heard > stale_after)
    # Once stale, say exactly when the state was last confirmed, not the
    # heartbeat-rounded time the browser has been shown so far.
    checked = contact if stale and not card.stale and contact is not None else None
    return replace(
        card,
        error=str(error),
        polling=event.still_polling,
        fatal=fatal if fatal is not None else card.fatal,
        stale=stale and card.status != "",
        last_checked_at=checked if checked is not None else card.last_checked_at,
    )
