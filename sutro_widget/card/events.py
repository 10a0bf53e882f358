"""What can happen to a card: the events ``reduce(card, event, now)`` takes (card/state.py).

A poll answered or failed, a stream line was heard, the user started or
stopped following, the kernel is ending. Pure data, no behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..api.shapes import StatusReport
from ..errors import SutroError


@dataclass(frozen=True)
class Answered:
    """A status poll came back with an answer."""

    report: StatusReport
    #: Whether the poller will ask again (False after a final status or a one-off refresh).
    still_polling: bool


@dataclass(frozen=True)
class Failed:
    """A status poll failed; ``error`` is the one sentence the card shows."""

    error: SutroError
    still_polling: bool


class _Signal:
    """An event that carries nothing but its kind: any two of one kind are equal.

    A plain class, not a dataclass: four of them cost the card's import ~1 ms
    as frozen dataclasses, for methods that compare nothing.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Heard(_Signal):
    """A progress-stream line arrived: the server is alive, whatever the last poll said."""

    __slots__ = ()


class Started(_Signal):
    """The user (or the constructor) started or resumed following the job."""

    __slots__ = ()


class Stopped(_Signal):
    """The user stopped following the job; the job itself carries on."""

    __slots__ = ()


class KernelEnding(_Signal):
    """The kernel is exiting: nothing will follow the job here any more (it carries on)."""

    __slots__ = ()


Event = Answered | Failed | Heard | Started | Stopped | KernelEnding
