"""Change and completion callbacks, and asyncio waiters."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from sutro_widget.card.waiting import JobEvents
from tests.helpers import run_coroutine


def test_change_callbacks_see_every_change_and_errors_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = JobEvents()
    seen: list[str] = []

    def broken(status: str) -> None:
        raise ValueError("user bug")

    events.add_change(broken)
    events.add_change(seen.append)
    events.changed("queued")
    events.changed("running")
    assert seen == ["queued", "running"]
    assert "a sutro-widget callback raised" in caplog.text
    assert any(r.levelno == logging.ERROR for r in caplog.records)


def test_complete_runs_once_even_when_registered_late() -> None:
    events = JobEvents()
    early: list[str] = []
    late: list[str] = []
    events.add_complete(early.append)
    events.completed("succeeded")
    events.completed("succeeded")  # a second final answer changes nothing
    events.add_complete(late.append)
    assert early == ["succeeded"]
    assert late == ["succeeded"]


def test_async_waiter_is_settled_from_another_thread() -> None:
    events = JobEvents()

    async def scenario() -> str:
        future = events.add_waiter()
        threading.Timer(0.05, events.completed, args=("failed",)).start()
        return await asyncio.wait_for(future, 5)

    assert run_coroutine(scenario()) == "failed"


def test_async_waiter_gets_the_failure() -> None:
    events = JobEvents()

    async def scenario() -> None:
        future = events.add_waiter()
        threading.Timer(0.05, events.failed, args=(PermissionError("401"),)).start()
        await asyncio.wait_for(future, 5)

    with pytest.raises(PermissionError):
        run_coroutine(scenario())
