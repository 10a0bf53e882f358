"""No network beyond the Jupyter server: a card and a board render and update in JupyterLab
while every request the page makes to any other origin is refused and recorded.

Every HTTP request of the browser context goes through a route that lets the
Jupyter server's own origin through and aborts anything else (so a CDN fetch
for anywidget or for our card would also leave the card undrawn); requests
seen by ``context.on("request")`` and every websocket the page opens are
recorded too. The test fails if anything left for another origin -- the
card's and the board's JavaScript must come from the kernel (anywidget's
``_esm``) and the installed labextensions only.
"""

from __future__ import annotations

import uuid
from functools import partial
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, Route, WebSocket, expect

from sutro_widget.simulator import Simulator

from .harness import (
    STATE_TIMEOUT_S,
    Frontend,
    JupyterServer,
    board_row,
    open_notebook,
    run_all_cells,
    seconds,
    wait_for,
    wait_for_card,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """Tested in JupyterLab."""
    return "lab"


def same_origin(url: str, origin: str) -> bool:
    """Whether ``url`` is on the Jupyter server (http or ws on its host and port)."""
    parts, home = urlsplit(url), urlsplit(origin)
    if parts.scheme in ("data", "blob", "about"):
        return True  # made in the page, no network
    return parts.scheme in ("http", "ws") and parts.netloc == home.netloc


def test_card_and_board_need_nothing_but_the_jupyter_server(
    page: Page, jupyter: JupyterServer, simulator: Simulator
) -> None:
    foreign: list[str] = []
    seen = 0

    def route(route: Route) -> None:
        if same_origin(route.request.url, jupyter.origin):
            route.continue_()
        else:
            foreign.append(f"routed: {route.request.url}")
            route.abort()

    def on_request(request: Request) -> None:
        nonlocal seen
        seen += 1
        if not same_origin(request.url, jupyter.origin):
            foreign.append(f"request: {request.url}")

    def on_websocket(socket: WebSocket) -> None:
        if not same_origin(socket.url, jupyter.origin):
            foreign.append(f"websocket: {socket.url}")

    page.context.route("**/*", route)
    page.context.on("request", on_request)
    page.on("websocket", on_websocket)

    tag = uuid.uuid4().hex[:10]
    card_job, row_job, auto_job = f"job-held-{tag}", f"job-held-r{tag}", f"job-succeeds-{tag}"
    cells = [
        "from sutro_widget import JobBoard, JobStatusWidget, PollPolicy\n"
        "fast = PollPolicy(initial_interval=0.2, max_interval=0.5)\n"
        f"JobStatusWidget({card_job!r}, policy=fast)",
        f"JobBoard([{row_job!r}, {auto_job!r}], policy=fast)",
    ]
    filename = write_notebook(jupyter.root_dir, f"offline-{tag}", cells)
    open_notebook(page, jupyter, filename)
    run_all_cells(page, jupyter)
    card = wait_for_card(page, jupyter, card_job)
    row = board_row(page, row_job)
    auto_row = board_row(page, auto_job)
    timeout = seconds(STATE_TIMEOUT_S)

    def shows(state: str) -> None:
        expect(card).to_have_attribute("data-state", state, timeout=timeout)
        expect(row).to_have_attribute("data-state", state, timeout=timeout)

    wait_for(page, jupyter, "card and row queued", lambda: shows("queued"))
    for state in ("running", "succeeded"):
        assert simulator.advance(card_job) == state
        assert simulator.advance(row_job) == state
        wait_for(page, jupyter, f"card and row {state}", partial(shows, state))
    wait_for(
        page,
        jupyter,
        "the auto job's row to succeed",
        lambda: expect(auto_row).to_have_attribute("data-state", "succeeded", timeout=timeout * 2),
    )
    assert seen > 10, f"only {seen} requests were seen: the recorder is not working"
    assert not foreign, f"the page reached beyond the Jupyter server: {foreign}"
