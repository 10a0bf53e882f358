"""Live progress and cancel, in a real browser, in JupyterLab and Notebook 7.

The job is a held simulator job: the test moves its rows with
``simulator.set_progress`` and its status with ``simulator.advance``, so what
the card must show at each moment is known exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from sutro_widget.simulator import Simulator

from .harness import (
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    OpenCard,
    advance_and_see,
    is_subsequence,
    save_card_screenshot,
    seconds,
    see_status,
    statuses_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def test_progress_bar_advances_and_reaches_100_percent_with_the_job(
    open_card: Callable[[str], OpenCard],
    simulator: Simulator,
    jupyter: JupyterServer,
    frontend: Frontend,
) -> None:
    shown = open_card("job-held")
    card, job_id = shown.card, shown.job_id
    total = simulator.num_rows(job_id)

    see_status(shown, simulator, jupyter, "queued", "Queued")
    expect(card.get_by_test_id("details")).to_contain_text("rows", timeout=seconds(20))
    advance_and_see(shown, simulator, jupyter, "running", "Running")

    bar = card.get_by_test_id("progress-bar")
    text = card.get_by_test_id("progress-text")
    timeout = seconds(STATE_TIMEOUT_S)
    for rows in (total // 4, total * 3 // 4):
        simulator.set_progress(job_id, rows)
        expect(bar).to_have_attribute("aria-valuenow", str(rows), timeout=timeout)
        expect(text).to_contain_text(f"{rows * 100 // total}%", timeout=timeout)
    expect(bar).to_have_attribute("aria-valuemax", str(total))
    save_card_screenshot(card, f"progress-{frontend}.png")

    # Succeeded: the stream ends and the card checks the status at once.
    advance_and_see(shown, simulator, jupyter, "succeeded", "Succeeded")
    expect(text).to_contain_text("100%", timeout=timeout)
    expect(bar).to_have_attribute("aria-valuenow", str(total), timeout=timeout)
    expect(card.get_by_test_id("results-snippet")).to_contain_text("get_job_results")
    expect(card.get_by_test_id("cancel")).to_be_hidden()


def test_cancel_confirm_then_cancelling_then_cancelled(
    open_card: Callable[[str], OpenCard],
    simulator: Simulator,
    jupyter: JupyterServer,
    frontend: Frontend,
) -> None:
    shown = open_card("job-held")
    page, card, job_id = shown.page, shown.card, shown.job_id

    see_status(shown, simulator, jupyter, "queued", "Queued")
    advance_and_see(shown, simulator, jupyter, "running", "Running")

    cancel = card.get_by_test_id("cancel")
    confirm = card.get_by_test_id("cancel-confirm")
    expect(confirm).to_be_hidden()
    cancel.click()
    expect(confirm).to_be_visible()
    card.get_by_test_id("cancel-no").click()  # changing one's mind sends nothing
    expect(confirm).to_be_hidden()
    assert simulator.status_of(job_id) == "running"

    cancel.click()
    card.get_by_test_id("cancel-yes").click()
    see_status(shown, simulator, jupyter, "cancelling", "Cancelling")
    assert simulator.status_of(job_id) == "cancelling"
    expect(cancel).to_be_hidden()
    save_card_screenshot(card, f"cancelling-{frontend}.png")

    # A held job stays in cancelling until told.
    advance_and_see(shown, simulator, jupyter, "cancelled", "Cancelled")
    expect(cancel).to_be_hidden()
    seen = statuses_of(page, job_id)
    assert is_subsequence(["running", "cancelling", "cancelled"], seen), seen
