"""The status card in a real browser, in JupyterLab and in Notebook 7.

Each test writes a notebook that shows a card for a fresh *held* simulator job,
runs it, and then moves the job itself with ``simulator.advance`` so every
state is on screen for as long as the test needs. Element screenshots of the
final cards go to ``docs/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from sutro_widget.simulator import FAILURE_METADATA, Simulator

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
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FAILURE_MESSAGE = str(FAILURE_METADATA["failure_reason"]["message"])  # type: ignore[index]


def test_held_job_goes_queued_running_succeeded(
    open_card: Callable[[str], OpenCard],
    simulator: Simulator,
    jupyter: JupyterServer,
    frontend: Frontend,
) -> None:
    shown = open_card("job-held")
    page, card, job_id = shown.page, shown.card, shown.job_id

    expect(card).to_have_attribute("role", "status")
    see_status(shown, simulator, jupyter, "queued", "Queued")
    # On the current API the card polls jobs/{id}, whose answer has no sentence of the
    # server's (job-status's "Waiting in queue"): the headline speaks, no stale line.
    expect(card.get_by_test_id("message")).to_be_hidden()
    expect(card.get_by_test_id("status-word")).to_have_text("Queued")

    advance_and_see(shown, simulator, jupyter, "running", "Running")
    save_card_screenshot(card, f"running-{frontend}.png")

    advance_and_see(shown, simulator, jupyter, "succeeded", "Succeeded")
    expect(card.get_by_test_id("message")).to_be_hidden()
    expect(card.get_by_test_id("error")).to_be_hidden()
    expect(card.get_by_test_id("failure-details")).to_be_hidden()
    save_card_screenshot(card, f"succeeded-{frontend}.png")

    seen = statuses_of(page, job_id)
    assert is_subsequence(["queued", "running", "succeeded"], seen), (
        f"the card's data-status went {seen}, which lacks queued -> running -> succeeded"
    )
    assert seen[-1] == "succeeded", f"the card left 'succeeded' afterwards: {seen}"


def test_failed_job_shows_why_it_failed(
    open_card: Callable[[str], OpenCard],
    simulator: Simulator,
    jupyter: JupyterServer,
    frontend: Frontend,
) -> None:
    shown = open_card("job-held-fails")
    page, card, job_id = shown.page, shown.card, shown.job_id

    see_status(shown, simulator, jupyter, "queued", "Queued")
    advance_and_see(shown, simulator, jupyter, "running", "Running")
    details = card.get_by_test_id("failure-details")
    expect(details).to_be_hidden()

    advance_and_see(shown, simulator, jupyter, "failed", "Failed")

    reason = details.get_by_test_id("failure-reason")
    metadata_json = details.get_by_test_id("metadata-json")
    expect(details).to_be_visible()
    # The section opens by itself when the card sees the job fail (js/details.ts);
    # after that a click on its summary closes and reopens it.
    expect(details).to_have_attribute("open", "")
    expect(reason).to_be_visible()

    def toggle_details(opened: bool) -> None:
        details.locator("summary").click()
        timeout = seconds(STATE_TIMEOUT_S)
        if opened:
            expect(details).to_have_attribute("open", "", timeout=timeout)
        else:
            expect(details).not_to_have_attribute("open", "", timeout=timeout)

    wait_for(
        page, jupyter, "a click on the summary to close the details", lambda: toggle_details(False)
    )
    expect(reason).to_be_hidden()
    wait_for(
        page, jupyter, "a click on the summary to reopen the details", lambda: toggle_details(True)
    )
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("Row 1532: input exceeds the model context window")
    expect(reason).to_have_text(FAILURE_MESSAGE)
    expect(metadata_json).to_be_visible()
    expect(metadata_json).to_contain_text('"code"')
    expect(metadata_json).to_contain_text('"context_length_exceeded"')
    save_card_screenshot(card, f"failed-{frontend}.png")

    seen = statuses_of(page, job_id)
    assert is_subsequence(["queued", "running", "failed"], seen), (
        f"the card's data-status went {seen}, which lacks queued -> running -> failed"
    )
