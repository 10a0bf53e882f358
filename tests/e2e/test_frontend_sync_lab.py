"""Frontend sync in JupyterLab, with the poller thread's sends really off.

A notebook shows three cards: ``job-succeeds-*`` and a held job in
``sync="frontend"``, and a ``job-succeeds-*`` control in ``sync="thread"``.

How "the thread's sends are off" is proven: each card's ``comm.send`` (the
one door every kernel-to-browser message of a widget goes through, state
updates and custom messages alike) is wrapped in the kernel, before the card
starts polling, to append one JSON line per message to a file: the sending
thread's name, whether it is the main thread, the message method and the
trait names it carries. A handler added after the card's own logs every
message the browser sends (``{"type": "sync"}``). The test then asserts that
the frontend cards sent nothing from any thread but the main one (answers
from the message handler run there), that state changes did arrive as
main-thread answers after sync asks, and -- so the probe can fail -- that
the thread-mode control card's log does show sends from the poller thread.

Latency: the time from ``simulator.advance()`` (test process clock) to the
first ``data-state`` of the new state on screen (page ``Date.now()``, same
machine clock, recorded by a MutationObserver), asserted <= 2 s.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page

from sutro_widget.simulator import Simulator

from .harness import (
    RECORD_STATES_INIT_SCRIPT,
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    first_shown_at,
    open_notebook,
    run_all_cells,
    state_log,
    wait_for_card,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: The name of the poller's thread (sutro_widget.polling.poller).
POLLER_THREAD = "sutro-widget-poller"
#: On-screen latency allowed from advance() to the new data-state.
MAX_LATENCY_S = 2.0


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """Frontend sync is measured in JupyterLab only."""
    return "lab"


def logged_card_cell(job_id: str, sync: str, log_path: Path) -> str:
    """A cell showing a card whose every comm send (and every browser message) is logged."""
    return f"""\
import json, threading
from sutro_widget import JobStatusWidget, PollPolicy
_log = open({str(log_path)!r}, "a", buffering=1)
card = JobStatusWidget({job_id!r}, sync={sync!r}, autostart=False,
                       policy=PollPolicy(initial_interval=0.2, max_interval=0.5))
def _wrap(send, log=_log):
    def logged(data=None, metadata=None, buffers=None, **kw):
        me = threading.current_thread()
        log.write(json.dumps({{"thread": me.name, "main": me is threading.main_thread(),
                              "method": (data or {{}}).get("method"),
                              "keys": sorted((data or {{}}).get("state", {{}}))}}) + "\\n")
        return send(data=data, metadata=metadata, buffers=buffers, **kw)
    return logged
card.comm.send = _wrap(card.comm.send)
card.on_msg(lambda _w, content, _b, log=_log: log.write(
    json.dumps({{"recv": content.get("type")}}) + "\\n"))
card.start()
card"""


def read_log(path: Path) -> list[dict[str, object]]:
    """The lines a logged card wrote so far."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_frontend_sync_follows_jobs_without_thread_sends(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    tag = uuid.uuid4().hex[:10]
    auto, held, control = f"job-succeeds-{tag}", f"job-held-{tag}", f"job-succeeds-c{tag}"
    logs = {job: jupyter.root_dir / f"sends-{job}.jsonl" for job in (auto, held, control)}
    cells = [
        logged_card_cell(auto, "frontend", logs[auto]),
        logged_card_cell(held, "frontend", logs[held]),
        logged_card_cell(control, "thread", logs[control]),
    ]
    filename = write_notebook(jupyter.root_dir, f"frontend-sync-{tag}", cells)
    page.add_init_script(RECORD_STATES_INIT_SCRIPT)
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    for job in (auto, held, control):
        wait_for_card(page, jupyter, job)

    first_shown_at(page, held, "queued", STATE_TIMEOUT_S)
    latencies: dict[str, float] = {}
    for state in ("running", "succeeded"):
        advanced_at = time.time()
        assert simulator.advance(held) == state
        latencies[state] = first_shown_at(page, held, state, STATE_TIMEOUT_S) - advanced_at
    first_shown_at(page, auto, "succeeded", STATE_TIMEOUT_S * 2)
    first_shown_at(page, control, "succeeded", STATE_TIMEOUT_S * 2)
    print(f"frontend-sync latency advance -> data-state on screen (s): {latencies}")
    print(f"data-state changes of the held card: {state_log(page, held)}")

    for job in (auto, held):
        log = read_log(logs[job])
        from_poller = [e for e in log if e.get("thread") == POLLER_THREAD]
        assert not from_poller, f"{job} (frontend sync) sent from the poller: {from_poller}"
        sends = [e for e in log if "thread" in e]
        state_answers = [
            i
            for i, e in enumerate(log)
            if "state" in e.get("keys", [])  # type: ignore[operator]
            and any(x.get("recv") == "sync" for x in log[:i])
        ]
        assert state_answers, f"{job}: no state change answered a sync ask: {log}"
        assert sends, f"{job}: nothing was logged, the probe is broken: {log}"
    control_log = read_log(logs[control])
    assert any(e.get("thread") == POLLER_THREAD for e in control_log), (
        f"the thread-sync control sent nothing from the poller thread, so the probe "
        f"cannot see thread sends: {control_log}"
    )
    for state, latency in latencies.items():
        assert latency <= MAX_LATENCY_S, f"{state} took {latency:.2f} s to show: {latencies}"
