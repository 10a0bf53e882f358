"""The API goes away and comes back: the card says so in time, and recovers in time.

A running job on a simulator of this test's own (on a fixed port, so it can
come back where the card looks), followed with the default ``PollPolicy`` (what
a user gets, no test policy). The server goes down; the card must say "Contact
lost" (``data-state="stale"``) within 20 s, dim its live numbers and freeze its
timeline; the server comes back; the card must be live again (``running``)
within 10 s. Both times are measured and printed, and appended to the file
named by ``SUTRO_E2E_NUMBERS`` when that is set. JupyterLab only: the waits are long and the
poller is the kernel's, the same in both frontends.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    Frontend,
    JupyterServer,
    card_cell,
    expect_buttons,
    free_port,
    hold_text,
    open_notebook,
    run_all_cells,
    seconds,
    seconds_until_state,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: The acceptance bounds, in seconds.
STALE_WITHIN_S = 20.0
LIVE_AGAIN_WITHIN_S = 10.0
#: How long the waits may run before they give up (beyond the bounds, to measure a miss).
MEASURE_LIMIT_S = 60.0
#: Where to keep the numbers across runs, if anywhere (never outside what the caller names).
NUMBERS_ENV = "SUTRO_E2E_NUMBERS"

#: Every visible live number of a card: whether it is drawn dimmed (muted italic).
LIVE_NUMBERS_JS = """
(card) => [...card.querySelectorAll('.sutro-job-card__live')]
  .filter((node) => node.offsetParent !== null && node.textContent.trim() !== '')
  .map((node) => ({
    text: node.textContent.trim(),
    italic: getComputedStyle(node).fontStyle === 'italic',
  }))
"""


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """JupyterLab only (see the module docstring)."""
    return "lab"


@pytest.fixture
def own_simulator() -> Iterator[Simulator]:
    """A simulator on a fixed port of its own, so going down touches no other test."""
    with Simulator(port=free_port()) as sim:
        yield sim


def live_numbers(card: Locator) -> list[dict[str, object]]:
    return list(card.evaluate(LIVE_NUMBERS_JS))


def record(stale_s: float, live_s: float) -> None:
    """Append this run's numbers to ``$SUTRO_E2E_NUMBERS``, if set (newest last)."""
    named = os.environ.get(NUMBERS_ENV, "")
    if named == "":
        return
    numbers_file = Path(named)
    numbers_file.parent.mkdir(parents=True, exist_ok=True)
    if not numbers_file.exists():
        numbers_file.write_text(
            "# Measured in the browser by tests/e2e/test_outage.py\n\n"
            "Default PollPolicy, JupyterLab, Debian chromium; the simulator goes down "
            "(connections refused) while a job runs, then comes back on the same port.\n\n"
            "| when (UTC) | down -> stale (bound 20 s) | back -> running (bound 10 s) |\n"
            "|---|---|---|\n",
            encoding="utf-8",
        )
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    with numbers_file.open("a", encoding="utf-8") as notes:
        notes.write(f"| {when} | {stale_s:.1f} s | {live_s:.1f} s |\n")


def test_outage_goes_stale_within_20_s_and_recovers_within_10_s(
    page: Page, jupyter: JupyterServer, own_simulator: Simulator
) -> None:
    sim = own_simulator
    job_id = f"job-held-outage-{uuid.uuid4().hex[:10]}"
    cell = card_cell(job_id, f"api_key={sim.api_key!r}", f"base_url={sim.url_v1!r}", fast=False)
    filename = write_notebook(jupyter.root_dir, "outage", [cell])
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = wait_for_card(page, jupyter, job_id)
    wait_for_state(page, jupyter, card, "queued", "Queued")
    assert sim.advance(job_id) == "running"
    sim.set_progress(job_id, 700)
    wait_for_state(page, jupyter, card, "running", "Running")
    expect(card.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "700")
    expect(card.get_by_test_id("timeline")).to_have_attribute("data-frozen", "false")
    assert all(not n["italic"] for n in live_numbers(card)), live_numbers(card)

    sim.go_down()
    stale_s = seconds_until_state(card, "stale", MEASURE_LIMIT_S)
    print(f"\nserver down -> card stale after {stale_s:.1f} s")
    wait_for_state(page, jupyter, card, "stale", "Contact lost")
    expect(card).to_have_attribute("data-live", "false")
    expect(card.get_by_test_id("headline-secondary")).to_contain_text("last seen running")
    expect_buttons(card, {"retry": "Retry now", "stop-resume": "Stop"})
    numbers = live_numbers(card)
    assert numbers, "no live numbers visible on the stale card"
    assert all(n["italic"] for n in numbers), f"live numbers not dimmed: {numbers}"
    timeline = card.get_by_test_id("timeline")
    expect(timeline).to_have_attribute("data-frozen", "true")
    frozen = hold_text(card.get_by_test_id("timeline-text"), 2.0)
    assert len(set(frozen)) == 1, f"the timeline kept growing while stale: {frozen}"

    sim.come_up()
    live_s = seconds_until_state(card, "running", MEASURE_LIMIT_S)
    print(f"server back -> card running after {live_s:.1f} s")
    record(stale_s, live_s)
    expect(card).to_have_attribute("data-live", "true")
    expect(timeline).to_have_attribute("data-frozen", "false", timeout=seconds(5))
    expect_buttons(card, {"refresh": "Refresh", "stop-resume": "Stop", "cancel": "Cancel job"})

    assert stale_s <= STALE_WITHIN_S, f"contact lost shown after {stale_s:.1f} s (> 20 s)"
    assert live_s <= LIVE_AGAIN_WITHIN_S, f"live again after {live_s:.1f} s (> 10 s)"
