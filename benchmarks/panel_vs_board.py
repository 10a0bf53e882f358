"""JupyterLab's Sutro jobs panel (no kernel) against a ``JobBoard`` of the same jobs in a kernel.

    python benchmarks/panel_vs_board.py --json benchmarks/results/panel_vs_board.json
    python benchmarks/panel_vs_board.py --jobs 60 --span 60 --mixes live   # a quick look

For each account (``--mixes``) and each way, one after the other, a fresh
in-process simulator holding the same N jobs, a fresh JupyterLab server and a
fresh chromium context (Playwright, the e2e harness's helpers):

- ``account``: ``seed_demo_jobs(N)``, a realistic account: a few jobs live,
  the rest finished hours to weeks ago;
- ``live``: N jobs registered on a held ``running`` step (each asked about
  once first, so the account lists them as running): all live for the whole
  run, the most a view can cost.

The ways:

- ``panel``: JupyterLab with the server extension, the key in the server's
  environment; the page opens Lab, clicks the Sutro jobs tab at once and
  clicks "Load more" whenever it is offered (20 jobs a page) until all N are
  listed. No kernel runs.
- ``board``: JupyterLab with our server and Lab extensions switched off (as in
  VS Code), a notebook whose one cell is ``JobBoard(ids)`` of the account's N
  ids, run once its kernel is ready.

Reported per way, times in milliseconds from the user's action (panel: the
page's navigation, so Lab's own start is inside; board: Run All Cells, with the
kernel already started, so the kernel's start is not):

- ``first_rows_ms``: the first page of rows (board 50, panel 20) is drawn,
  every one with a known state;
- ``all_known_ms``: the header counts all N jobs, none "connecting";
- ``js_heap_used_mb`` / ``dom_nodes`` (CDP, after a garbage collection, at the
  end of the span) and their growth over the page before the action (board:
  the notebook open, its kernel started; panel: Lab with the extension's
  routes cut, so its panel stays empty);
- ``server_cpu_s`` (the Jupyter server process) and ``kernel_cpu_s`` (its
  kernels), from the action to all known (``_startup``) and from then to the
  end of the span (``_steady``);
- Sutro API requests the simulator received: ``requests_startup`` (action to
  all known) and ``requests_in_span``, over the same ``--span`` seconds from
  the action for both ways (the jobs' lives line up), and
  ``requests_per_job_hour`` = requests_in_span / (N x span hours).

The panel also lists the account's first page again every 60 s (for jobs
submitted since); the board never looks for new jobs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from board_render import page_metrics  # noqa: E402

from sutro_widget.simulator import Simulator, Step  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    open_notebook,
    run_all_cells,
    running_server,
    write_notebook,
)

#: Rows drawn before "Show 50 more" (js/board/list.ts) and jobs per list page (server/jobs.py).
BOARD_PAGE, LIST_PAGE = 50, 20

#: ``__benchWatch(root, jobs, firstPage)``: on every animation frame, notes in
#: ``__benchMarks`` the first time (ms after ``__benchStart``) each condition held
#: for the board under ``root``. The start is the Run All pointerup, or navigation (0).
WATCH_SCRIPT = """
(() => {
  window.__benchStart = 0;
  document.addEventListener("pointerup", (event) => {
    const item = event.target instanceof Element ? event.target.closest(".lm-Menu-item") : null;
    if (item && item.textContent.includes("Run All Cells")) window.__benchStart = performance.now();
  }, true);
  const known = (node) => !["connecting", null].includes(node.getAttribute("data-state"));
  window.__benchWatch = (rootSelector, jobs, firstPage) => {
    const marks = {};
    window.__benchMarks = marks;
    const mark = (name) => {
      if (marks[name] !== undefined) return;
      document.body.getBoundingClientRect();
      marks[name] = performance.now() - window.__benchStart;
    };
    const tick = () => {
      const root = document.querySelector(rootSelector);
      const rows = root ? [...root.querySelectorAll('[data-testid="board-row"]')] : [];
      if (rows.length >= Math.min(jobs, firstPage) && rows.every(known)) mark("first_rows_ms");
      const counts = root ? root.querySelector('[data-testid="board-counts"]') : null;
      const text = counts ? counts.textContent : "";
      const numbers = text.match(/\\d[\\d,]*/g) || [];
      const total = numbers.reduce((sum, n) => sum + Number(n.replace(/,/g, "")), 0);
      if (total === jobs && !text.includes("connecting")) mark("all_known_ms");
      const waiting = marks.first_rows_ms === undefined || marks.all_known_ms === undefined;
      if (waiting) requestAnimationFrame(tick);
      else marks.done = true;
    };
    requestAnimationFrame(tick);
  };
})();
"""

HELD_RUNNING = [Step("running", None, "Running")]


def account(mix: str, jobs: int) -> tuple[Simulator, list[str]]:
    """A started simulator holding the N jobs of ``mix``, and their ids."""
    sim = Simulator().start()
    if mix == "account":
        return sim, sim.seed_demo_jobs(jobs)
    ids = [f"job-live-{i:04d}" for i in range(jobs)]
    for job_id in ids:
        sim.add_job(job_id, HELD_RUNNING, num_rows=2000)
    # A registered job is PENDING until someone asks (its clock starts then): ask each
    # once, before either way, so the list says RUNNING, as a real account's would.
    headers = {"Authorization": f"Key {sim.api_key}"}
    with httpx.Client(base_url=sim.url_v1, headers=headers, timeout=10) as http:
        for job_id in ids:
            http.get(f"jobs/{job_id}").raise_for_status()
    return sim, ids


def cpu_by_process(server_pid: int) -> dict[int, float]:
    """CPU seconds so far of the Jupyter server process and each of its descendants (kernels)."""
    server = psutil.Process(server_pid)
    seconds: dict[int, float] = {}
    for process in (server, *server.children(recursive=True)):
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds[process.pid] = times.user + times.system
    return seconds


class Meter:
    """Requests the simulator got and CPU the server and kernels used, read at moments."""

    def __init__(self, sim: Simulator, server_pid: int) -> None:
        self.sim, self.pid = sim, server_pid

    def read(self) -> tuple[int, dict[int, float]]:
        return len(self.sim.requests), cpu_by_process(self.pid)

    def cpu_between(self, first: dict[int, float], then: dict[int, float]) -> tuple[float, float]:
        """CPU seconds of the server, and of its other processes, from one reading to a later one.

        A process that started between them counts from zero; one that ended is left out.
        """
        kernels = sum(cpu - first.get(pid, 0.0) for pid, cpu in then.items() if pid != self.pid)
        return round(then[self.pid] - first[self.pid], 2), round(kernels, 2)

    def requests_between(self, start: float, end: float) -> int:
        """Requests received from ``start`` to ``end`` (the simulator's clock, time.monotonic)."""
        return sum(start <= request.at < end for request in self.sim.requests)


def follow_panel(page: Page, jobs: int, timeout: float) -> None:
    """Open the panel at once and take every "Load more" until the header counts all N jobs."""
    page.locator('.jp-SideBar [data-id="sutro-jobs"]').first.click(timeout=60_000)
    page.evaluate("([j, p]) => window.__benchWatch('#sutro-jobs', j, p)", [jobs, LIST_PAGE])
    more = page.locator('#sutro-jobs [data-testid="board-load-more"]')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not page.evaluate("!!window.__benchMarks.done"):
        if more.is_visible() and more.is_enabled():
            with contextlib.suppress(PlaywrightTimeout):  # hidden meanwhile: the last page came
                more.click(timeout=2_000)
        page.wait_for_timeout(100)


def follow_board(page: Page, server: Any, ids: list[str], timeout: float) -> None:
    """Run the notebook's ``JobBoard`` cell and wait until the header counts all N jobs."""
    page.evaluate("([j, p]) => window.__benchWatch('.jp-Notebook', j, p)", [len(ids), BOARD_PAGE])
    run_all_cells(page, server)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not page.evaluate("!!window.__benchMarks.done"):
        page.wait_for_timeout(250)


def lab_without_the_panel(context: BrowserContext, server: Any) -> dict[str, Any]:
    """The page metrics of Lab whose Sutro routes are cut (its panel empty): the panel's baseline.

    A page of its own, closed after: the server extension is not asked before the measured page.
    """
    page = context.new_page()
    page.route("**/sutro/**", lambda route: route.abort())
    try:
        page.goto(f"{server.origin}/lab?reset&token={server.token}")
        page.wait_for_selector(".jp-LabShell", timeout=60_000)
        page.wait_for_timeout(2_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        return page_metrics(page, cdp)
    finally:
        page.close()


def board_cell(ids: list[str], sim: Simulator) -> str:
    return (
        "from sutro_widget import JobBoard\n"
        f"ids = {ids!r}\n"
        f"JobBoard(ids, api_key={sim.api_key!r}, base_url={sim.url_v1!r})"
    )


def measure(
    browser: Browser, way: str, mix: str, jobs: int, span: float, timeout: float
) -> dict[str, Any]:
    """One way on one account, everything fresh; returns its figures."""
    sim, ids = account(mix, jobs)
    env = {"SUTRO_API_URL": sim.url_v1, "SUTRO_API_KEY": sim.api_key} if way == "panel" else {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix=f"panel-vs-board-{way}-") as base,
            running_server("lab", Path(base), env, sutro_extensions=way == "panel") as server,
        ):
            assert server.process is not None
            meter = Meter(sim, server.process.pid)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            try:
                page = context.new_page()
                page.add_init_script(WATCH_SCRIPT)
                if way == "board":
                    notebook = write_notebook(server.root_dir, "board", [board_cell(ids, sim)])
                    open_notebook(page, server, notebook)
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    before = page_metrics(page, cdp)
                    began, start = time.monotonic(), meter.read()
                    follow_board(page, server, ids, timeout)
                else:
                    before = lab_without_the_panel(context, server)
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    began, start = time.monotonic(), meter.read()
                    page.goto(f"{server.origin}/lab?reset&token={server.token}")
                    follow_panel(page, jobs, timeout)
                known = meter.read()
                marks = page.evaluate("window.__benchMarks")
                if not marks.get("done"):
                    marks["counts_text"] = page.evaluate(
                        "[...document.querySelectorAll('[data-testid=\"board-counts\"]')]"
                        ".map((n) => n.textContent).join(' | ')"
                    )
                page.wait_for_timeout(max(0.0, began + span - time.monotonic()) * 1000)
                end = meter.read()
                in_span = meter.requests_between(began, began + span)
                after = page_metrics(page, cdp)
            finally:
                context.close()
                server.shutdown_kernels()
    finally:
        sim.stop()
    row: dict[str, Any] = {
        "way": way,
        "mix": mix,
        "jobs": jobs,
        "timed_out": not marks.get("done"),
        **{
            name: value if isinstance(value, str) else round(value)
            for name, value in marks.items()
            if name != "done"
        },
        "requests_startup": known[0] - start[0],
        "span_s": span,
        "requests_in_span": in_span,
        "requests_per_job_hour": round(in_span / (jobs * span / 3600), 2),
        "server_cpu_s_startup": meter.cpu_between(start[1], known[1])[0],
        "kernel_cpu_s_startup": meter.cpu_between(start[1], known[1])[1],
        "server_cpu_s_steady": meter.cpu_between(known[1], end[1])[0],
        "kernel_cpu_s_steady": meter.cpu_between(known[1], end[1])[1],
        **after,
        "js_heap_growth_mb": round(after["js_heap_used_mb"] - before["js_heap_used_mb"], 1),
        "dom_nodes_growth": after["dom_nodes"] - before["dom_nodes"],
    }
    return row


RATIO_KEYS = (
    "first_rows_ms",
    "all_known_ms",
    "js_heap_used_mb",
    "js_heap_growth_mb",
    "dom_nodes",
    "requests_startup",
    "requests_in_span",
    "requests_per_job_hour",
)


def ratios(panel: dict[str, Any], board: dict[str, Any]) -> dict[str, float | None]:
    """Panel / board for each figure, and total CPU (server + kernel) over each span."""
    out: dict[str, float | None] = {
        key: round(panel[key] / board[key], 3) if board.get(key) else None
        for key in RATIO_KEYS
        if key in panel and key in board
    }
    for span in ("startup", "steady"):
        cpu = {
            w: r[f"server_cpu_s_{span}"] + r[f"kernel_cpu_s_{span}"]
            for w, r in (("p", panel), ("b", board))
        }
        out[f"cpu_s_{span}"] = round(cpu["p"] / cpu["b"], 3) if cpu["b"] else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--mixes", default="account,live")
    parser.add_argument("--ways", default="panel,board")
    parser.add_argument("--span", type=float, default=150.0, help="seconds each way is watched")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to all known")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result: dict[str, Any] = {"jobs": args.jobs, "span_s": args.span, "mixes": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for mix in args.mixes.split(","):
                rows = {}
                for way in args.ways.split(","):
                    rows[way] = measure(browser, way, mix, args.jobs, args.span, args.timeout)
                    print(json.dumps(rows[way]), flush=True)
                entry: dict[str, Any] = {"rows": rows}
                if "panel" in rows and "board" in rows:
                    entry["panel_vs_board"] = ratios(rows["panel"], rows["board"])
                    print(json.dumps({mix: entry["panel_vs_board"]}), flush=True)
                result["mixes"][mix] = entry
        finally:
            browser.close()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
