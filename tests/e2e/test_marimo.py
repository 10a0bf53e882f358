"""The card in marimo: ``marimo run`` (headless, loopback, no token) on notebooks/marimo_demo.py.

The marimo process gets ``SUTRO_API_URL`` / ``SUTRO_API_KEY`` of the in-test
simulator and ``SUTRO_JOB_ID`` of a fresh *held* job, so the test moves the job
itself. It proves two things in chromium: ``mo.ui.anywidget(card)`` renders
and follows the job to its final state (updates sent from the poller thread
reach marimo's page), and :func:`sutro_widget.integrations.marimo.status_state`
makes a cell that reads the status re-run: its text goes from "status is
queued" to "status is succeeded". Without the helper that cell would stay at
its first value: the traits change outside marimo's graph.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    REPO_ROOT,
    STATE_TIMEOUT_S,
    HostServer,
    browser_page,
    card_for,
    free_port,
    running_host,
    seconds,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

NOTEBOOK = REPO_ROOT / "notebooks" / "marimo_demo.py"


@pytest.fixture
def held_job() -> str:
    """A fresh held job id: it stays in each state until the test advances it."""
    return f"job-held-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def marimo(simulator: Simulator, held_job: str, tmp_path: Path) -> Iterator[HostServer]:
    """``marimo run`` on the demo notebook, following ``held_job`` on the simulator."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        str(NOTEBOOK),
        "--headless",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-token",
    ]
    env = {
        "SUTRO_API_URL": simulator.url,
        "SUTRO_API_KEY": simulator.api_key,
        "SUTRO_JOB_ID": held_job,
    }
    server = HostServer("marimo", command, tmp_path, port, "/health", env)
    with running_host(server) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page."""
    with browser_page(browser) as new_page:
        yield new_page


def test_marimo_card_and_status_cell_follow_the_job(
    page: Page, marimo: HostServer, simulator: Simulator, held_job: str
) -> None:
    page.goto(marimo.origin + "/", wait_until="domcontentloaded")
    card = card_for(page, held_job)
    said = page.get_by_test_id("marimo-status")
    timeout = seconds(STATE_TIMEOUT_S * 2)  # marimo starts its kernel on the first visit

    def shows(state: str) -> None:
        expect(card).to_have_attribute("data-state", state, timeout=timeout)
        expect(said).to_have_text(f"status is {state}", timeout=timeout)

    wait_for(page, marimo, "the card and the status cell to say queued", lambda: shows("queued"))  # type: ignore[arg-type]
    assert simulator.advance(held_job) == "running"
    wait_for(page, marimo, "both to say running", lambda: shows("running"))  # type: ignore[arg-type]
    assert simulator.advance(held_job) == "succeeded"
    wait_for(page, marimo, "both to say succeeded", lambda: shows("succeeded"))  # type: ignore[arg-type]
    expect(card.get_by_test_id("status-word")).to_have_text("Succeeded")
