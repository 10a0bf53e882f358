"""The demo notebook under Voila: every card reaches its final state, and Cancel works.

``voila notebooks/demo.ipynb`` runs on a free loopback port with the in-test
simulator's URL and key in its environment (so the notebook's first cell uses
it rather than starting its own). Voila shows outputs only, with a live
kernel: the cards must render from the kernel's widgets and keep updating from
the poller thread. The long job's card is cancelled from the page; the
simulator must then say the job was cancelled.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    REPO_ROOT,
    STATE_TIMEOUT_S,
    HostServer,
    browser_page,
    free_port,
    running_host,
    seconds,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

NOTEBOOK = REPO_ROOT / "notebooks" / "demo.ipynb"
#: Voila runs every cell before the page's widgets come alive; the last waits on a job.
PAGE_TIMEOUT_S = 90.0


@pytest.fixture
def voila(simulator: Simulator, tmp_path: Path) -> Iterator[HostServer]:
    """``voila notebooks/demo.ipynb`` on a free loopback port, against the simulator."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
    ]
    env = {"SUTRO_API_URL": simulator.url, "SUTRO_API_KEY": simulator.api_key}
    server = HostServer("voila", command, tmp_path, port, "/voila/static/voila.js", env)
    with running_host(server) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page."""
    with browser_page(browser) as new_page:
        yield new_page


def demo_card(page: Page, pattern: str) -> Locator:
    """The demo's card whose job id matches ``pattern`` exactly (``{run}`` = six hex digits)."""
    job = page.get_by_test_id("job-id").filter(has_text=re.compile(f"^{pattern}$"))
    return page.locator(".sutro-job-card", has=job).first


def test_voila_cards_reach_final_states_and_cancel_works(
    page: Page, voila: HostServer, simulator: Simulator
) -> None:
    page.goto(voila.origin + "/", wait_until="domcontentloaded", timeout=seconds(PAGE_TIMEOUT_S))
    run = r"[0-9a-f]{6}"
    long_card = demo_card(page, f"job-long-{run}")
    wait_for(
        page,
        voila,  # type: ignore[arg-type]
        "the long job's card to run",
        lambda: expect(long_card).to_have_attribute(
            "data-state", "running", timeout=seconds(PAGE_TIMEOUT_S)
        ),
    )
    long_id = long_card.get_by_test_id("job-id").inner_text()
    long_card.get_by_test_id("cancel").click()
    long_card.get_by_test_id("cancel-yes").click()

    expected = {
        f"job-succeeds-{run}": "succeeded",
        f"job-fails-{run}": "failed",
        f"job-cancelled-{run}": "cancelled",
        f"job-unknown-{run}": "unknown",
        "job-that-does-not-exist": "not-found",
        f"job-succeeds-wait-{run}": "succeeded",
        f"job-long-{run}": "cancelled",
    }
    for pattern, state in expected.items():
        card = demo_card(page, pattern)
        wait_for(
            page,
            voila,  # type: ignore[arg-type]
            f"the card of {pattern} to show {state}",
            partial(
                expect(card).to_have_attribute,
                "data-state",
                state,
                timeout=seconds(STATE_TIMEOUT_S * 2),
            ),
        )
    assert simulator.status_of(long_id) == "cancelled"
    board = page.locator(".sutro-job-board").first
    expect(board).to_be_visible()
    expect(page.get_by_text("final status: succeeded")).to_be_visible()
