"""Every card state the simulator can produce, as a user sees it in JupyterLab and Notebook 7.

For each state: the root's ``data-state``, the headline word, and exactly which
action buttons are visible (the table in ``js/parts/controls.ts`` ``buttonsFor``).
The jobs are held or already final, so every state is reached on purpose, not
by racing a script; the card-only states come from the outside world: a
request that is never answered (connecting), an unknown id (not found), a
wrong key (key refused) and a closed port (unreachable).
"""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.simulator import FAILURE_METADATA, Fault, Simulator, Step

from .harness import (
    NOTEBOOK_CARD,
    STATE_TIMEOUT_S,
    JupyterServer,
    card_cell,
    expect_buttons,
    hold_text,
    is_subsequence,
    open_notebook,
    record_states,
    run_all_cells,
    seconds,
    states_of,
    visible_buttons,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: Buttons per state, test id -> label, exactly as the contract lists them.
LIVE_BUTTONS = {"refresh": "Refresh", "stop-resume": "Stop", "cancel": "Cancel job"}
EXPECTED_BUTTONS: dict[str, dict[str, str]] = {
    "connecting": {"stop-resume": "Stop"},
    "not-found": {"retry": "Retry"},
    "unauthorized": {"retry": "Retry"},
    "unreachable": {"retry": "Retry now", "stop-resume": "Stop"},
    "stale": {"retry": "Retry now", "stop-resume": "Stop"},
    "stopped": {"stop-resume": "Resume"},
    "queued": LIVE_BUTTONS,
    "running": LIVE_BUTTONS,
    "unknown": LIVE_BUTTONS,
    "cancelling": {"refresh": "Refresh", "stop-resume": "Stop"},
    "succeeded": {},
    "failed": {},
    "cancelled": {},
}
#: States whose card shows a one-line hint of what to check. Not found and key
#: refused have none: their error sentence already says what to check, once.
HINTED = {"unreachable"}
#: The class that dims every live number while the state is not live.
DIMMED = re.compile(r"(^|\s)sutro-job-card--dimmed(\s|$)")


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released: connecting is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class StateCard:
    """One card of the notebook: the job it follows, the cell showing it, where it should end."""

    job_id: str
    cell: str
    state: str
    word: str


def check_state(page: Page, server: JupyterServer, card: Locator, state: str, word: str) -> None:
    """The card is in ``state`` with ``word``, and shows exactly that state's buttons."""
    wait_for_state(page, server, card, state, word)
    try:
        expect_buttons(card, EXPECTED_BUTTONS[state])
    except AssertionError as exc:
        raise AssertionError(
            f"{state}: wrong buttons; visible now: {visible_buttons(card)}; wanted "
            f"{EXPECTED_BUTTONS[state]}\n{exc}"
        ) from None
    hint = card.get_by_test_id("hint")
    if state in HINTED:
        expect(hint).to_be_visible()
        expect(hint).not_to_have_text("")
    else:
        expect(hint).to_be_hidden()
    live = state not in {
        "not-found",
        "unauthorized",
        "unreachable",
        "stale",
        "stopped",
        "succeeded",
        "failed",
        "cancelled",
    }
    expect(card).to_have_attribute("data-live", str(live).lower())
    final = state in {"succeeded", "failed", "cancelled"}
    if live or final:  # final numbers are exact, not old: they are not dimmed
        expect(card).not_to_have_class(DIMMED)
    else:
        expect(card).to_have_class(DIMMED)


@pytest.fixture
def hung_job(simulator: Simulator) -> Iterator[str]:
    """A job whose status requests the simulator reads and never answers (while the test runs)."""
    job_id = f"job-held-hung-{uuid.uuid4().hex[:10]}"
    handle = simulator.inject(Fault.NO_RESPONSE, job_id=job_id)
    try:
        yield job_id
    finally:
        handle.clear()


def test_every_reachable_state_shows_its_word_and_exactly_its_buttons(
    page: Page, jupyter: JupyterServer, simulator: Simulator, hung_job: str
) -> None:
    suffix = uuid.uuid4().hex[:10]
    port = closed_port()
    final = {
        "succeeded": (Step("succeeded", None, "Job completed successfully"), "Succeeded"),
        "failed": (Step("failed", None, "Job failed", FAILURE_METADATA), "Failed"),
        "unknown": (Step("PAUSED", None, "Job paused by operator"), "Unknown: PAUSED"),
    }
    for state, (step, _word) in final.items():
        simulator.add_job(f"job-{state}-{suffix}", [step])
    cards = [
        # The request is never answered; a 300 s timeout keeps the card connecting.
        StateCard(hung_job, card_cell(hung_job, "timeout=300"), "connecting", "Connecting"),
        StateCard(
            f"no-such-job-{suffix}", card_cell(f"no-such-job-{suffix}"), "not-found", "Not found"
        ),
        StateCard(
            f"job-held-key-{suffix}",
            card_cell(f"job-held-key-{suffix}", "api_key='not-the-right-key'"),
            "unauthorized",
            "Key refused",
        ),
        StateCard(
            f"job-held-port-{suffix}",
            # A key of its own: the environment's key belongs to the simulator's URL only.
            card_cell(
                f"job-held-port-{suffix}", "api_key='k'", f"base_url='http://127.0.0.1:{port}/v1'"
            ),
            "unreachable",
            "Unreachable",
        ),
        StateCard(f"job-held-q-{suffix}", card_cell(f"job-held-q-{suffix}"), "queued", "Queued"),
        StateCard(f"job-held-r-{suffix}", card_cell(f"job-held-r-{suffix}"), "running", "Running"),
        *(
            StateCard(f"job-{state}-{suffix}", card_cell(f"job-{state}-{suffix}"), state, word)
            for state, (_step, word) in final.items()
        ),
    ]
    filename = write_notebook(jupyter.root_dir, "states", [c.cell for c in cards])
    record_states(page)
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    for shown in cards:
        card = wait_for_card(page, jupyter, shown.job_id)
        if shown.state == "running":
            wait_for_state(page, jupyter, card, "queued", "Queued")
            assert simulator.advance(shown.job_id) == "running"
        check_state(page, jupyter, card, shown.state, shown.word)

    # The hung card never heard a status: it was connecting, and at most the request's
    # overall deadline (15 s, whatever `timeout` says) turned that into "unreachable".
    hung = wait_for_card(page, jupyter, hung_job)
    expect(hung).to_have_attribute("data-status", "")
    assert set(states_of(page, hung_job)) <= {"connecting", "unreachable"}, states_of(
        page, hung_job
    )
    if hung.get_attribute("data-state") == "unreachable":
        expect(hung.get_by_test_id("error")).to_contain_text("No complete answer")
    failed = wait_for_card(page, jupyter, f"job-failed-{suffix}")
    expect(failed.get_by_test_id("failure-reason")).to_contain_text("Row 1532")


def test_stop_then_cancel_and_confirm_then_cancelled(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    suffix = uuid.uuid4().hex[:10]
    stop_id, cancel_id = f"job-held-stop-{suffix}", f"job-held-cancel-{suffix}"
    filename = write_notebook(
        jupyter.root_dir, "stop-cancel", [card_cell(stop_id), card_cell(cancel_id)]
    )
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    stopping = wait_for_card(page, jupyter, stop_id)
    check_state(page, jupyter, stopping, "queued", "Queued")
    stopping.get_by_test_id("stop-resume").click()
    check_state(page, jupyter, stopping, "stopped", "Stopped")
    expect(stopping.get_by_test_id("headline-secondary")).to_contain_text("last seen queued")

    cancelling = wait_for_card(page, jupyter, cancel_id)
    check_state(page, jupyter, cancelling, "queued", "Queued")
    assert simulator.advance(cancel_id) == "running"
    check_state(page, jupyter, cancelling, "running", "Running")
    cancelling.get_by_test_id("cancel").click()
    expect(cancelling.get_by_test_id("cancel-confirm")).to_be_visible()
    cancelling.get_by_test_id("cancel-yes").click()
    check_state(page, jupyter, cancelling, "cancelling", "Cancelling")
    assert simulator.status_of(cancel_id) == "cancelling"
    assert simulator.advance(cancel_id) == "cancelled"
    check_state(page, jupyter, cancelling, "cancelled", "Cancelled")
    expect(cancelling.get_by_test_id("cancel-confirm")).to_be_hidden()


def test_retry_on_a_not_found_card_asks_again_without_duplicating_the_error(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    job_id = f"no-such-job-retry-{uuid.uuid4().hex[:10]}"
    record_states(page)
    filename = write_notebook(jupyter.root_dir, "retry", [card_cell(job_id)])
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = wait_for_card(page, jupyter, job_id)
    check_state(page, jupyter, card, "not-found", "Not found")

    errors = card.locator('[role="alert"]:visible')
    expect(errors).to_have_count(1)
    for attempt in (1, 2):
        asked = simulator.request_count(job_id)
        before = len(states_of(page, job_id))
        card.get_by_test_id("retry").click()
        _wait_for_requests(page, simulator, job_id, asked + 1)
        check_state(page, jupyter, card, "not-found", "Not found")
        after = states_of(page, job_id)[before:]
        assert set(after) <= {"connecting", "not-found"}, (attempt, after)
        expect(errors).to_have_count(1)
        expect(page.locator(NOTEBOOK_CARD)).to_have_count(1)
    seen = states_of(page, job_id)
    assert seen[0] in {"connecting", "not-found"}, seen
    assert is_subsequence(["not-found"], seen), seen


def duration_s(text: str) -> int:
    """``"1m 05s"`` / ``"12s"`` (the card's elapsed format) in seconds."""
    match = re.fullmatch(r"\s*(?:(\d+)h\s*)?(?:(\d+)m\s*)?(?:(\d+)s)?\s*", text)
    assert match is not None and text.strip(), f"not a duration: {text!r}"
    hours, minutes, secs = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + secs


def _wait_for_requests(page: Page, simulator: Simulator, job_id: str, count: int) -> None:
    """Wait (bounded, polling the simulator's log) until ``job_id`` had ``count`` requests."""
    for _ in range(int(STATE_TIMEOUT_S / 0.1)):
        if simulator.request_count(job_id) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(
        f"the card did not ask again: {simulator.request_count(job_id)} status requests "
        f"for {job_id}, wanted {count}"
    )


def test_stop_freezes_the_card_and_resume_brings_it_back_live(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    job_id = f"job-held-freeze-{uuid.uuid4().hex[:10]}"
    filename = write_notebook(jupyter.root_dir, "freeze", [card_cell(job_id)])
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = wait_for_card(page, jupyter, job_id)
    check_state(page, jupyter, card, "queued", "Queued")
    assert simulator.advance(job_id) == "running"
    simulator.set_progress(job_id, 500)
    check_state(page, jupyter, card, "running", "Running")

    elapsed = card.get_by_test_id("elapsed")
    expect(elapsed).to_be_visible()
    ticking = elapsed.inner_text()
    expect(elapsed).not_to_have_text(ticking, timeout=seconds(5))  # live: it ticks
    # Let it run a few seconds, so a clock frozen at an old moment would show.
    expect(elapsed).to_have_text(re.compile(r"^(\d+m )?([4-9]|\d\d+)s$"), timeout=seconds(10))

    before_stop = duration_s(elapsed.inner_text())
    card.get_by_test_id("stop-resume").click()
    check_state(page, jupyter, card, "stopped", "Stopped")
    expect(card).to_have_attribute("data-tone", "waiting")  # grey
    frozen = hold_text(elapsed, 3.0)
    assert len(set(frozen)) == 1, f"elapsed kept changing while stopped: {frozen}"
    # Frozen where it was stopped, not rolled back to an older moment.
    assert duration_s(frozen[0]) >= before_stop, (
        f"Stop moved the elapsed time back: {before_stop} s shown before Stop, {frozen[0]!r} after"
    )
    expect(card.get_by_test_id("timeline")).to_have_attribute("data-frozen", "true")

    card.get_by_test_id("stop-resume").click()
    check_state(page, jupyter, card, "running", "Running")
    resumed = elapsed.inner_text()
    expect(elapsed).not_to_have_text(resumed, timeout=seconds(5))
    # Checked last so the Resume half runs either way: frozen where it was
    # stopped, not rolled back to an older moment.
    assert duration_s(frozen[0]) >= before_stop, (
        f"Stop moved the elapsed time back: {before_stop} s shown before Stop, {frozen[0]!r} after"
    )
