"""Screenshots of the job board, light and dark, folded and with the failed row unfolded.

The board follows six jobs of the bundled simulator, one per built-in script
(the id's prefix picks it): one that succeeds, one that fails on row 1532, one
that is cancelled, one that stays queued (``job-held``), one that runs for three
minutes (``job-long``) and one that ends in a status the card does not know
(``job-unknown``). Once the finished ones are final on screen the board is saved
as ``docs/screenshots/board-<theme>.png``; then the failed row is unfolded into
its full card and saved as ``board-unfolded-<theme>.png``, and the confirm of
"Cancel all running" as ``board-cancel-all-<theme>.png``. Light is this module's
JupyterLab; dark is a second Lab whose user settings pick JupyterLab Dark.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.card.coalesce import SAVED_VIEW_SECONDS
from sutro_widget.simulator import Simulator
from sutro_widget.simulator.catalogue import FAILED_AT_ROW

from .harness import (
    DARK_THEME,
    KERNEL_TIMEOUT_S,
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    board_row,
    ensure_details_open,
    notebook_area,
    open_notebook,
    run_all_cells,
    save_card_screenshot,
    seconds,
    wait_for,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FAST = "policy=PollPolicy(initial_interval=0.2, max_interval=0.5)"
TITLE = "Nightly batch"
#: The longest built-in script to a final state (job-succeeds) takes about 10 s.
FINAL_TIMEOUT_S = 40.0


@dataclass(frozen=True)
class Jobs:
    """The board's jobs, one per built-in script."""

    succeeded: str
    failed: str
    cancelled: str
    queued: str
    running: str
    unknown: str

    @property
    def ids(self) -> list[str]:
        return [
            self.running,
            self.queued,
            self.failed,
            self.succeeded,
            self.cancelled,
            self.unknown,
        ]


def fresh_jobs() -> Jobs:
    """New ids, so every script plays from its start."""
    suffix = uuid.uuid4().hex[:10]
    return Jobs(
        succeeded=f"job-succeeds-{suffix}",
        failed=f"job-fails-{suffix}",
        cancelled=f"job-cancelled-{suffix}",
        queued=f"job-held-{suffix}",
        running=f"job-long-{suffix}",
        unknown=f"job-unknown-{suffix}",
    )


def board_cell(jobs: Jobs) -> str:
    """A cell showing the board; key and URL come from the server's environment."""
    return (
        "from sutro_widget import JobBoard, PollPolicy\n"
        f"JobBoard({jobs.ids!r}, title={TITLE!r}, {FAST})"
    )


def row(page: Page, job_id: str) -> Locator:
    return board_row(page, job_id)


def expect_row_state(
    page: Page, server: JupyterServer, job_id: str, state: str, timeout_s: float = STATE_TIMEOUT_S
) -> None:
    def check() -> None:
        expect(row(page, job_id)).to_have_attribute("data-state", state, timeout=seconds(timeout_s))

    wait_for(page, server, f"row {job_id} to be {state}", check)


def photograph_board(
    page: Page, server: JupyterServer, simulator: Simulator, theme: str
) -> list[Path]:
    """Show the board in ``server``'s Lab, wait for the final rows, save both screenshots."""
    jobs = fresh_jobs()
    filename = write_notebook(server.root_dir, f"board-screenshots-{theme}", [board_cell(jobs)])
    open_notebook(page, server, filename)
    light = "true" if theme == "light" else "false"
    wait_for(
        page,
        server,
        f"Lab to apply its {theme} theme",
        lambda: expect(page.locator("body")).to_have_attribute(
            "data-jp-theme-light", light, timeout=seconds(KERNEL_TIMEOUT_S)
        ),
    )
    run_all_cells(page, server)

    board = notebook_area(page).get_by_test_id("board")
    wait_for(
        page,
        server,
        "the board to appear",
        lambda: expect(board).to_be_visible(timeout=seconds(STATE_TIMEOUT_S)),
    )
    expect(board.get_by_test_id("board-title")).to_have_text(TITLE)
    for job_id, state in (
        (jobs.succeeded, "succeeded"),
        (jobs.failed, "failed"),
        (jobs.cancelled, "cancelled"),
        (jobs.unknown, "unknown"),
        (jobs.running, "running"),
        (jobs.queued, "queued"),
    ):
        expect_row_state(page, server, job_id, state, timeout_s=FINAL_TIMEOUT_S)

    counts = board.get_by_test_id("board-counts")
    for words in ("1 running", "1 queued", "1 failed", "1 succeeded", "1 cancelled"):
        expect(counts).to_contain_text(words)
    expect(row(page, jobs.failed).get_by_test_id("row-note")).to_contain_text(
        f"Row {FAILED_AT_ROW}"
    )
    expect(row(page, jobs.unknown).get_by_test_id("row-word")).to_contain_text("PAUSED")
    # The ends just seen re-publish the board's saved copy within SAVED_VIEW_SECONDS, and
    # JupyterLab redraws the live board from it (an unfolded row or an open confirm closes):
    # a screenshot, not a check of timing, so let that copy land before unfolding anything.
    page.wait_for_timeout(seconds(SAVED_VIEW_SECONDS + 1))
    saved = [save_card_screenshot(board, f"board-{theme}.png")]

    # The failed row unfolds into its full card, failure reason and all.
    failed = row(page, jobs.failed)
    failed.get_by_test_id("row-fold").click()
    expect(failed.get_by_test_id("row-fold")).to_have_attribute("aria-expanded", "true")
    card = failed.get_by_test_id("row-card").locator(".sutro-job-card")
    wait_for(
        page,
        server,
        "the failed row's card to show the failure",
        lambda: expect(card).to_have_attribute(
            "data-state", "failed", timeout=seconds(STATE_TIMEOUT_S)
        ),
    )
    details = card.get_by_test_id("failure-details")
    ensure_details_open(page, server, details, "the unfolded card's failure details")
    reason = card.get_by_test_id("failure-reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text(f"Row {FAILED_AT_ROW}")
    expect(reason).to_contain_text("context window")
    saved.append(save_card_screenshot(board, f"board-unfolded-{theme}.png"))

    # Cancel all running asks first and names what it leaves alone; No keeps everything.
    button = board.get_by_test_id("board-cancel-all")
    expect(button).to_have_text("Cancel all running (1)")
    button.click()
    confirm = board.get_by_test_id("board-cancel-all-confirm")
    expect(confirm).to_contain_text("Cancel 1 running job? 2 other unfinished jobs stay.")
    saved.append(save_card_screenshot(board, f"board-cancel-all-{theme}.png"))
    board.get_by_test_id("board-cancel-all-no").click()
    expect(confirm).to_be_hidden()
    return saved


# -- light: this module's Lab server -------------------------------------------------------


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """JupyterLab only: screenshots of one frontend, in two themes."""
    return "lab"


def test_board_screenshots_light(page: Page, jupyter: JupyterServer, simulator: Simulator) -> None:
    saved = photograph_board(page, jupyter, simulator, "light")
    assert all(path.stat().st_size > 1000 for path in saved), saved


# -- dark: a second Lab whose user settings pick JupyterLab Dark -------------------------


def test_board_screenshots_dark(
    dark_page: Page, dark_lab: JupyterServer, simulator: Simulator
) -> None:
    saved = photograph_board(dark_page, dark_lab, simulator, "dark")
    expect(dark_page.locator("body")).to_have_attribute("data-jp-theme-name", DARK_THEME)
    assert all(path.stat().st_size > 1000 for path in saved), saved
