"""Widgets come and go; the poller thread must follow, and never hold up the process."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import comm
from ipywidgets.widgets import widget as ipywidgets_widget

from sutro_widget import JobStatusWidget
from sutro_widget.polling.poller import Poller
from sutro_widget.polling.shared import default_poller
from sutro_widget.simulator import Simulator
from tests.conftest import FAST, wait_for

ROOT = Path(__file__).parents[2]


def poller_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sutro-widget-poller"]


def test_200_widgets_created_and_closed_leave_no_poller_thread(
    sim: Simulator, fresh_id: Callable[[str], str]
) -> None:
    widgets = [
        JobStatusWidget(
            fresh_id("job-unknown"), api_key=sim.api_key, base_url=sim.url_v1, policy=FAST
        )
        for _ in range(200)
    ]
    assert len(poller_threads()) == 1  # one thread for all 200
    wait_for(lambda: all(w.raw_status for w in widgets), timeout=30, what="200 first answers")
    for w in widgets:
        w.close()
    thread = default_poller().thread
    if thread is not None:
        thread.join(5)
    assert poller_threads() == []


def test_a_widget_dropped_without_close_stops_being_polled_once_collected(
    sim: Simulator, fresh_id: Callable[[str], str]
) -> None:
    poller = Poller()
    job_id = fresh_id("job-unknown")
    w = JobStatusWidget(
        job_id, api_key=sim.api_key, base_url=sim.url_v1, policy=FAST, poller=poller
    )
    wait_for(lambda: sim.request_count(job_id) >= 2, what="polling to start")
    # ipywidgets' registry and the comm manager hold every open widget until it
    # is closed; drop those references (as a kernel tearing the comm down
    # would), then our own. Nothing of sutro_widget may keep it alive.
    ipywidgets_widget._instances.pop(w.model_id)
    comm.get_comm_manager().unregister_comm(w.comm)
    w.comm._closed = True  # as the kernel marks a comm the frontend closed
    collected = weakref.ref(w)
    del w
    gc.collect()
    assert collected() is None
    thread = poller.thread
    if thread is not None:
        thread.join(5)
    assert poller.thread is None
    settled = sim.request_count(job_id)
    time.sleep(0.5)  # several FAST intervals: no poll may come
    assert sim.request_count(job_id) == settled


def run_python(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_interpreter_exit_never_hangs_on_the_thread() -> None:
    """A hung server and a refused one are being polled when the interpreter exits."""
    started = time.monotonic()
    result = run_python(
        """
        import socket
        from sutro_widget import JobStatusWidget, PollPolicy
        hung = socket.socket(); hung.bind(("127.0.0.1", 0)); hung.listen(8)
        fast = PollPolicy(initial_interval=0.05, max_interval=0.1,
                          error_initial=0.05, error_max=0.1)
        hung_url = f"http://127.0.0.1:{hung.getsockname()[1]}"
        a = JobStatusWidget("job-a", api_key="k", base_url=hung_url)
        b = JobStatusWidget("job-b", api_key="k", base_url="http://127.0.0.1:9", policy=fast)
        import time; time.sleep(0.5)
        print("error on card:", b.error)
        """
    )
    assert time.monotonic() - started < 15
    assert result.returncode == 0, result.stderr
    assert "Could not connect" in result.stdout
    assert "Traceback" not in result.stderr
    assert "Exception" not in result.stderr
