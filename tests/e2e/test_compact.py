"""``compact=True``: one line at most 32 px tall, tqdm-dense, and it unfolds to the whole card.

A held running job (rows set by the test) and a held job that fails, both
shown folded. The line must keep the state's icon and word, the job's name,
the bar with its numbers while progress is known, and a failed job's reason
on the same single line; the fold button opens the full card and folds it
back, in JupyterLab and Notebook 7.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.simulator import Simulator

from .harness import (
    JupyterServer,
    card_cell,
    open_notebook,
    run_all_cells,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

MAX_FOLDED_HEIGHT = 32.0
FOLDED = re.compile(r"(^|\s)sutro-job-card--folded(\s|$)")


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "not on screen"
    return float(box["height"])


def expect_folded(card: Locator) -> None:
    expect(card).to_have_class(FOLDED)
    expect(card.get_by_test_id("fold")).to_have_attribute("aria-expanded", "false")
    expect(card.get_by_test_id("compact-line")).to_be_visible()
    assert height(card) <= MAX_FOLDED_HEIGHT, f"folded card is {height(card)} px tall"
    expect(card.get_by_test_id("status-icon")).to_be_visible()
    expect(card.get_by_test_id("status-word")).to_be_visible()


def test_compact_card_is_one_line_and_unfolds(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    suffix = uuid.uuid4().hex[:10]
    running_id, failing_id = f"job-held-compact-{suffix}", f"job-held-fails-compact-{suffix}"
    filename = write_notebook(
        jupyter.root_dir,
        "compact",
        [card_cell(running_id, "compact=True"), card_cell(failing_id, "compact=True")],
    )
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)

    running = wait_for_card(page, jupyter, running_id)
    wait_for_state(page, jupyter, running, "queued", "Queued")
    expect_folded(running)
    assert simulator.advance(running_id) == "running"
    total = simulator.num_rows(running_id)
    simulator.set_progress(running_id, total // 4)
    wait_for_state(page, jupyter, running, "running", "Running")
    expect(running.get_by_test_id("compact-name")).to_have_text("Summarise support tickets (held)")
    expect(running.get_by_test_id("compact-bar")).to_be_visible()
    expect(running.get_by_test_id("compact-percent")).to_have_text("25%")
    expect(running.get_by_test_id("compact-progress")).to_contain_text(f"{total // 4}/{total}")
    expect_folded(running)

    failing = wait_for_card(page, jupyter, failing_id)
    wait_for_state(page, jupyter, failing, "queued", "Queued")
    assert simulator.advance(failing_id) == "running"
    assert simulator.advance(failing_id) == "failed"
    wait_for_state(page, jupyter, failing, "failed", "Failed")
    reason = failing.get_by_test_id("compact-reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("Row 1532: input exceeds the model context window")
    expect(reason).to_have_css("white-space", "nowrap")
    word_box = failing.get_by_test_id("status-word").bounding_box()
    reason_box = reason.bounding_box()
    assert word_box is not None and reason_box is not None
    assert reason_box["height"] <= 24, f"the reason wraps: {reason_box}"
    assert (
        abs((reason_box["y"] + reason_box["height"] / 2) - (word_box["y"] + word_box["height"] / 2))
        <= 4
    ), f"the reason is not on the word's line: {reason_box} vs {word_box}"
    expect_folded(failing)

    # Unfold: the whole card, the compact line gone; fold again: one line.
    fold = running.get_by_test_id("fold")
    fold.click()
    expect(running).not_to_have_class(FOLDED)
    expect(fold).to_have_attribute("aria-expanded", "true")
    expect(running.get_by_test_id("compact-line")).to_be_hidden()
    expect(running.get_by_test_id("progress-bar")).to_be_visible()
    expect(running.get_by_test_id("refresh")).to_be_visible()
    expect(running.get_by_test_id("cancel")).to_be_visible()
    assert height(running) > 2 * MAX_FOLDED_HEIGHT, height(running)
    fold.click()
    expect_folded(running)
    expect(running.get_by_test_id("refresh")).to_be_hidden()
    # The other card kept its own fold state.
    expect_folded(failing)
