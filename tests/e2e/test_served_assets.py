"""One download of the card's code per page, in real JupyterLab and Notebook 7.

The first card of a kernel carries its code inline in its ``comm_open`` (about
50 KB); it tells the kernel where the page's Jupyter server serves this build,
and the next card's ``comm_open`` names that module instead. The served card
draws and follows its job like any other, , styled by the stylesheet its
module linked from beside itself (it came with no CSS). Sizes are measured on the page's websocket.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from .harness import (
    JupyterServer,
    browser_page,
    card_cell,
    open_notebook,
    run_all_cells,
    seconds,
    wait_for_card,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

#: The id of the stylesheet link a served module adds (js/served-assets.ts).
STYLESHEET_ID = "sutro-widget-served-css"

#: A comm_open that carries the built card is this big or more; one that names it, far less.
INLINE_AT_LEAST = 40_000
NAMED_AT_MOST = 8_000


def record_frames(page: Page) -> tuple[list[int], list[bytes]]:
    """Sizes of the ``comm_open`` of our widgets the page receives; every frame it sends."""
    opened: list[int] = []
    sent: list[bytes] = []

    def received(payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        if b'"comm_open"' in data and b"sutro_widget" in data:
            opened.append(len(data))

    def on_socket(socket: WebSocket) -> None:
        socket.on("framereceived", received)
        socket.on("framesent", lambda p: sent.append(p.encode() if isinstance(p, str) else p))

    page.on("websocket", on_socket)
    return opened, sent


@pytest.fixture
def own_page(browser: Browser, jupyter: JupyterServer) -> Iterator[Page]:
    try:
        with browser_page(browser) as page:
            yield page
    finally:
        jupyter.shutdown_kernels()


def run_in_new_cell(page: Page, code: str) -> None:
    """Type ``code`` into the notebook's last (empty) cell and run it with Shift+Enter."""
    editor = page.locator(".jp-Notebook .jp-Cell").last.locator(".cm-content")
    editor.click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")


def wait_until(check: Callable[[], bool], what: str, timeout_s: float) -> None:
    """Poll ``check`` (frames arrive on Playwright's side of the page) until it holds."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout_s:.0f} s for {what}")
        time.sleep(0.1)


def test_the_second_card_names_the_servers_module_and_is_drawn_and_styled(
    own_page: Page, jupyter: JupyterServer
) -> None:
    first, second = (f"job-held-{uuid.uuid4().hex[:8]}" for _ in range(2))
    filename = write_notebook(jupyter.root_dir, f"served-{first}", [card_cell(first), ""])
    opened, sent = record_frames(own_page)
    open_notebook(own_page, jupyter, filename)
    run_all_cells(own_page, jupyter)
    expect(wait_for_card(own_page, jupyter, first)).to_have_attribute(
        "data-state", "queued", timeout=seconds(30)
    )
    assert len(opened) == 1 and opened[0] >= INLINE_AT_LEAST, opened  # the first: inline
    # Its view told the kernel where the server serves the build; the kernel reads
    # it before the next cell (one shell channel, in order).
    wait_until(lambda: any(b'"assets"' in frame for frame in sent), "the offer", 20)

    run_in_new_cell(own_page, card_cell(second))
    card = wait_for_card(own_page, jupyter, second)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(30))
    assert len(opened) == 2 and opened[1] <= NAMED_AT_MOST, opened  # the second: named
    print(f"comm_open bytes: inline {opened[0]}, named {opened[1]}")

    # The named card has no inline CSS: its module linked the stylesheet beside it.
    stylesheet = own_page.locator(f"link#{STYLESHEET_ID}")
    expect(stylesheet).to_have_count(1)
    rules = "el => el.sheet === null ? 0 : el.sheet.cssRules.length"
    wait_until(lambda: int(stylesheet.evaluate(rules)) > 50, "the served stylesheet to load", 10)
    assert card.evaluate("el => getComputedStyle(el).contain") == "content"
