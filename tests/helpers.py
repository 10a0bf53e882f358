"""Helpers every test layer shares: waiting for another thread, cards on the simulator,
coroutines off the main thread, and a clock a test moves by hand.

Fixtures live in ``conftest.py``; plain functions live here, so no test module
imports from another.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from sutro_widget import JobStatusWidget, PollPolicy
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator

T = TypeVar("T")

#: Fast enough that a test never waits long for a poll, slow enough not to spin.
#: Polls every 0.2 s at most, with a stream open too (the default net is 13.5-60 s).
FAST = PollPolicy(
    initial_interval=0.05,
    max_interval=0.2,
    error_initial=0.05,
    error_max=0.2,
    streaming_interval=0.2,
    streaming_quiet_interval=0.2,
)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for a condition another thread makes true; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        threading.Event().wait(0.01)


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own.

    The browser tests' Playwright session keeps an event loop running on the
    main thread for the whole test run, where ``asyncio.run`` would refuse.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def make_card(
    sim: Simulator, job_id: str, poller: Poller, *, v1: bool = True, **options: Any
) -> JobStatusWidget:
    """A card on ``sim`` (current API, or legacy with ``v1=False``) polling fast on ``poller``.

    ``options`` go to :class:`JobStatusWidget` (``policy`` overrides :data:`FAST`).
    """
    options.setdefault("policy", FAST)
    base_url = sim.url_v1 if v1 else sim.url
    return JobStatusWidget(job_id, api_key=sim.api_key, base_url=base_url, poller=poller, **options)


class VirtualClock:
    """A :class:`~sutro_widget.polling.clock.Clock` that moves only when told."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
