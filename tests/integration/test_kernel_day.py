"""A working day in a real kernel: Kernel > Interrupt during a wait, and a laptop lid.

Each test starts a real IPython kernel (jupyter_client, as Jupyter does) whose
cards follow jobs on this process's simulator. An interrupt (SIGINT, what
Kernel > Interrupt sends) must end ``wait()``, ``board.wait()`` and ``await
wait_async()`` within 1 s with ``KeyboardInterrupt``, while the card itself
goes on following: its poller is another thread. A kernel paused with SIGSTOP
(as a closed lid pauses it) while its job ends must show the end within 10 s
of SIGCONT, with no burst of requests and no negative or huge durations.
"""

from __future__ import annotations

import ast
import os
import queue
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from sutro_widget.simulator import Simulator, Step

pytestmark = pytest.mark.long  # scheduled first: the parallel run must not end waiting on it

REPO = Path(__file__).resolve().parents[2]
#: The promise: an interrupted wait is back at the prompt within this long.
#: Beside other test workers on two cores the kernel shares the CPU (1.17 s seen), so the
#: parallel suite allows 2 s; alone, the promise.
INTERRUPT_WITHIN_S = 1.0 if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) <= 1 else 2.0
#: The pause, within the 40-120 s a closed lid gives, and the promise after it.
PAUSE_S = 40.0
FINAL_AFTER_WAKING_S = 10.0


class Kernel:
    """A real kernel and a blocking client; cells run one at a time."""

    def __init__(self, sim: Simulator) -> None:
        self.manager = KernelManager(kernel_name="python3")
        env = dict(os.environ)
        env.update(
            SUTRO_API_URL=sim.url_v1,
            SUTRO_API_KEY=sim.api_key,
            PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        self.manager.start_kernel(env=env)
        self.client: BlockingKernelClient = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    @property
    def pid(self) -> int:
        pid = self.manager.provisioner.pid  # type: ignore[union-attr]
        assert isinstance(pid, int)
        return pid

    def run(self, code: str, timeout: float = 30.0) -> dict[str, Any]:
        """Run ``code`` and return its execute reply's content."""
        msg_id = self.client.execute(code)
        return self.reply(msg_id, timeout)

    def reply(self, msg_id: str, timeout: float) -> dict[str, Any]:
        while True:
            msg = self.client.get_shell_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") == msg_id:
                content: dict[str, Any] = msg["content"]
                return content

    def value(self, expression: str) -> Any:
        """The value of a Python literal ``expression`` in the kernel."""
        for _ in range(20):
            reply = self.client.execute("", user_expressions={"v": expression}, reply=True)
            if reply["content"]["status"] != "aborted":
                break
            time.sleep(0.1)  # ipykernel aborts what arrives just after an error (an interrupt)
        result = reply["content"]["user_expressions"]["v"]
        assert result["status"] == "ok", result
        return ast.literal_eval(result["data"]["text/plain"])

    def saved_copies(self, timeout: float) -> Iterator[str]:
        """Each ``update_display`` HTML the kernel publishes (what a saved notebook shows).

        Until ``timeout`` seconds have passed; the caller stops early by breaking out.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["msg_type"] == "update_display_data":
                yield str(msg["content"]["data"]["text/html"])

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture
def kernel(sim_wall: Simulator) -> Iterator[Kernel]:
    started = Kernel(sim_wall)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def sim_wall() -> Iterator[Simulator]:
    """A simulator on real time (a kernel's card polls it at the default pace)."""
    with Simulator() as simulator:
        yield simulator


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize(
    "waiting",
    [
        "card.wait()",
        "JobBoard([job], policy=fast).wait()",
        "await card.wait_async()",
    ],
)
def test_an_interrupted_wait_returns_at_once_and_the_card_follows_on(
    kernel: Kernel, sim_wall: Simulator, waiting: str
) -> None:
    job = fresh("job-held")
    kernel.run(
        "from sutro_widget import JobBoard, JobStatusWidget, PollPolicy\n"
        "fast = PollPolicy(initial_interval=0.2, max_interval=0.5)\n"
        f"job = {job!r}\ncard = JobStatusWidget(job, policy=fast)"
    )
    msg_id = kernel.client.execute(waiting)
    wait_until(lambda: sim_wall.request_count(job) >= 2, 20, "the card to poll while it waits")
    time.sleep(0.5)  # well inside the wait
    interrupted = time.monotonic()
    kernel.manager.interrupt_kernel()
    reply = kernel.reply(msg_id, timeout=10)
    took = time.monotonic() - interrupted
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
    assert took <= INTERRUPT_WITHIN_S, f"the prompt came back {took:.2f} s after the interrupt"
    for state in ("running", "succeeded"):  # the same card goes on following
        assert sim_wall.advance(job) == state
    wait_until(lambda: kernel.value("card.state") == "succeeded", 20, "the card to follow on")
    assert kernel.value("card.wait(10)") == "succeeded"


def test_a_paused_kernel_shows_the_end_soon_after_waking_without_a_burst(
    kernel: Kernel, sim_wall: Simulator
) -> None:
    job = fresh("lid")
    sim_wall.add_job(job, [Step("running", 8.0, "Running"), Step("succeeded", None, "Done")])
    kernel.run(f"from sutro_widget import JobStatusWidget\ncard = JobStatusWidget({job!r})")
    wait_until(lambda: kernel.value("card.state") == "running", 20, "the card to see it run")
    os.kill(kernel.pid, signal.SIGSTOP)
    try:
        time.sleep(PAUSE_S)  # the job ends 8 s into it
    finally:
        before = sim_wall.request_count(job)
        os.kill(kernel.pid, signal.SIGCONT)
        woke = time.monotonic()
    wait_until(
        lambda: kernel.value("card.state") == "succeeded",
        FINAL_AFTER_WAKING_S,
        "the card to show the end after waking",
    )
    shown = time.monotonic() - woke
    assert shown <= FINAL_AFTER_WAKING_S
    time.sleep(max(0.0, FINAL_AFTER_WAKING_S - shown))
    after_waking = sim_wall.request_count(job) - before
    assert after_waking <= 3, f"{after_waking} status requests after waking: a burst"
    history = kernel.value("[(h['status'], h['at']) for h in card.history]")
    times = [at for _, at in history]
    assert times == sorted(times), history
    took = kernel.value("card.finished_at - card.started_at") / 1000.0
    assert 0 < took <= PAUSE_S + 60, f"a duration of {took} s"
    elapsed = kernel.value("card.last_checked_at - card.started_at") / 1000.0
    assert 0 < elapsed <= PAUSE_S + 60


def test_a_kernel_that_exits_republishes_its_unfinished_cards_as_not_followed(
    kernel: Kernel, sim_wall: Simulator
) -> None:
    job = fresh("job-held")
    kernel.run(f"from sutro_widget import JobStatusWidget\ncard = JobStatusWidget({job!r})\ncard")
    wait_until(lambda: kernel.value("card.state") == "queued", 20, "the card to see the job")
    kernel.manager.request_shutdown()  # as a restart or a shutdown asks: atexit runs
    saw: list[str] = []
    for html in kernel.saved_copies(timeout=20):
        saw.append(html)
        if "Not followed" in html:
            break
    assert any("Not followed" in html and "exited" in html for html in saw), saw
