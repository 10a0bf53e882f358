"""A forked child gets a poller thread of its own instead of the parent's dead one.

``multiprocessing``'s ``fork`` start method copies the poller with its thread
object, but not the thread: before the reset at fork, a poller (or a widget)
used in the child believed its thread was running and sent no request at all.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import threading
from collections.abc import Callable
from typing import Any

import pytest

from sutro_widget import StatusReport, SutroClient, SutroError
from sutro_widget.polling.poller import Poller
from sutro_widget.simulator import Simulator
from tests.helpers import FAST, wait_for


class Collector:
    """A listener that puts the statuses it hears on a queue (or keeps them)."""

    def __init__(self, out: multiprocessing.queues.Queue[Any] | None = None) -> None:
        self.out = out
        self.statuses: list[str] = []
        self.done = threading.Event()

    def on_poll_result(self, result: StatusReport | SutroError, *, still_polling: bool) -> None:
        text = result.status.value if isinstance(result, StatusReport) else repr(result)
        self.statuses.append(text)
        if self.out is not None:
            self.out.put(text)
        if not still_polling:
            self.done.set()

    def on_progress(self, updates: list[dict[str, Any]], *, streaming: bool) -> None:
        """Not needed here."""


def _child(poller: Poller, url: str, key: str, job_id: str, out: Any) -> None:
    """Runs in the forked child: poll a job with the inherited poller, report each status."""
    listener = Collector(out)
    poller.watch(job_id, SutroClient(api_key=key, base_url=url), listener, policy=FAST)
    finished = listener.done.wait(20)
    out.put("finished" if finished else "timed out")
    poller.shutdown()


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="no fork start method here (Windows; macOS by default): the defect is fork-only",
)
def test_a_poller_used_in_a_forked_child_polls_there(
    sim: Simulator, poller: Poller, fresh_id: Callable[[str], str]
) -> None:
    parent_job = fresh_id("job-held")
    parent = Collector()
    client = SutroClient(api_key=sim.api_key, base_url=sim.url_v1)
    poller.watch(parent_job, client, parent, policy=FAST)
    wait_for(lambda: len(parent.statuses) >= 2, what="the parent polling")
    assert poller.thread is not None and poller.thread.is_alive()

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(
        target=_child, args=(poller, sim.url_v1, sim.api_key, fresh_id("job-succeeds"), out)
    )
    child.start()
    heard: list[str] = []
    while not heard or heard[-1] not in ("finished", "timed out"):
        heard.append(out.get(timeout=30))
    child.join(20)
    assert heard[-1] == "finished", heard
    assert "succeeded" in heard
    assert child.exitcode == 0
    # The parent's own polling went on meanwhile, on its own thread.
    assert poller.thread is not None and poller.thread.is_alive()
