"""The browser console stays quiet: no anywidget deprecation warning, no error from our code.

anywidget 0.11 warns when a module exports ``render`` directly; ours export only
``default { render }`` (the card and the board). Any console error while a card
and a board render and update would be a bug of ours too.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from .harness import (
    NOTEBOOK_CARD,
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    board_row,
    card_cell,
    open_notebook,
    run_all_cells,
    seconds,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def test_no_anywidget_warning_and_no_errors_in_the_console(
    page: Page, jupyter: JupyterServer, frontend: Frontend
) -> None:
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    card_id, board_id = f"job-succeeds-{uuid.uuid4().hex[:8]}", f"job-fails-{uuid.uuid4().hex[:8]}"
    board = f"from sutro_widget import JobBoard\nJobBoard([{board_id!r}])"
    filename = write_notebook(jupyter.root_dir, f"console-{frontend}", [card_cell(card_id), board])
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = page.locator(NOTEBOOK_CARD).first
    expect(card).to_have_attribute("data-state", "succeeded", timeout=seconds(STATE_TIMEOUT_S))
    row = board_row(page, board_id)
    expect(row).to_have_attribute("data-state", "failed", timeout=seconds(STATE_TIMEOUT_S))
    anywidget = [m.text for m in messages if "[anywidget]" in m.text]
    assert anywidget == []
    ours = [m.text for m in messages if m.type == "error" and "sutro" in m.text.lower()]
    assert ours == []
