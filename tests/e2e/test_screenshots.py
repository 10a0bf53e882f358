"""Screenshots of every card state, light and dark, full and compact, for the README and review.

Each state is reached for real in JupyterLab (light: the default theme; dark:
a second Lab whose user settings pick JupyterLab Dark), on jobs that look like
real ones (the simulator's demo names, models and row counts, not "(held)"
test jobs), and saved under docs/screenshots/ as ``state-<state>-<theme>.png``
and ``compact-<state>-<theme>.png``. "Contact lost" needs a server that goes
away, so that card follows a simulator of this module's own; "Not followed"
needs a kernel that restarts, so it is taken last.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sutro_widget.simulator import FAILURE_METADATA, Fault, JobInfo, Simulator, Step
from sutro_widget.simulator.catalogue import FAILED_AT_ROW

from .harness import (
    DARK_THEME,
    KERNEL_TIMEOUT_S,
    Frontend,
    JupyterServer,
    card_cell,
    free_port,
    open_notebook,
    run_all_cells,
    save_card_screenshot,
    seconds,
    wait_for,
    wait_for_card,
    wait_for_state,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]

QUEUED = Step("queued", None, "Waiting in queue")
RUNNING = Step("running", None, "Processing rows")

EMBED = JobInfo("Embed the product catalogue", num_rows=20_000, description="Weekly refresh")
TICKETS = JobInfo("Summarise support tickets", num_rows=12_000, description="Nightly ticket digest")
INVOICES = JobInfo("Extract invoice fields", num_rows=4_800, description="Invoices from March")
LEADS = JobInfo("Score inbound leads", num_rows=3_000)
REVIEWS = JobInfo("Translate product reviews", model="qwen-3-32b", num_rows=9_000)
NEWS = JobInfo("Tag news articles", num_rows=6_500)
QUERIES = JobInfo("Classify search queries", model="gemma-3-12b", num_rows=50_000)
DRAFTS = JobInfo("Draft product descriptions", num_rows=1_200, description="Spring catalogue")


def held_run() -> list[Step]:
    """Queued 1 s, then running until the test moves it (rows set by the test), then succeeded."""
    return [
        Step("queued", 1, "Waiting in queue"),
        RUNNING,
        Step("succeeded", None, "Job completed successfully"),
    ]


def timed_running(rows: int | None = None, final: Step | None = None) -> list[Step]:
    """Queued 1 s, running 3 s (to ``rows`` or all), then ``final`` (succeeded by default)."""
    return [
        Step("queued", 1, "Waiting in queue"),
        Step("running", 3, "Processing rows", rows=rows),
        final or Step("succeeded", None, "Job completed successfully"),
    ]


@dataclass
class Shot:
    """One card to photograph: its job, its cell, the state to wait for, what to do first."""

    name: str
    job_id: str
    cell: str
    state: str
    word: str
    #: Run once the card is drawn (advance, set rows, click), before waiting for ``state``.
    prepare: Callable[[Locator], None] = field(default=lambda _card: None)
    #: Another state to wait for before ``prepare`` (e.g. running before Stop).
    first: tuple[str, str] | None = None


def card_name(card: Locator) -> str:
    """The card root's classes (a folded card's bar is the compact one)."""
    return str(card.get_attribute("class"))


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def jid() -> str:
    """A job id that looks like Sutro's."""
    return f"job-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:4]}"


def shots(sim: Simulator, outage: Simulator, hung_id: str) -> list[Shot]:
    """Register the jobs and list the cards, in the notebook's order."""

    def add(info: JobInfo, steps: list[Step]) -> str:
        job_id = jid()
        sim.add_job(job_id, steps, info)
        return job_id

    def rows(job_id: str, done: int) -> Callable[[Locator], None]:
        def move(card: Locator) -> None:
            sim.set_progress(job_id, done)
            folded = "folded" in card_name(card)
            bar = card.get_by_test_id("compact-bar" if folded else "progress-bar")
            expect(bar).to_have_attribute("aria-valuenow", str(done))

        return move

    def click(testid: str, *more: str) -> Callable[[Locator], None]:
        def act(card: Locator) -> None:
            for test_id in (testid, *more):
                card.get_by_test_id(test_id).click()

        return act

    running_id = add(EMBED, held_run())
    stopped_id = add(QUERIES, held_run())
    compact_running_id = add(EMBED, held_run())
    stale_id = jid()
    outage.add_job(stale_id, held_run(), DRAFTS)

    def stop_after_rows(card: Locator) -> None:
        sim.set_progress(stopped_id, 18_400)
        expect(card.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "18400")
        card.get_by_test_id("stop-resume").click()

    def stale(card: Locator) -> None:
        outage.set_progress(stale_id, 730)
        expect(card.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "730")
        outage.go_down()

    failed = Step("failed", None, "Job failed", FAILURE_METADATA)
    cancelled = [
        Step("queued", 1, "Waiting in queue"),
        Step("running", 2, "Processing rows", rows=2_750),
        Step("cancelling", 1, "Cancelling"),
        Step("cancelled", None, "Job cancelled"),
    ]
    bad_key = add(LEADS, [QUEUED])
    return [
        Shot("connecting", hung_id, card_cell(hung_id, "timeout=300"), "connecting", "Connecting"),
        Shot("not-found", (nf := jid()), card_cell(nf), "not-found", "Not found"),
        Shot(
            "unauthorized",
            bad_key,
            card_cell(bad_key, "api_key='sk-revoked-0000'"),
            "unauthorized",
            "Key refused",
        ),
        Shot(
            "unreachable",
            (down := jid()),
            card_cell(down, "api_key='k'", f"base_url='http://127.0.0.1:{closed_port()}/v1'"),
            "unreachable",
            "Unreachable",
        ),
        Shot(
            "stale",
            stale_id,
            card_cell(stale_id, f"api_key={outage.api_key!r}", f"base_url={outage.url_v1!r}"),
            "stale",
            "Contact lost",
            prepare=stale,
            first=("running", "Running"),
        ),
        Shot(
            "stopped",
            stopped_id,
            card_cell(stopped_id),
            "stopped",
            "Stopped",
            prepare=stop_after_rows,
            first=("running", "Running"),
        ),
        Shot("queued", (q := add(LEADS, [QUEUED])), card_cell(q), "queued", "Queued"),
        Shot(
            "starting",
            (s := add(NEWS, [Step("starting", None, "Provisioning workers")])),
            card_cell(s),
            "starting",
            "Starting",
        ),
        Shot(
            "running",
            running_id,
            card_cell(running_id),
            "running",
            "Running",
            prepare=rows(running_id, 8_200),
            first=("running", "Running"),
        ),
        Shot(
            "cancelling",
            (c := add(DRAFTS, held_run())),
            card_cell(c),
            "cancelling",
            "Cancelling",
            prepare=click("cancel", "cancel-yes"),
            first=("running", "Running"),
        ),
        Shot("cancelled", (x := add(REVIEWS, cancelled)), card_cell(x), "cancelled", "Cancelled"),
        Shot(
            "succeeded",
            (ok := add(TICKETS, timed_running())),
            card_cell(ok),
            "succeeded",
            "Succeeded",
        ),
        Shot(
            "failed",
            (bad := add(INVOICES, timed_running(rows=FAILED_AT_ROW, final=failed))),
            card_cell(bad),
            "failed",
            "Failed",
        ),
        Shot(
            "unknown",
            (
                u := add(
                    NEWS,
                    [
                        Step("queued", 1, "Waiting in queue"),
                        Step("PAUSED", None, "Job paused by operator"),
                    ],
                )
            ),
            card_cell(u),
            "unknown",
            "Unknown: PAUSED",
        ),
        # Folded cards.
        Shot(
            "compact-running",
            compact_running_id,
            card_cell(compact_running_id, "compact=True"),
            "running",
            "Running",
            prepare=rows(compact_running_id, 13_050),
            first=("running", "Running"),
        ),
        Shot(
            "compact-queued",
            (cq := add(LEADS, [QUEUED])),
            card_cell(cq, "compact=True"),
            "queued",
            "Queued",
        ),
        Shot(
            "compact-succeeded",
            (cs := add(TICKETS, timed_running())),
            card_cell(cs, "compact=True"),
            "succeeded",
            "Succeeded",
        ),
        Shot(
            "compact-failed",
            (cf := add(INVOICES, timed_running(rows=FAILED_AT_ROW, final=failed))),
            card_cell(cf, "compact=True"),
            "failed",
            "Failed",
        ),
    ]


def file_name(shot: Shot, theme: str) -> str:
    if shot.name.startswith("compact-"):
        return f"{shot.name}-{theme}.png"
    return f"state-{shot.name}-{theme}.png"


@pytest.fixture
def outage_simulator() -> Iterator[Simulator]:
    """A simulator of its own for the "Contact lost" card (it goes down)."""
    with Simulator(port=free_port()) as sim:
        yield sim


@pytest.fixture
def hung_job(simulator: Simulator) -> Iterator[str]:
    """A job whose status requests are read and never answered (a card stays connecting)."""
    job_id = jid()
    simulator.add_job(job_id, [QUEUED], EMBED)
    handle = simulator.inject(Fault.NO_RESPONSE, job_id=job_id)
    try:
        yield job_id
    finally:
        handle.clear()


def photograph_every_state(
    page: Page,
    server: JupyterServer,
    simulator: Simulator,
    outage: Simulator,
    hung_id: str,
    theme: str,
) -> list[Path]:
    cards = shots(simulator, outage, hung_id)
    filename = write_notebook(server.root_dir, f"screenshots-{theme}", [s.cell for s in cards])
    open_notebook(page, server, filename)
    body = page.locator("body")
    light = "true" if theme == "light" else "false"
    wait_for(
        page,
        server,
        f"Lab to apply its {theme} theme",
        lambda: expect(body).to_have_attribute(
            "data-jp-theme-light", light, timeout=seconds(KERNEL_TIMEOUT_S)
        ),
    )
    run_all_cells(page, server)
    saved = []
    for shot in cards:
        card = wait_for_card(page, server, shot.job_id)
        if shot.first is not None:
            wait_for_state(page, server, card, *shot.first)
        shot.prepare(card)
        wait_for_state(page, server, card, shot.state, shot.word, timeout_s=40)
        if shot.name == "failed":
            expect(card.get_by_test_id("failure-reason")).to_be_visible()
        saved.append(save_card_screenshot(card, file_name(shot, theme)))
        if shot.name == "stale":
            outage.come_up()
    saved.append(photograph_unfollowed(page, server, cards, theme))
    return saved


def photograph_unfollowed(page: Page, server: JupyterServer, cards: list[Shot], theme: str) -> Path:
    """Last, as it ends every card: restart the kernel, and see who follows the running job.

    With our server extension (this Lab) the card is handed to it and stays live;
    without it (VS Code, Colab: ``test_kernel_lifetime.py``) it says "Not followed".
    """
    running = next(shot for shot in cards if shot.name == "running")
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_role("menuitem", name="Restart Kernel…").click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    card = wait_for_card(page, server, running.job_id)
    if not server.sutro_extensions:
        wait_for_state(page, server, card, "unfollowed", "Not followed")
        return save_card_screenshot(card, f"state-unfollowed-{theme}.png")
    expect(card).to_contain_text(
        "Followed by JupyterLab: the kernel restarted.", timeout=seconds(KERNEL_TIMEOUT_S)
    )
    wait_for_state(page, server, card, "running", "Running")
    return save_card_screenshot(card, f"state-followed-by-lab-{theme}.png")


# -- light: this module's Lab server -------------------------------------------------------


@pytest.fixture(scope="module")
def frontend() -> Frontend:
    """JupyterLab only: screenshots of one frontend, in two themes."""
    return "lab"


def test_screenshots_light(
    page: Page,
    jupyter: JupyterServer,
    simulator: Simulator,
    outage_simulator: Simulator,
    hung_job: str,
) -> None:
    saved = photograph_every_state(page, jupyter, simulator, outage_simulator, hung_job, "light")
    assert all(path.stat().st_size > 1000 for path in saved), saved


# -- dark: a second Lab whose user settings pick JupyterLab Dark -------------------------


def test_screenshots_dark(
    dark_page: Page,
    dark_lab: JupyterServer,
    simulator: Simulator,
    outage_simulator: Simulator,
    hung_job: str,
) -> None:
    saved = photograph_every_state(
        dark_page, dark_lab, simulator, outage_simulator, hung_job, "dark"
    )
    expect(dark_page.locator("body")).to_have_attribute("data-jp-theme-name", DARK_THEME)
    assert all(path.stat().st_size > 1000 for path in saved), saved
