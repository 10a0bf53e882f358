"""A card whose kernel restarts, shuts down or dies says so, in JupyterLab and Notebook 7.

Each test follows a job to "running" in a real kernel, then ends that kernel as
a user does (Kernel > Restart Kernel…, Kernel > Shut Down Kernel, or a cell
that calls ``os._exit``). Within 10 s the card must stop looking live: "Not
followed", the last seen state, a clock that no longer moves, no buttons that
would talk to the dead kernel. Re-running the cell on the restarted kernel
gives a live card again.

These servers run with our server and Lab extensions switched off, as where
they are absent (VS Code, Colab, a bare Jupyter): with them, the card is handed
over to JupyterLab instead and stays live (tests/e2e/test_lab_panel.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    Frontend,
    JupyterServer,
    OpenCard,
    card_cell,
    hold_text,
    open_notebook,
    run_all_cells,
    running_server,
    save_card_screenshot,
    seconds,
    wait_for,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

#: The promise: a card whose kernel went says so within this long.
SAYS_SO_WITHIN_S = 10.0


OpenCardFactory = Callable[[str], OpenCard]


@pytest.fixture(scope="module")
def jupyter(
    frontend: Frontend,
    simulator: Simulator,
    built_widget_js: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[JupyterServer]:
    """A Jupyter server of ``frontend`` without our extensions (as in VS Code or Colab)."""
    base = tmp_path_factory.mktemp(f"jupyter-{frontend}-bare")
    env = {"SUTRO_API_URL": simulator.url, "SUTRO_API_KEY": simulator.api_key}
    with running_server(frontend, base, env, sutro_extensions=False) as server:
        yield server


def running_card(
    open_card: OpenCardFactory, simulator: Simulator, page: Page, jupyter: JupyterServer
) -> Locator:
    """A card on a fresh held job, moved to running."""
    card = open_card("job-held")
    wait_for_state(page, jupyter, card.card, "queued", "Queued")
    assert simulator.advance(card.job_id) == "running"
    wait_for_state(page, jupyter, card.card, "running", "Running")
    return card.card


def use_kernel_menu(page: Page, item: str) -> None:
    """Kernel > ``item``, accepting its confirmation dialog if it asks."""
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name=item).click()
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    if item.endswith("…"):
        accept.click()


def says_not_followed(
    page: Page, jupyter: JupyterServer, card: Locator, why: re.Pattern[str]
) -> None:
    """The card's headline, its kept state, its sentence, its buttons, and its stopped clock."""
    started = time.monotonic()
    wait_for(
        page,
        jupyter,
        "the card to say it is no longer followed",
        lambda: expect(card).to_have_attribute(
            "data-state", "unfollowed", timeout=seconds(SAYS_SO_WITHIN_S)
        ),
    )
    assert time.monotonic() - started <= SAYS_SO_WITHIN_S
    expect(card.get_by_test_id("status-word")).to_have_text("Not followed")
    expect(card.get_by_test_id("headline-secondary")).to_have_text(re.compile("^last seen running"))
    expect(card.get_by_test_id("error")).to_have_text(why)
    for button in ("refresh", "stop-resume", "retry", "cancel"):
        expect(card.get_by_test_id(button)).to_be_hidden()
    readings = hold_text(card.get_by_test_id("elapsed"), 2.2)
    assert len(set(readings)) == 1, f"the clock of a card nothing follows moved: {readings}"


def test_a_restart_leaves_the_card_not_followed_and_a_rerun_follows_again(
    page: Page,
    jupyter: JupyterServer,
    frontend: Frontend,
    simulator: Simulator,
    open_card: OpenCardFactory,
) -> None:
    card = running_card(open_card, simulator, page, jupyter)
    use_kernel_menu(page, "Restart Kernel…")
    says_not_followed(page, jupyter, card, re.compile("The kernel restarted.*Run the cell again"))
    save_card_screenshot(card, f"unfollowed-{frontend}.png")
    job_id = card.get_by_test_id("job-id").inner_text()
    run_all_cells(page, jupyter)
    shown = page.locator('[data-testid="job-id"]', has_text=job_id)
    fresh = page.locator(".sutro-job-card", has=shown)
    expect(fresh).to_have_count(1, timeout=seconds(20))  # the old output is replaced
    expect(fresh).to_have_attribute("data-state", "running", timeout=seconds(20))


def test_a_shutdown_leaves_the_card_not_followed(
    page: Page, jupyter: JupyterServer, simulator: Simulator, open_card: OpenCardFactory
) -> None:
    card = running_card(open_card, simulator, page, jupyter)
    use_kernel_menu(page, "Shut Down Kernel")
    says_not_followed(page, jupyter, card, re.compile("The kernel (was shut down|exited)"))


def test_a_kernel_that_dies_leaves_the_card_not_followed(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    job_id = f"job-held-died-{time.monotonic_ns()}"
    cells = [card_cell(job_id), "import os, time\ntime.sleep(6)\nos._exit(1)"]
    filename = write_notebook(jupyter.root_dir, f"dies-{time.monotonic_ns()}", cells)
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = wait_for_card(page, jupyter, job_id)
    wait_for_state(page, jupyter, card, "queued", "Queued")
    assert simulator.advance(job_id) == "running"
    wait_for_state(page, jupyter, card, "running", "Running")
    says_not_followed(page, jupyter, card, re.compile("The kernel (died|restarted)"))
