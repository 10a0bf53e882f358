"""Fixtures shared by the Python test layers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from sutro_widget import JobStatusWidget, PollPolicy
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator

T = TypeVar("T")

#: Fast enough that a test never waits long for a poll, slow enough not to spin.
FAST = PollPolicy(initial_interval=0.05, max_interval=0.2, error_initial=0.05, error_max=0.2)


@pytest.fixture(autouse=True)
def _no_user_sutro_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the developer's own ~/.sutro and SUTRO_* variables out of every test."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    for name in ("SUTRO_API_KEY", "SUTRO_API_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    """A real simulator on 127.0.0.1, its timed scripts 20x faster."""
    with Simulator(time_scale=0.05) as simulator:
        yield simulator


@pytest.fixture
def poller() -> Iterator[Poller]:
    """A private poller, so a test can watch its thread start and end."""
    private = Poller()
    yield private
    private.shutdown()


@pytest.fixture
def fresh_id() -> Callable[[str], str]:
    """A job id no other test has used, so the job's script starts from its beginning."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


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
