"""One request on the poller's loop, with every failure turned into a value.

A poll or a one-off call (details, cancel) must never raise into the loop:
a :class:`~sutro_widget.errors.SutroError` is the answer, and a bug becomes a
:class:`~sutro_widget.errors.NetworkError` sentence on the card rather than a
dead thread. Listener and callback bugs are logged, never propagated.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..api.answers import waiting
from ..api.shapes import StatusReport
from ..errors import NetworkError, RateLimitedError, SutroError
from .details_support import Asker, DetailsSupport
from .slots import URGENT, OriginSlots
from .watch import Watch

log = logging.getLogger(__name__)

#: A one-off request to run on the poller's loop: given the pooled client, a coroutine.
Call = Callable[[httpx.AsyncClient], Awaitable[Any]]


@dataclass(frozen=True)
class Submitted:
    """A one-off call waiting to run: what to do, whom to tell, which slots it needs."""

    call: Call
    done: Callable[[Any], None]
    #: The deployment whose slots the call waits for; ``None``: no request (a timer).
    base_url: str | None
    priority: int


@dataclass(frozen=True)
class Work:
    """One turn of the poller's loop: watches due now, one-off calls, and the sleep after."""

    ready: list[Watch]
    calls: list[Submitted]
    #: The watches still wanted, when some went since the last turn (else ``None``).
    live: set[Watch] | None
    sleep: float | None


@dataclass(frozen=True)
class Polled:
    """One poll's outcome, and how many requests it took (each spends the poll budget)."""

    result: StatusReport | SutroError
    requests: int


async def ask_status(watch: Watch, http: httpx.AsyncClient, support: DetailsSupport) -> Polled:
    """The status of ``watch``'s job (with its details where one request gives both), or the error.

    ``support`` knows which deployments answer ``jobs/{id}`` (:mod:`~.details_support`).
    """
    ask = Asker(watch.client, watch.job_id, http)
    result: StatusReport | SutroError
    try:
        result = await support.poll(ask)
    except RateLimitedError as exc:
        result = as_waited(exc, watch.policy.max_retry_after)
    except SutroError as exc:
        result = exc
    except Exception as exc:  # a bug must become a card message, not a dead thread
        log.debug("unexpected error polling %s", watch.job_id, exc_info=True)
        result = NetworkError(f"Unexpected problem while polling ({type(exc).__name__}).")
    return Polled(result, max(1, ask.requests))


async def ask_in_turn(
    watch: Watch, http: httpx.AsyncClient, slots: OriginSlots, support: DetailsSupport
) -> Polled | None:
    """:func:`ask_status` once a slot of the job's deployment is free (status polls go first).

    ``None``: the watch was dropped while it waited, and nothing was asked.
    """
    async with slots.of(watch.client.base_url).held(URGENT):
        return await ask_status(watch, http, support) if watch.active else None


async def run_in_turn(call: Submitted, http: httpx.AsyncClient, slots: OriginSlots) -> Any:
    """:func:`run_call` once a slot of the call's deployment is free, by its priority."""
    if call.base_url is None:
        return await run_call(call.call, http)
    async with slots.of(call.base_url).held(call.priority):
        return await run_call(call.call, http)


async def run_call(call: Call, http: httpx.AsyncClient) -> Any:
    """The result of a one-off ``call``, or the :class:`SutroError` it raised."""
    try:
        return await call(http)
    except SutroError as exc:
        return exc
    except Exception as exc:  # a bug must become a message, not a dead thread
        log.debug("unexpected error in a one-off request", exc_info=True)
        return NetworkError(f"Unexpected problem talking to Sutro ({type(exc).__name__}).")


def as_waited(error: RateLimitedError, max_wait: float) -> RateLimitedError:
    """``error`` as the card should tell it: with the wait this policy really uses.

    The policy never waits longer than its ``max_retry_after``, so a longer
    ``Retry-After`` is reported (and kept) as that cap, not as asked.
    """
    if error.retry_after is None or error.retry_after <= max_wait:
        return error
    return RateLimitedError(
        f"The server is rate limiting requests (HTTP 429).{waiting(max_wait)}",
        status_code=error.status_code,
        retry_after=max_wait,
    )


def deliver(callback: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Call a listener or callback; its bug is logged and must not stop other jobs."""
    try:
        callback(*args, **kwargs)
    except Exception:
        log.exception("a sutro-widget listener failed")
