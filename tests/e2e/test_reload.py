"""Reloading JupyterLab mid-job, then after the kernel is gone.

1. A held job's card; the notebook is saved and the page reloaded while the
   kernel lives on: the card is drawn again from the kernel's widget state
   and keeps following the job (``advance()`` -> running -> succeeded).
2. The kernel is shut down and the page reloaded (Lab starts a new, empty
   kernel). What the saved output shows depends on one Lab setting,
   ``@jupyter-widgets/jupyterlab-manager`` ``saveState`` (Settings > Save
   Widget State Automatically):

   * off (the default): the output's widget view is chosen (it outranks the
     static ``text/html``), its model is in no kernel, and Lab says "Error
     displaying widget: model not found". Nothing of the card's own shows.
   * on: the notebook's metadata holds the widget state from the last save,
     and the card is drawn from it in its final state (Succeeded), not live.

Both are asserted, so a change in either (say, Lab falling back to
``text/html``) makes the test fail and the README note get revisited.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    STATE_TIMEOUT_S,
    JupyterServer,
    browser_page,
    card_for,
    diagnose,
    open_notebook,
    run_all_cells,
    running_server,
    seconds,
    wait_for,
    wait_for_card,
    wait_until_kernel_ready,
    widget_cell,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SAVE_STATE: dict[str, dict[str, object]] = {
    "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True}
}
SAVE_TIMEOUT_S = 30.0
SAVE_RETRY_S = 4.0


@pytest.fixture(scope="module", params=[False, True], ids=["default", "save-widget-state"])
def lab(
    request: pytest.FixtureRequest, simulator: Simulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """JupyterLab with the widget manager's ``saveState`` off (default) or on."""
    save_state: bool = request.param
    base = tmp_path_factory.mktemp(f"lab-save-{save_state}")
    env = {"SUTRO_API_URL": simulator.url, "SUTRO_API_KEY": simulator.api_key}
    with running_server("lab", base, env, SAVE_STATE if save_state else None) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page (not tied to the shared Lab/Notebook 7 servers)."""
    with browser_page(browser) as new_page:
        yield new_page


def saved_notebook(path: Path) -> dict[str, object]:
    """The notebook as it is on disk now (read again while the server is mid-write)."""
    for _ in range(50):
        try:
            loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
        except json.JSONDecodeError:
            time.sleep(0.1)
    loaded = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def save_and_wait(
    page: Page,
    server: JupyterServer,
    path: Path,
    done: Callable[[dict], bool],  # type: ignore[type-arg]
) -> None:
    """Save with Ctrl+S until the file on disk satisfies ``done`` (saving again is harmless)."""
    deadline = time.monotonic() + SAVE_TIMEOUT_S
    next_press = 0.0
    while not done(saved_notebook(path)):
        now = time.monotonic()
        if now > deadline:
            raise diagnose(
                page, server, "the saved notebook never got there", path.read_text()[:3000]
            )
        if now >= next_press:
            page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+s")
            next_press = now + SAVE_RETRY_S
        page.wait_for_timeout(200)


def has_widget_output(notebook: dict) -> bool:  # type: ignore[type-arg]
    """Whether the first cell's saved output holds the card's widget view."""
    outputs = notebook["cells"][0].get("outputs", [])
    return any(WIDGET_VIEW in out.get("data", {}) for out in outputs)


def saved_state_says(notebook: dict, state: str) -> bool:  # type: ignore[type-arg]
    """Whether the notebook's saved widget state has a card in ``state``."""
    saved = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {})
    models = saved.get("state", {}).values()
    return any(m.get("state", {}).get("state") == state for m in models)


def test_reload_mid_job_then_without_the_kernel(
    page: Page, lab: JupyterServer, simulator: Simulator
) -> None:
    save_state = (lab.base / "lab-settings" / "@jupyter-widgets").exists()
    job_id = f"job-held-{uuid.uuid4().hex[:12]}"
    filename = write_notebook(lab.root_dir, f"reload-{job_id}", [widget_cell(job_id)])
    path = lab.root_dir / filename
    open_notebook(page, lab, filename)
    run_all_cells(page, lab)
    card = wait_for_card(page, lab, job_id)
    timeout = seconds(STATE_TIMEOUT_S)
    expect(card).to_have_attribute("data-state", "queued", timeout=timeout)
    save_and_wait(page, lab, path, has_widget_output)

    page.reload(wait_until="domcontentloaded")
    wait_until_kernel_ready(page, lab, filename)
    card = wait_for_card(page, lab, job_id)  # drawn again from the live kernel's model
    for state in ("running", "succeeded"):
        assert simulator.advance(job_id) == state
        wait_for(
            page,
            lab,
            f"the reloaded card to follow the job to {state}",
            partial(expect(card).to_have_attribute, "data-state", state, timeout=timeout),
        )
    save_and_wait(
        page,
        lab,
        path,
        lambda nb: has_widget_output(nb) and (not save_state or saved_state_says(nb, "succeeded")),
    )

    lab.shutdown_kernels()
    page.reload(wait_until="domcontentloaded")
    wait_until_kernel_ready(page, lab, filename)  # a new, empty kernel
    output = page.locator(".jp-OutputArea-output").first
    if save_state:
        restored = card_for(page, job_id)
        wait_for(
            page,
            lab,
            "the card to be drawn from the saved widget state, in its final state",
            lambda: expect(restored).to_have_attribute("data-state", "succeeded", timeout=timeout),
        )
        expect(restored.get_by_test_id("status-word")).to_have_text("Succeeded")
    else:
        wait_for(
            page,
            lab,
            "Lab to say the widget's model is not found (no saved widget state)",
            lambda: expect(output).to_have_text(
                "Error displaying widget: model not found", timeout=timeout
            ),
        )
        expect(page.locator(".sutro-job-card-static")).to_have_count(0)
