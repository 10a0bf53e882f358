"""JupyterLab's Sutro jobs panel, in real JupyterLab, following jobs with no kernel at all.

The Lab extension (js/lab/) and the server extension (sutro_widget/server/)
are the wheel's, enabled as installed. The panel lists the simulator's
account, follows it live with no kernel running, cancels through the server,
announces the end of a pinned job and of a job shown in a notebook's card,
and takes over a card whose kernel restarted. The key is in no answer the
page gets and nowhere on the page.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sutro_widget.simulator import Simulator, Step

from .harness import (
    DARK_SETTINGS,
    SCREENSHOT_DIR,
    JupyterServer,
    browser_page,
    card_cell,
    open_notebook,
    run_all_cells,
    running_server,
    seconds,
    wait_for_card,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def lab_on_v1(
    simulator: Simulator, base: Path, settings: dict[str, dict[str, object]] | None = None
) -> AbstractContextManager[JupyterServer]:
    """JupyterLab whose server and kernels follow the simulator's current API with its key."""
    env = {"SUTRO_API_URL": simulator.url_v1, "SUTRO_API_KEY": simulator.api_key}
    return running_server("lab", base, env, lab_settings=settings)


@pytest.fixture(scope="module")
def lab(
    simulator: Simulator, built_widget_js: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """JupyterLab whose server (and kernels) follow the simulator's current API."""
    with lab_on_v1(simulator, tmp_path_factory.mktemp("lab-panel")) as server:
        yield server


@pytest.fixture
def lab_page(browser: Browser, lab: JupyterServer, simulator: Simulator) -> Iterator[Page]:
    """A page on Lab that records every /sutro/ answer; the key must be in none, nor on the page."""
    answers: list[str] = []

    def record(response: Response) -> None:
        if "/sutro/" in response.url:
            with contextlib.suppress(Exception):  # a long poll cut by the page closing has no body
                answers.append(response.text())

    try:
        with browser_page(browser) as page:
            page.on("response", record)
            yield page
            assert simulator.api_key not in page.content()
            assert answers, "the page asked the server extension nothing"
            assert not [a for a in answers if simulator.api_key in a], "the key reached the page"
    finally:
        lab.shutdown_kernels()


def open_panel(page: Page, lab: JupyterServer) -> Locator:
    page.goto(f"{lab.origin}/lab?reset&token={lab.token}")
    page.locator('.jp-SideBar [data-id="sutro-jobs"]').first.click(timeout=seconds(60))
    panel = page.locator("#sutro-jobs")
    expect(panel).to_be_visible()
    return panel


def row_of(panel: Locator, job_id: str) -> Locator:
    return panel.locator(f'[data-testid="board-row"][data-job-id="{job_id}"]')


def kernels(lab: JupyterServer) -> list[object]:
    with urllib.request.urlopen(lab.api_url("kernels"), timeout=10) as answer:
        return list(json.load(answer))


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def a_queued_row(
    page: Page, lab: JupyterServer, simulator: Simulator, prefix: str
) -> tuple[str, Locator, Locator]:
    """A fresh held job, the panel open, and the job's row once it shows "queued"."""
    job = fresh(prefix)
    simulator.add_job(job, HELD)
    panel = open_panel(page, lab)
    row = row_of(panel, job)
    expect(row).to_have_attribute("data-state", "queued", timeout=seconds(30))
    return job, panel, row


def account_size(simulator: Simulator) -> int:
    """How many jobs the account lists (list-jobs without a limit: all of them)."""
    request = urllib.request.Request(
        f"{simulator.url_v1}/list-jobs", headers={"Authorization": f"Key {simulator.api_key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return len(json.load(answer)["jobs"])


HELD = [
    Step("queued", None, "Waiting"),
    Step("running", None, "Running"),
    Step("succeeded", None, "Done"),
]


def test_the_panel_follows_the_account_live_with_no_kernel(
    lab_page: Page, lab: JupyterServer, simulator: Simulator
) -> None:
    job, panel, row = a_queued_row(lab_page, lab, simulator, "panel-live")
    assert kernels(lab) == [], "the panel needs no kernel"
    for state in ("running", "succeeded"):
        assert simulator.advance(job) == state
        expect(row).to_have_attribute("data-state", state, timeout=seconds(20))
    expect(lab_page.get_by_test_id("sutro-status")).to_contain_text("Sutro")
    panel.get_by_test_id("panel-filter").fill(job[-8:])
    expect(panel.locator('[data-testid="board-row"]')).to_have_count(1)
    assert kernels(lab) == []


def test_cancel_from_the_panel_asks_first(
    lab_page: Page, lab: JupyterServer, simulator: Simulator
) -> None:
    job, _, row = a_queued_row(lab_page, lab, simulator, "panel-cancel")
    row.get_by_test_id("row-fold").click()
    card = row.locator(".sutro-job-card")
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    for kernel_button in ("refresh", "stop-resume", "retry"):  # the server follows it
        expect(card.get_by_test_id(kernel_button)).to_be_hidden()
    card.get_by_test_id("cancel").click()
    assert simulator.request_count(job, route="v1/job-cancel") == 0
    card.get_by_test_id("cancel-yes").click()
    expect(row).to_have_attribute("data-state", "cancelling", timeout=seconds(20))
    assert simulator.request_count(job, route="v1/job-cancel") == 1


def test_load_more_lists_the_whole_account_page_by_page(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # An account of its own that holds three pages and more before the server first lists it.
    with Simulator() as account:
        account.seed_demo_jobs(45)
        total = account_size(account)
        base = tmp_path_factory.mktemp("lab-load-more")
        with lab_on_v1(account, base) as server, browser_page(browser) as page:
            panel = open_panel(page, server)
            more = panel.get_by_test_id("board-load-more")
            expect(more).to_be_visible(timeout=seconds(30))
            settled = "b => b.hidden || !b.disabled"  # another page, or the last: not "Loading…"
            for _ in range(total // 20 + 2):  # list-jobs pages of 20 (server/jobs.py)
                # Free for a moment between the POST's answer and the last page's rows: it may
                # hide under the click, and that is the end, not a failure.
                with contextlib.suppress(PlaywrightTimeout):
                    more.click(timeout=seconds(3))
                if more.is_hidden():
                    break
                page.wait_for_function(settled, arg=more.element_handle(), timeout=seconds(20))
                if more.is_hidden():
                    break
            expect(more).to_be_hidden(timeout=seconds(20))
            counts = panel.get_by_test_id("board-counts").inner_text()
    assert sum(int(n) for n in re.findall(r"\d+", counts.replace(",", ""))) == total, counts


def test_a_pinned_job_that_ends_is_announced_with_a_show_action(
    lab_page: Page, lab: JupyterServer, simulator: Simulator
) -> None:
    job, _, row = a_queued_row(lab_page, lab, simulator, "panel-pin")
    row.get_by_test_id("row-pin").click()
    expect(row.get_by_test_id("row-pin")).to_have_attribute("aria-pressed", "true")
    simulator.advance(job)
    expect(row).to_have_attribute("data-state", "running", timeout=seconds(20))
    simulator.advance(job)
    toast = lab_page.locator(".Toastify__toast", has_text="succeeded")
    expect(toast).to_be_visible(timeout=seconds(20))
    expect(lab_page.locator(".Toastify__toast")).to_have_count(1)  # announced once
    toast.get_by_role("button", name="Show").click()
    expect(row).to_have_attribute("data-expanded", "true")


def test_a_restart_hands_the_card_to_jupyterlab_which_follows_it_to_its_end(
    lab_page: Page, lab: JupyterServer, simulator: Simulator
) -> None:
    job = fresh("panel-handover")
    simulator.add_job(job, HELD)
    filename = write_notebook(lab.root_dir, f"handover-{job}", [card_cell(job)])
    open_notebook(lab_page, lab, filename)
    run_all_cells(lab_page, lab)
    card = wait_for_card(lab_page, lab, job)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(20))
    simulator.advance(job)
    expect(card).to_have_attribute("data-state", "running", timeout=seconds(20))
    lab_page.get_by_role("menuitem", name="Kernel", exact=True).click()
    lab_page.get_by_role("menuitem", name="Restart Kernel…").click()
    lab_page.locator(".jp-Dialog .jp-mod-accept").click()
    expect(card.get_by_test_id("message")).to_have_text(
        "Followed by JupyterLab: the kernel restarted.", timeout=seconds(10)
    )
    expect(card).to_have_attribute("data-state", "running")
    started = time.monotonic()
    simulator.advance(job)  # the kernel that followed it is gone: only the server can tell
    expect(card).to_have_attribute("data-state", "succeeded", timeout=seconds(20))
    assert time.monotonic() - started < 20
    toast = lab_page.locator(".Toastify__toast", has_text="succeeded")
    expect(toast).to_be_visible(timeout=seconds(10))  # a card's job: watched


def test_screenshots_of_the_panel_and_its_notification(
    browser: Browser, simulator: Simulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    jobs = [fresh("shot") for _ in range(3)]
    for job in jobs:
        simulator.add_job(job, HELD)
    simulator.seed_demo_jobs(6)
    for theme, settings in (("light", None), ("dark", DARK_SETTINGS)):
        base = tmp_path_factory.mktemp(f"lab-panel-{theme}")
        with lab_on_v1(simulator, base, settings) as server, browser_page(browser) as page:
            panel = open_panel(page, server)
            row = row_of(panel, jobs[0])
            first = "queued" if theme == "light" else "succeeded"
            expect(row).to_have_attribute("data-state", first, timeout=seconds(30))
            if theme == "light":
                row.get_by_test_id("row-pin").click()
                simulator.advance(jobs[0])
                simulator.advance(jobs[0])
            unfolded = row_of(panel, jobs[1])
            unfolded.get_by_test_id("row-fold").click()
            expect(unfolded.locator(".sutro-job-card")).to_be_visible()
            page.screenshot(path=str(SCREENSHOT_DIR / f"lab-panel-{theme}.png"))
            toast = page.locator(".Toastify__toast")
            if theme == "light":
                expect(toast).to_be_visible(timeout=seconds(20))
                page.wait_for_timeout(1000)  # a screenshot, not a check: let it finish sliding in
                page.screenshot(path=str(SCREENSHOT_DIR / "lab-panel-notification-light.png"))
            status = page.get_by_test_id("sutro-status")
            status.screenshot(path=str(SCREENSHOT_DIR / f"lab-status-{theme}.png"))
