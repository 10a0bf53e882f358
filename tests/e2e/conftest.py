"""Fixtures for the browser tests: one simulator, one chromium and one Jupyter server per
frontend per session (per xdist worker), a fresh browser context and kernel per test.

Every test that takes ``jupyter`` runs once in JupyterLab and once in Notebook 7.
A failing test's report carries the tail of that server's log.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from sutro_widget.simulator import Simulator

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DARK_SETTINGS,
    FRONTENDS,
    STATIC_JS,
    Frontend,
    JupyterServer,
    OpenCard,
    browser_page,
    open_notebook,
    run_all_cells,
    running_server,
    wait_for_card,
    widget_cell,
    write_notebook,
)


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    """The fake Sutro API, in this process, so tests can ``advance`` held jobs."""
    with Simulator(time_scale=1.0) as sim:
        yield sim


@pytest.fixture(scope="session")
def built_widget_js() -> Path:
    """The card's built JavaScript; without it the kernel shows a "not built" note instead."""
    if not STATIC_JS.is_file():
        pytest.fail(
            f"{STATIC_JS} is missing: run `npm ci && npm run build` in the repo root "
            "before the browser tests.",
            pytrace=False,
        )
    sources = [p for p in (STATIC_JS.parents[2] / "js").rglob("*") if p.suffix in {".ts", ".css"}]
    newest = max(sources, key=lambda p: p.stat().st_mtime)
    if newest.stat().st_mtime > STATIC_JS.stat().st_mtime:
        pytest.fail(
            f"{STATIC_JS} is older than {newest}: run `npm run build` before the browser tests.",
            pytrace=False,
        )
    return STATIC_JS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Debian chromium for the whole session (never a Playwright-downloaded one)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module", params=FRONTENDS)
def frontend(request: pytest.FixtureRequest) -> Frontend:
    """Which frontend this module's tests drive: ``lab`` or ``notebook7``."""
    value: Frontend = request.param
    return value


@pytest.fixture(scope="session")
def shared_servers(
    simulator: Simulator, built_widget_js: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Frontend, JupyterServer]]:
    """One Jupyter server per frontend for the whole session (per xdist worker), made on first use.

    Tests share them as users share a server: each test writes its own notebook,
    works on fresh jobs, and its kernels are shut down afterwards (``page``).
    Starting a server costs seconds; starting one per module cost minutes.
    """
    with contextlib.ExitStack() as stack:

        class Lazy(dict[Frontend, JupyterServer]):
            def __missing__(self, frontend: Frontend) -> JupyterServer:
                base = tmp_path_factory.mktemp(f"jupyter-{frontend}")
                env = {"SUTRO_API_URL": simulator.url, "SUTRO_API_KEY": simulator.api_key}
                server = stack.enter_context(running_server(frontend, base, env))
                self[frontend] = server
                return server

        yield Lazy()


@pytest.fixture(scope="module")
def jupyter(frontend: Frontend, shared_servers: dict[Frontend, JupyterServer]) -> JupyterServer:
    """This session's server of ``frontend``; its kernels see the simulator's URL and key."""
    return shared_servers[frontend]


@pytest.fixture(scope="session")
def dark_lab(
    simulator: Simulator, built_widget_js: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """A second JupyterLab, whose user settings pick JupyterLab Dark (for theme tests)."""
    base = tmp_path_factory.mktemp("jupyter-lab-dark")
    env = {"SUTRO_API_URL": simulator.url, "SUTRO_API_KEY": simulator.api_key}
    with running_server("lab", base, env, lab_settings=DARK_SETTINGS) as server:
        yield server


@pytest.fixture
def dark_page(browser: Browser, dark_lab: JupyterServer) -> Iterator[Page]:
    """A fresh page on the dark Lab; its kernels are shut down afterwards."""
    try:
        with browser_page(browser) as new_page:
            yield new_page
    finally:
        dark_lab.shutdown_kernels()


@pytest.fixture
def page(browser: Browser, jupyter: JupyterServer) -> Iterator[Page]:
    """A fresh browser context and page that records every status a card shows.

    Afterwards the context is closed and the server's kernels are shut down, so
    the next test starts from a clean slate on the same server.
    """
    try:
        with browser_page(browser) as new_page:
            yield new_page
    finally:
        jupyter.shutdown_kernels()


@pytest.fixture
def open_card(
    request: pytest.FixtureRequest, page: Page, jupyter: JupyterServer
) -> Callable[[str], OpenCard]:
    """Factory: write a notebook showing a card for a fresh job with ``prefix``, run it, return it.

    ``prefix`` picks the simulator script (``job-held``, ``job-held-fails``); a
    uuid makes the job new, so its script starts from the beginning.
    """

    def factory(prefix: str) -> OpenCard:
        job_id = f"{prefix}-{uuid.uuid4().hex[:12]}"
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
        filename = write_notebook(jupyter.root_dir, name, [widget_cell(job_id)])
        open_notebook(page, jupyter, filename)
        run_all_cells(page, jupyter)
        return OpenCard(job_id=job_id, card=wait_for_card(page, jupyter, job_id), page=page)

    return factory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the Jupyter server's log to the report of a failing browser test."""
    report = yield
    if report.failed:
        server = getattr(item, "funcargs", {}).get("jupyter")
        if isinstance(server, JupyterServer):
            report.sections.append(
                (f"jupyter {server.frontend} server log", server.log_tail(lines=200))
            )
    return report
