"""The card keeps updating while the cell that made it is still running.

The cell shows a card for a held job and then blocks in ``wait()``, so the
kernel stays busy (prompt ``[*]``) until the job is final. The updates travel
from the poller thread over the comm while the shell is busy: the test moves
the job and must see Running and then Succeeded on the card before the cell
ends, and then the cell's own ``final: succeeded`` line. In JupyterLab and in
Notebook 7.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    STATE_TIMEOUT_S,
    JupyterServer,
    is_subsequence,
    open_notebook,
    run_all_cells,
    seconds,
    statuses_of,
    wait_for,
    wait_for_card,
    wait_for_status,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: How long the test keeps checking that the cell is still busy while the job is held.
BUSY_CHECK_S = 1.5

#: The input prompt of a cell that is running, and of one that has run.
BUSY_PROMPT = re.compile(r"^\s*\[\*\]:?\s*$")
DONE_PROMPT = re.compile(r"^\s*\[\d+\]:?\s*$")


def blocking_cell(job_id: str) -> str:
    """Show the card, then block in ``wait()`` until the job is final, then print it."""
    return (
        "from sutro_widget import JobStatusWidget, PollPolicy\n"
        f"w = JobStatusWidget({job_id!r}, "
        "policy=PollPolicy(initial_interval=0.2, max_interval=0.5))\n"
        "display(w)\n"
        'print("final:", w.wait(timeout=120))'
    )


def test_card_updates_while_its_cell_is_busy(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    job_id = f"job-held-{uuid.uuid4().hex[:12]}"
    filename = write_notebook(jupyter.root_dir, "busy-cell", [blocking_cell(job_id)])
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    stdout = page.locator(
        '.jp-CodeCell .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]'
    )
    card = wait_for_card(page, jupyter, job_id)

    def job_state() -> str:
        return simulator.status_of(job_id)

    def still_busy(when: str) -> None:
        """The cell has not finished: its prompt reads [*] and it printed nothing."""
        wait_for(
            page,
            jupyter,
            f"the cell to still be running {when}",
            lambda: expect(prompt).to_have_text(BUSY_PROMPT, timeout=seconds(2)),
            extra=lambda: f"prompt now: {prompt.inner_text()!r}",
        )
        assert stdout.count() == 0, f"the cell printed {when}: {stdout.all_inner_texts()}"

    wait_for_status(page, jupyter, card, "queued", "Queued", job_state)
    still_busy("while the job is queued")

    assert simulator.advance(job_id) == "running"
    wait_for_status(page, jupyter, card, "running", "Running", job_state)
    # Held: the job cannot finish, so the cell must stay busy however long we look.
    page.wait_for_timeout(seconds(BUSY_CHECK_S))
    still_busy("while the job is held at running")

    assert simulator.advance(job_id) == "succeeded"
    wait_for_status(page, jupyter, card, "succeeded", "Succeeded", job_state)

    def cell_finished() -> None:
        expect(stdout).to_have_text("final: succeeded", timeout=seconds(STATE_TIMEOUT_S))
        expect(prompt).to_have_text(DONE_PROMPT, timeout=seconds(STATE_TIMEOUT_S))

    wait_for(
        page,
        jupyter,
        'the cell to print "final: succeeded" and finish',
        cell_finished,
        extra=lambda: f"prompt: {prompt.inner_text()!r}; stdout: {stdout.all_inner_texts()}",
    )
    seen = statuses_of(page, job_id)
    assert is_subsequence(["queued", "running", "succeeded"], seen), (
        f"the card's data-status went {seen}, which lacks queued -> running -> succeeded"
    )
