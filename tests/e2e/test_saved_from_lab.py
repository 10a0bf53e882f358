"""A notebook saved from JupyterLab keeps the truth: final cards are saved final.

Two cards on held jobs: one the test moves to succeeded, one to failed, after
their cells ran. Once the browser shows both final states the notebook is
saved with Ctrl+S, and the ``.ipynb`` on disk is read with nbformat: each
card's output must carry static ``text/html`` (``sutro-job-card-static``,
``data-state="succeeded"`` / ``"failed"``, "Failed: <reason>") and
``text/plain`` (``state='succeeded'`` / ``state='failed'``), what GitHub,
nbviewer and a kernel-less Lab show. JupyterLab only (the brief's case).
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    Frontend,
    JupyterServer,
    card_cell,
    open_notebook,
    run_all_cells,
    seconds,
    wait_for,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

REASON = "Row 1532: input exceeds the model context window (41230 &gt; 40960 tokens)"


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """JupyterLab only."""
    return "lab"


def card_outputs(path: Path) -> dict[str, dict[str, Any]]:
    """Each code cell's display output data, by the job id its ``text/plain`` names."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    found: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            match = re.search(r"job_id='([^']+)'", str(data.get("text/plain", "")))
            if match:
                found[match.group(1)] = dict(data)
    return found


def test_saved_notebook_holds_the_final_states(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    suffix = uuid.uuid4().hex[:10]
    ok_id, bad_id = f"job-held-saved-{suffix}", f"job-held-fails-saved-{suffix}"
    filename = write_notebook(jupyter.root_dir, "saved", [card_cell(ok_id), card_cell(bad_id)])
    path = jupyter.root_dir / filename
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    for job_id, final, word in ((ok_id, "succeeded", "Succeeded"), (bad_id, "failed", "Failed")):
        card = wait_for_card(page, jupyter, job_id)
        wait_for_state(page, jupyter, card, "queued", "Queued")
        assert simulator.advance(job_id) == "running"
        wait_for_state(page, jupyter, card, "running", "Running")
        assert simulator.advance(job_id) == final
        wait_for_state(page, jupyter, card, final, word)
    # Both cells have finished running (their prompts are numbered).
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    for index in range(2):
        expect(prompts.nth(index)).to_have_text(re.compile(r"\[\d+\]"))

    before = path.stat().st_mtime_ns
    page.locator(".jp-CodeCell .jp-InputPrompt").first.click()  # focus the notebook, not a card
    page.keyboard.press("Control+s")
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")

    def saved() -> None:
        expect(tab).not_to_have_class(re.compile(r"jp-mod-dirty"), timeout=seconds(20))
        deadline = time.monotonic() + 20
        while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert path.stat().st_mtime_ns != before, "the file on disk did not change"

    wait_for(page, jupyter, "Ctrl+S to save the notebook", saved)

    outputs = card_outputs(path)
    assert set(outputs) == {ok_id, bad_id}, f"card outputs on disk: {list(outputs)}"
    ok, bad = outputs[ok_id], outputs[bad_id]
    assert "application/vnd.jupyter.widget-view+json" in ok
    problems = []
    if "state='succeeded'" not in ok.get("text/plain", ""):
        problems.append(f"succeeded card text/plain: {ok.get('text/plain')!r}")
    if "state='failed'" not in bad.get("text/plain", ""):
        problems.append(f"failed card text/plain: {bad.get('text/plain')!r}")
    ok_html, bad_html = str(ok.get("text/html", "")), str(bad.get("text/html", ""))
    if 'class="sutro-job-card-static"' not in ok_html or 'data-state="succeeded"' not in ok_html:
        problems.append(f"succeeded card text/html: {ok_html[:400]!r}")
    if 'data-state="failed"' not in bad_html or f"Failed: {REASON}" not in bad_html:
        problems.append(f"failed card text/html: {bad_html[:600]!r}")
    assert not problems, "the saved notebook is not final:\n" + "\n".join(problems)
