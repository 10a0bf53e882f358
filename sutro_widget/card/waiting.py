"""Telling user code about a job: callbacks, ``wait()`` and ``wait_async()``.

Callbacks run on the poller thread, so one that raises is logged and
forgotten for that call: it must never stop the poller or other cards; and
one that *blocks* there (``wait()`` inside ``on_complete``) would stop every
card in the kernel, so :func:`wait_blocking` refuses to run on that thread.
``on_complete`` callbacks run exactly once, even when registered after the
job finished. Async waiters are futures on the caller's own event loop,
settled thread-safely from the poller thread.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..polling.threads import on_poller_thread
from .interrupt import interruptible
from .state import CardState

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

StatusCallback = Callable[[str], object]
T = TypeVar("T")
#: Returns the outcome (a final status), ``None`` while waiting may still end, or raises.
Outcome = Callable[[], "T | None"]
#: Says what stands in the way right now, for the ``TimeoutError``.
Problem = Callable[[float | None], str]


def outcome(card: CardState, *, details_pending: bool) -> str | None:
    """The final status once known with its final details; raise if it can never come."""
    if card.is_final and not details_pending:
        return card.status
    if card.fatal is not None:
        raise card.fatal
    if not card.polling and not card.is_final:
        raise RuntimeError(
            f"Job {card.job_id!r} is not being followed: call start() before waiting for it."
        )
    return None


def problem(card: CardState, timeout: float | None) -> str:
    """What a ``TimeoutError`` says: the current problem when there is one."""
    if card.state == "unreachable":
        return f"Job {card.job_id!r} was not reached in {timeout} s: {card.error}"
    if card.state == "stale":
        seen = f"last seen {card.status}"
        return f"Contact about job {card.job_id!r} was lost ({seen}): {card.error}"
    return f"Job {card.job_id!r} is still {card.state} after {timeout} s."


def wait_blocking(
    changed: threading.Condition,
    outcome: Outcome[T],
    problem: Problem,
    timeout: float | None,
) -> T:
    """Block on ``changed`` until ``outcome()`` gives a final status, or time runs out.

    Raises ``RuntimeError`` at once on the poller thread (from a callback),
    where waiting would stop every card in the kernel.
    """
    if on_poller_thread():
        raise RuntimeError(
            "wait() was called from an on_change/on_complete callback, which runs on the "
            "poller thread: blocking there would stop every card. Do the waiting elsewhere "
            "(or use wait_async from your own event loop)."
        )
    deadline = None if timeout is None else time.monotonic() + timeout
    with changed:
        while (final := outcome()) is None:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError(problem(timeout))
            changed.wait(remaining)
    return final


async def wait_async(
    events: JobEvents,
    changed: threading.Condition,
    outcome: Outcome[str],
    problem: Problem,
    timeout: float | None,
) -> str:
    """Await the final status on the caller's loop; raises like :func:`wait_blocking`.

    Kernel > Interrupt ends it with ``KeyboardInterrupt`` (:mod:`~.interrupt`).
    """
    with changed:
        final = outcome()
        if final is not None:
            return final
    import asyncio  # only an awaited wait needs it, and has it loaded

    future = events.add_waiter()
    with interruptible() as interrupted:
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(problem(timeout)) from None
        except asyncio.CancelledError:
            if interrupted():  # Kernel > Interrupt: as wait() says it
                raise KeyboardInterrupt from None
            raise
        finally:
            events.discard_waiter(future)


class JobEvents:
    """The callbacks and waiters of one card."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on_change: list[StatusCallback] = []
        self._on_complete: list[StatusCallback] = []
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[str]]] = []
        self._final: str | None = None
        self._failure: BaseException | None = None

    def add_change(self, callback: StatusCallback) -> None:
        """Call ``callback(status)`` on every status change from now on."""
        with self._lock:
            self._on_change.append(callback)

    def add_complete(self, callback: StatusCallback) -> None:
        """Call ``callback(final_status)`` once; at once if the job already finished."""
        with self._lock:
            final = self._final
            if final is None:
                self._on_complete.append(callback)
        if final is not None:
            run_callback(callback, final)

    def add_waiter(self) -> asyncio.Future[str]:
        """A future on the running loop that settles with the final status (or the failure)."""
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()
        with self._lock:
            if self._final is not None:
                future.set_result(self._final)
            elif self._failure is not None:
                future.set_exception(self._failure)
            else:
                self._waiters.append((loop, future))
        return future

    def discard_waiter(self, future: asyncio.Future[str]) -> None:
        """Forget a waiter that timed out or was cancelled."""
        with self._lock:
            self._waiters = [(lp, f) for lp, f in self._waiters if f is not future]

    def changed(self, status: str) -> None:
        """The status changed: run every change callback."""
        with self._lock:
            callbacks = list(self._on_change)
        for callback in callbacks:
            run_callback(callback, status)

    def completed(self, status: str) -> None:
        """The job reached a final status: run completion callbacks once, settle waiters."""
        with self._lock:
            if self._final is not None:
                return
            self._final = status
            callbacks, self._on_complete = self._on_complete, []
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            _settle(loop, future, result=status)
        for callback in callbacks:
            run_callback(callback, status)

    def failed(self, error: BaseException) -> None:
        """Polling stopped without a final status (a wrong key, an unknown job, stop())."""
        with self._lock:
            self._failure = error
            waiters, self._waiters = self._waiters, []
        for loop, future in waiters:
            _settle(loop, future, error=error)

    def reset_failure(self) -> None:
        """Polling started again: later waiters wait afresh."""
        with self._lock:
            self._failure = None


def run_callback(callback: Callable[..., object], *args: object) -> None:
    """Run a user's callback; one that raises is logged and never stops the card or board."""
    try:
        callback(*args)
    except Exception:
        log.exception("a sutro-widget callback raised; the card carries on")


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[str],
    *,
    result: str | None = None,
    error: BaseException | None = None,
) -> None:
    def settle() -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or "")

    # RuntimeError: that loop is closed, so nobody is waiting any more.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(settle)
