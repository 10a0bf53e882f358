"""The job board in real JupyterLab: mixed jobs to every final state, a row unfolding into the
full card, cancel-all cancelling only the running jobs, and ``%sutro_jobs``.

Held jobs (``job-held…``) wait for the test's ``advance``, so each row reaches
its state on purpose; key and URL come from the server's environment.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    board_row,
    notebook_area,
    open_notebook,
    run_all_cells,
    seconds,
    wait_for,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FAST = "policy=PollPolicy(initial_interval=0.2, max_interval=0.5)"


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def show_board(page: Page, jupyter: JupyterServer, name: str, cells: list[str]) -> None:
    filename = write_notebook(jupyter.root_dir, name, cells)
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)


def row(page: Page, job_id: str):  # type: ignore[no-untyped-def]
    return board_row(page, job_id)


def expect_row_state(page: Page, jupyter: JupyterServer, job_id: str, state: str) -> None:
    def check() -> None:
        expect(row(page, job_id)).to_have_attribute(
            "data-state", state, timeout=seconds(STATE_TIMEOUT_S)
        )

    wait_for(page, jupyter, f"row {job_id} to be {state}", check)


def test_a_board_of_mixed_jobs_reaches_every_final_state_and_a_row_unfolds(
    page: Page, jupyter: JupyterServer, frontend: Frontend, simulator: Simulator
) -> None:
    ok, bad, stopped = fresh("job-held"), fresh("job-held-fails"), fresh("job-held")
    ids = [ok, bad, stopped]
    show_board(
        page,
        jupyter,
        f"board-mixed-{frontend}",
        [f"from sutro_widget import JobBoard, PollPolicy\nJobBoard({ids!r}, {FAST})"],
    )
    board = notebook_area(page).get_by_test_id("board")
    expect(board).to_be_visible(timeout=seconds(STATE_TIMEOUT_S))
    for job_id in ids:
        expect_row_state(page, jupyter, job_id, "queued")
    expect(notebook_area(page).get_by_test_id("board-counts")).to_contain_text("3 queued")
    for job_id in (ok, bad):
        simulator.advance(job_id)  # running
        simulator.advance(job_id)  # succeeded / failed
    expect_row_state(page, jupyter, ok, "succeeded")
    expect_row_state(page, jupyter, bad, "failed")
    expect(row(page, bad).get_by_test_id("row-note")).to_contain_text("Row 1532")
    counts = notebook_area(page).get_by_test_id("board-counts")
    expect(counts).to_contain_text("1 succeeded")
    expect(counts).to_contain_text("1 failed")

    # The failed row unfolds into the real card: its reason, its failure section.
    row(page, bad).get_by_test_id("row-fold").click()
    card = row(page, bad).get_by_test_id("row-card").locator(".sutro-job-card")
    expect(card).to_have_attribute("data-state", "failed", timeout=seconds(STATE_TIMEOUT_S))
    expect(card.get_by_test_id("failure-reason")).to_contain_text("Row 1532")
    expect(row(page, bad).get_by_test_id("row-fold")).to_have_attribute("aria-expanded", "true")

    # The third job is cancelled from its unfolded card.
    row(page, stopped).get_by_test_id("row-fold").click()
    third = row(page, stopped).get_by_test_id("row-card").locator(".sutro-job-card")
    third.get_by_test_id("cancel").click()
    third.get_by_test_id("cancel-yes").click()
    expect_row_state(page, jupyter, stopped, "cancelling")
    assert simulator.advance(stopped) == "cancelled"  # a held job's cancel waits for the test
    expect_row_state(page, jupyter, stopped, "cancelled")
    assert simulator.request_count(stopped, route="v1/job-cancel") == 1


def test_cancel_all_cancels_only_the_running_jobs(
    page: Page, jupyter: JupyterServer, frontend: Frontend, simulator: Simulator
) -> None:
    queued, running, other, done = (fresh("job-held") for _ in range(4))
    ids = [queued, running, other, done]
    show_board(
        page,
        jupyter,
        f"board-cancel-all-{frontend}",
        [f"from sutro_widget import JobBoard, PollPolicy\nJobBoard({ids!r}, {FAST})"],
    )
    for job_id in ids:
        expect_row_state(page, jupyter, job_id, "queued")
    for job_id in (running, other, done, done):
        simulator.advance(job_id)
    for job_id in (running, other):
        expect_row_state(page, jupyter, job_id, "running")
    expect_row_state(page, jupyter, done, "succeeded")
    button = notebook_area(page).get_by_test_id("board-cancel-all")
    expect(button).to_have_text(re.compile(r"Cancel all running \(2\)"))
    button.click()
    expect(notebook_area(page).get_by_test_id("board-cancel-all-confirm")).to_contain_text(
        "Cancel 2 running jobs? 1 other unfinished job stays."
    )
    notebook_area(page).get_by_test_id("board-cancel-all-yes").click()
    for job_id in (running, other):
        expect_row_state(page, jupyter, job_id, "cancelling")
        assert simulator.advance(job_id) == "cancelled"  # held: the test moves it on
        expect_row_state(page, jupyter, job_id, "cancelled")
    expect(row(page, done)).to_have_attribute("data-state", "succeeded")
    expect(row(page, queued)).to_have_attribute("data-state", "queued")
    for job_id in (queued, done):
        assert simulator.request_count(job_id, route="v1/job-cancel") == 0
    expect(button).to_be_hidden(timeout=seconds(STATE_TIMEOUT_S))


def test_the_sutro_jobs_magic_shows_a_board(
    page: Page, jupyter: JupyterServer, frontend: Frontend, simulator: Simulator
) -> None:
    first, second = fresh("job-succeeds"), fresh("job-fails")
    show_board(
        page,
        jupyter,
        f"board-magic-{frontend}",
        ["%load_ext sutro_widget", f"%sutro_jobs {first} {second}"],
    )
    expect(notebook_area(page).get_by_test_id("board")).to_be_visible(
        timeout=seconds(STATE_TIMEOUT_S)
    )
    expect_row_state(page, jupyter, first, "succeeded")
    expect_row_state(page, jupyter, second, "failed")


def test_a_redraw_at_a_jobs_end_keeps_the_unfolded_row_and_the_open_confirm(
    page: Page, jupyter: JupyterServer, frontend: Frontend, simulator: Simulator
) -> None:
    # A job's end re-publishes the board's saved copy, which the host draws as a new view
    # of the same widget: what the user opened in the old view is open in the new one.
    ending, watched = fresh("job-held"), fresh("job-held")
    show_board(
        page,
        jupyter,
        f"board-redraw-{frontend}",
        [f"from sutro_widget import JobBoard, PollPolicy\nJobBoard({[ending, watched]!r}, {FAST})"],
    )
    for job_id in (ending, watched):
        expect_row_state(page, jupyter, job_id, "queued")
        simulator.advance(job_id)
        expect_row_state(page, jupyter, job_id, "running")
    area = notebook_area(page)
    row(page, watched).get_by_test_id("row-fold").click()
    expect(row(page, watched).locator(".sutro-job-card")).to_be_visible()
    area.get_by_test_id("board-cancel-all").click()
    expect(area.get_by_test_id("board-cancel-all-confirm")).to_be_visible()
    area.get_by_test_id("board").evaluate("board => { board.dataset.drawnBefore = 'yes'; }")

    simulator.advance(ending)  # succeeded: the saved copy follows within SAVED_VIEW_SECONDS
    expect_row_state(page, jupyter, ending, "succeeded")
    wait_for(
        page,
        jupyter,
        "the host to draw the board anew",
        lambda: expect(area.locator("[data-testid=board][data-drawn-before]")).to_have_count(
            0, timeout=seconds(STATE_TIMEOUT_S)
        ),
    )
    expect(area.get_by_test_id("board")).to_have_count(1)
    expect(row(page, watched).get_by_test_id("row-fold")).to_have_attribute(
        "aria-expanded", "true"
    )
    card = row(page, watched).locator(".sutro-job-card")
    expect(card).to_have_attribute("data-state", "running", timeout=seconds(STATE_TIMEOUT_S))
    confirm = area.get_by_test_id("board-cancel-all-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Cancel 1 running job?")
