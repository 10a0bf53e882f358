"""The card and the board in VS Code's own widget renderer (tests/e2e/vscode_page.py).

A page built as VS Code's notebook webview builds itself (the renderer bundle
from npm, requirejs, VS Code's module lookup, its theme classes and
variables) runs cells on a real kernel of a real Jupyter server in Debian's
chromium. Every test records the page's requests: nothing may leave 127.0.0.1.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, expect

from sutro_widget.simulator import Simulator

from .harness import SCREENSHOT_DIR, JupyterServer, running_server, seconds
from .vscode_page import THEMES, VSCodeSite, serving

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

#: Card cells poll fast, so a state change shows within a second.
FAST = "PollPolicy(initial_interval=0.2, max_interval=0.5)"
IMPORTS = "from sutro_widget import JobBoard, JobStatusWidget, PollPolicy\n"


@pytest.fixture(scope="module")
def kernel_server(
    simulator: Simulator, built_widget_js: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """A Jupyter server whose kernels see the simulator; the harness page is another origin."""
    env = {"SUTRO_API_URL": simulator.url_v1, "SUTRO_API_KEY": simulator.api_key}
    base = tmp_path_factory.mktemp("jupyter-vscode")
    args = ["--ServerApp.allow_origin=*"]
    with running_server("lab", base, env, extra_args=args) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VSCodeSite]:
    """The webview stand-in: the page, the bundle, the kernel environment's nbextensions."""
    with serving(tmp_path_factory.mktemp("vscode-site")) as served:
        yield served


class VSCode:
    """One webview page: cells run on its own kernel; what left 127.0.0.1 is recorded."""

    def __init__(self, page: Page, site: VSCodeSite, server: JupyterServer) -> None:
        self.page, self.site, self.server = page, site, server
        self.foreign: list[str] = []
        page.context.on("request", self._record)

    def _record(self, request: Request) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            self.foreign.append(request.url)

    def open(
        self, theme: str = "light", patterns: str = "current", timeout_ms: int = 60_000
    ) -> None:
        """Load the page in ``theme`` and start a kernel with a widget manager on it."""
        url = self.site.url(
            self.server.origin,
            self.server.token,
            theme=theme,
            patterns=patterns,
            script_timeout_ms=timeout_ms,
        )
        self.page.goto(url)
        self.page.wait_for_function("document.body.dataset.ready === 'true'", timeout=30_000)
        self.page.evaluate("harness.start()")

    def run(self, code: str) -> None:
        """Run one cell and wait for its reply (its outputs are drawn as they come)."""
        self.page.evaluate("code => harness.run(code)", IMPORTS + code)

    def card(self, job_id: str) -> Locator:
        """The card of ``job_id`` (the first, if several)."""
        return self.page.locator(f'.sutro-job-card:has([data-testid="job-id"]:text-is("{job_id}"))')

    def errors(self) -> list[str]:
        """What the harness saw fail: widget loads, renders, cells."""
        return list(self.page.evaluate("harness.errors"))


@pytest.fixture
def vscode(browser: Browser, site: VSCodeSite, kernel_server: JupyterServer) -> Iterator[VSCode]:
    """A fresh webview page; afterwards: nothing left 127.0.0.1, and the kernels are shut down."""
    context = browser.new_context(viewport={"width": 900, "height": 900}, device_scale_factor=2)
    context.set_default_timeout(20_000)
    try:
        harness = VSCode(context.new_page(), site, kernel_server)
        yield harness
        assert not harness.foreign, f"the page reached beyond 127.0.0.1: {harness.foreign}"
    finally:
        context.close()
        kernel_server.shutdown_kernels()


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_the_card_shows_within_2_s_and_follows_a_job_to_its_end(
    vscode: VSCode, simulator: Simulator
) -> None:
    vscode.open()
    job = fresh("job-held")
    started = time.monotonic()
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    card = vscode.card(job)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    shown_after = time.monotonic() - started
    assert shown_after <= 2.0, f"the card showed its state {shown_after:.2f} s after the cell"
    for state in ("running", "succeeded"):
        assert simulator.advance(job) == state
        expect(card).to_have_attribute("data-state", state, timeout=seconds(10))
    expect(card.get_by_test_id("finished")).to_contain_text("finished")
    assert vscode.errors() == []


def test_cancel_asks_first_then_the_job_is_cancelled(vscode: VSCode, simulator: Simulator) -> None:
    vscode.open()
    job = fresh("job-held")
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    card = vscode.card(job)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    card.get_by_test_id("cancel").click()
    expect(card.get_by_test_id("cancel-confirm")).to_be_visible()
    assert simulator.request_count(job, route="v1/job-cancel") == 0, "nothing before the confirm"
    card.get_by_test_id("cancel-yes").click()
    expect(card).to_have_attribute("data-state", "cancelling", timeout=seconds(10))
    assert simulator.request_count(job, route="v1/job-cancel") == 1
    assert simulator.advance(job) == "cancelled"  # a held job stays cancelling until told
    expect(card).to_have_attribute("data-state", "cancelled", timeout=seconds(10))


def test_compact_folds_to_one_line_and_unfolds(vscode: VSCode) -> None:
    vscode.open()
    job = fresh("job-held")
    vscode.run(f"JobStatusWidget({job!r}, compact=True, policy={FAST})")
    card = vscode.card(job)
    expect(card).to_have_attribute("data-folded", "true", timeout=seconds(10))
    height = card.bounding_box()
    assert height is not None and height["height"] <= 32.5, height
    card.get_by_test_id("fold").click()
    expect(card).to_have_attribute("data-folded", "false")


def test_a_failed_jobs_reason_opens(vscode: VSCode, simulator: Simulator) -> None:
    vscode.open()
    job = fresh("job-held-fails")
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    card = vscode.card(job)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    simulator.advance(job)
    simulator.advance(job)
    expect(card).to_have_attribute("data-state", "failed", timeout=seconds(10))
    details = card.get_by_test_id("failure-details")
    expect(details).to_have_attribute("open", "")
    expect(card.get_by_test_id("failure-reason")).to_contain_text("Row 1532")


def test_the_board_renders_and_a_row_unfolds_into_its_card(
    vscode: VSCode, simulator: Simulator
) -> None:
    vscode.open()
    held, other = fresh("job-held"), fresh("job-held")
    vscode.run(f"JobBoard([{held!r}, {other!r}], policy={FAST})")
    row = vscode.page.locator(f'[data-testid="board-row"][data-job-id="{held}"]')
    expect(row).to_have_attribute("data-state", "queued", timeout=seconds(10))
    row.get_by_test_id("row-fold").click()
    card = row.locator(".sutro-job-card")
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    simulator.advance(held)
    expect(card).to_have_attribute("data-state", "running", timeout=seconds(10))


def test_after_a_kernel_restart_the_card_says_it_is_no_longer_followed_within_5_s(
    vscode: VSCode, simulator: Simulator
) -> None:
    vscode.open()
    job = fresh("job-held")
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    card = vscode.card(job)
    expect(card).to_have_attribute("data-state", "queued", timeout=seconds(10))
    simulator.advance(job)
    expect(card).to_have_attribute("data-state", "running", timeout=seconds(10))
    restarted = time.monotonic()
    vscode.page.evaluate("harness.restart()")
    expect(card).to_have_attribute("data-state", "unfollowed", timeout=seconds(5))
    assert time.monotonic() - restarted <= 5.0
    expect(card.get_by_test_id("status-word")).to_have_text("Not followed")
    expect(card.get_by_test_id("headline-secondary")).to_contain_text("last seen running")
    expect(card.get_by_test_id("cancel")).to_be_hidden()
    # A new cell on the restarted kernel draws a live card again.
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    expect(vscode.card(job).nth(1)).to_have_attribute("data-state", "running", timeout=seconds(10))


def test_an_older_vs_code_finds_the_card_offline_through_the_shipped_shim(vscode: VSCode) -> None:
    # Before 2023.11 VS Code did not read anywidget's `window.requirejs?.config({`;
    # sutro-widget ships an nbextension whose `require.config({` maps anywidget there.
    vscode.open(patterns="old", timeout_ms=10_000)
    job = fresh("job-held")
    vscode.run(f"JobStatusWidget({job!r}, policy={FAST})")
    expect(vscode.card(job)).to_have_attribute("data-state", "queued", timeout=seconds(10))
    assert vscode.errors() == []


# -- themes ------------------------------------------------------------------------

#: Reads every visible text of the cards and boards: its colour, and the colour
#: it really sits on (the first opaque background up the tree), with the WCAG ratio.
CONTRAST_JS = """
() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const seen = [];
  for (const root of document.querySelectorAll('.sutro-job-card, .sutro-job-board')) {
    for (const el of root.querySelectorAll('*')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
      if (!own || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.opacity === '0') continue;
      const fg = rgb(style.color), bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      seen.push({ text: el.textContent.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05),
                  color: style.color, on: 'rgb(' + bg.slice(0, 3).join(', ') + ')' });
    }
  }
  return seen;
}
"""


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_vs_code_theme_keeps_text_and_status_colours_readable(
    theme: str, vscode: VSCode, simulator: Simulator
) -> None:
    vscode.open(theme=theme)
    running, failed, done = fresh("job-held"), fresh("job-held-fails"), fresh("job-held")
    vscode.run(
        f"cards = [JobStatusWidget(j, policy={FAST}) for j in {[running, failed, done]!r}]\n"
        "display(*cards)\n"
        f"JobBoard({[running, failed, done]!r}, policy={FAST})"
    )
    for job in (running, failed, done):
        simulator.advance(job)
    simulator.advance(failed)
    simulator.advance(done)
    expect(vscode.card(failed)).to_have_attribute("data-state", "failed", timeout=seconds(10))
    expect(vscode.card(done)).to_have_attribute("data-state", "succeeded", timeout=seconds(10))
    expect(vscode.card(running)).to_have_attribute("data-state", "running", timeout=seconds(10))
    vscode.page.wait_for_timeout(600)  # let the board's coalesced rows land
    texts = vscode.page.evaluate(CONTRAST_JS)
    assert len(texts) > 30, texts
    weak = [t for t in texts if t["ratio"] < 4.5]
    assert not weak, f"text under 4.5:1 in VS Code {theme}: {weak}"
    card_bg = vscode.card(running).evaluate("e => getComputedStyle(e).backgroundColor")
    page_bg = vscode.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert card_bg == page_bg, "the card sits on the editor's background, not Lab's white"
    vscode.page.locator("#outputs").screenshot(path=str(SCREENSHOT_DIR / f"vscode-{theme}.png"))
