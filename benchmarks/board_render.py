"""Browser render time of a 500-job board against 500 separate cards, in real JupyterLab.

    python benchmarks/board_render.py --json benchmarks/results/board_render.json
    python benchmarks/board_render.py --jobs 50   # a quick look

One run starts the bundled simulator (its own process, ``job-succeeds-*`` jobs
stretched by ``--time-scale``: 60 holds them queued for 120 s, so none ends
while it is measured), one JupyterLab server and Debian's chromium through
Playwright (the e2e harness's helpers, ``tests/e2e/harness.py``). Each way then
gets a fresh notebook, kernel and browser context, one after the other:

- board: one cell whose last expression is ``JobBoard(ids, api_key=..., base_url=...)``;
- cards: one cell that makes N ``JobStatusWidget`` cards and ends with
  ``widgets.VBox(cards)``: one output holding every card. The other thing a
  user might write, ``display(*cards)`` (``--cards-in display``), gives N
  outputs, and JupyterLab draws only the first 50 of them (its notebook setting
  ``maxNumberOutputs``, default 50) behind a "show more outputs" note, so the
  N cards are never all on the page to be timed.

Measured in the page, from the pointerup on Run > Run All Cells (the cell's
kernel time included, as a user waits through it), on the first animation
frame (after a forced layout) at which:

- ``rendered_ms``: board: the header and the first page of rows (50, or N if
  fewer) are in the DOM; cards: all N ``.sutro-job-card`` elements are;
- ``first_state_ms``: every job drawn shows a state other than "connecting"
  (board: the drawn rows; cards: all N cards);
- ``first_page_state_ms`` (cards only): the first 50 cards in page order do,
  the same number of jobs as the board's first page;
- ``all_known_ms`` (board only): the header's counts no longer say "connecting"
  (every one of the N jobs known, drawn or not);
- ``widget_ms``: the board's root, or the first card, is in the DOM;
- ``cell_done_ms``: the cell's prompt reads ``[1]``.

``drawn`` is how many rows (board) or cards were in the DOM at the end.

Then, after a garbage collection (CDP ``HeapProfiler.collectGarbage``): the
page's JS heap in use and its DOM node count (CDP ``Performance.getMetrics``:
``JSHeapUsedSize``, ``Nodes``; ``performance.memory`` is coarse in Chromium and
is only kept alongside), and the number of elements in the document, each also
as the growth over the same page just before the run. Reported: both rows and
board / cards ratios. Everything shares this machine's cores (browser, Lab,
kernel and its poller, simulator), so times are end-to-end, not the widget's
JS alone.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from simulator_process import start_simulator  # noqa: E402

from tests.e2e.harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    JupyterServer,
    open_notebook,
    run_all_cells,
    running_server,
    visible_text,
    write_notebook,
)

#: Rows the board draws before "Show 50 more" (js/board/list.ts PAGE).
BOARD_PAGE = 50

#: Added before any page script: notes when Run All Cells is chosen, and offers
#: ``__benchWatch(way, jobs, page)``, which checks on every animation frame what
#: is drawn and writes the first time each condition held into ``__benchMarks``
#: (milliseconds after the run was chosen).
MEASURE_INIT_SCRIPT = """
(() => {
  window.__benchRunAt = null;
  document.addEventListener("pointerup", (event) => {
    const item = event.target instanceof Element ? event.target.closest(".lm-Menu-item") : null;
    if (item && item.textContent.includes("Run All Cells")) window.__benchRunAt = performance.now();
  }, true);
  const known = (node) => {
    const state = node.getAttribute("data-state");
    return state !== null && state !== "connecting";
  };
  window.__benchWatch = (way, jobs, page) => {
    const marks = {};
    window.__benchMarks = marks;
    const common = ["widget_ms", "rendered_ms", "first_state_ms", "cell_done_ms"];
    const want = [...common, way === "board" ? "all_known_ms" : "first_page_state_ms"];
    const mark = (name) => {
      if (marks[name] !== undefined) return;
      document.body.getBoundingClientRect();  // the layout of this frame counts too
      marks[name] = performance.now() - window.__benchRunAt;
    };
    const tick = () => {
      if (window.__benchRunAt !== null) {
        const prompt = document.querySelector(".jp-CodeCell .jp-InputPrompt");
        if (prompt && /\\[\\d+\\]/.test(prompt.textContent)) mark("cell_done_ms");
        if (way === "board") {
          const header = document.querySelector('[data-testid="board-header"]');
          const rows = [...document.querySelectorAll('[data-testid="board-row"]')];
          if (document.querySelector('[data-testid="board"]')) mark("widget_ms");
          if (header && rows.length >= Math.min(jobs, page)) {
            mark("rendered_ms");
            if (rows.every(known)) mark("first_state_ms");
            const counts = document.querySelector('[data-testid="board-counts"]');
            if (counts && counts.textContent !== "" && !counts.textContent.includes("connecting")) {
              mark("all_known_ms");
            }
          }
        } else {
          const cards = [...document.querySelectorAll(".sutro-job-card")];
          if (cards.length > 0) mark("widget_ms");
          if (cards.length >= Math.min(jobs, page) && cards.slice(0, page).every(known)) {
            mark("first_page_state_ms");
          }
          if (cards.length >= jobs) {
            mark("rendered_ms");
            if (cards.every(known)) mark("first_state_ms");
          }
        }
      }
      if (want.some((name) => marks[name] === undefined)) requestAnimationFrame(tick);
      else marks.done = true;
    };
    requestAnimationFrame(tick);
  };
})();
"""


def cell_source(way: str, jobs: int, url: str, key: str, cards_in: str = "vbox") -> str:
    """The one cell of each way's notebook: the same ids and client, then board or cards."""
    prefix = f"job-succeeds-render-{way}"
    head = (
        "from sutro_widget import JobBoard, JobStatusWidget\n"
        f'ids = [f"{prefix}-{{i}}" for i in range({jobs})]\n'
        f"KEY, URL = {key!r}, {url + '/v1'!r}\n"
    )
    if way == "board":
        return head + "JobBoard(ids, api_key=KEY, base_url=URL)"
    cards = "cards = [JobStatusWidget(j, api_key=KEY, base_url=URL) for j in ids]\n"
    if cards_in == "display":
        return head + cards + "display(*cards)"
    return head + "import ipywidgets as widgets\n" + cards + "widgets.VBox(cards)"


def page_metrics(page: Page, cdp: Any) -> dict[str, Any]:
    """JS heap and DOM size of ``page`` right after a garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    in_page = page.evaluate(
        "({elements: document.getElementsByTagName('*').length,"
        " memory: performance.memory ? performance.memory.usedJSHeapSize : null})"
    )
    return {
        "js_heap_used_mb": round(metrics["JSHeapUsedSize"] / 2**20, 1),
        "dom_nodes": int(metrics["Nodes"]),
        "elements": int(in_page["elements"]),
        "performance_memory_mb": (
            round(in_page["memory"] / 2**20, 1) if in_page["memory"] is not None else None
        ),
    }


def measure(
    browser: Browser,
    server: JupyterServer,
    way: str,
    jobs: int,
    sim: tuple[str, str],
    timeout: float,
    cards_in: str,
) -> dict[str, Any]:
    """One way in a fresh notebook, kernel and browser context; the kernel is shut down after."""
    source = cell_source(way, jobs, *sim, cards_in=cards_in)
    filename = write_notebook(server.root_dir, f"render-{way}", [source])
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(MEASURE_INIT_SCRIPT)
        open_notebook(page, server, filename)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        before = page_metrics(page, cdp)
        page.evaluate("([way, jobs, page]) => window.__benchWatch(way, jobs, page)",
                      [way, jobs, BOARD_PAGE])  # fmt: skip
        began = time.monotonic()
        run_all_cells(page, server)
        marks: dict[str, Any] = {}
        while time.monotonic() - began < timeout:
            marks = page.evaluate("window.__benchMarks")
            if marks.get("done"):
                break
            page.wait_for_timeout(500)
        timed_out = not marks.get("done")
        drawn = page.locator(
            '[data-testid="board-row"]' if way == "board" else ".sutro-job-card"
        ).count()
        after = page_metrics(page, cdp)
        row: dict[str, Any] = {"way": way, "jobs": jobs, "timed_out": timed_out, "drawn": drawn}
        if way == "cards":
            row["cards_in"] = cards_in
        row.update({name: round(value) for name, value in marks.items() if name != "done"})
        row.update(after)
        row.update({f"{name}_before": value for name, value in before.items()})
        if timed_out:
            row["marks_js"] = marks
            row["page_text"] = visible_text(page, limit=600)
        return row
    finally:
        context.close()
        server.shutdown_kernels()


RATIO_KEYS = (
    "widget_ms",
    "rendered_ms",
    "first_state_ms",
    "cell_done_ms",
    "js_heap_used_mb",
    "dom_nodes",
)


def ratios(board: dict[str, Any], cards: dict[str, Any]) -> dict[str, float | None]:
    """Board / cards for each figure both have (also the heap and DOM growth over the run)."""
    out: dict[str, float | None] = {}
    for key in RATIO_KEYS:
        if key in board and key in cards and cards[key]:
            out[key] = round(board[key] / cards[key], 3)
    for key in ("js_heap_used_mb", "dom_nodes"):
        grew = {w: r[key] - r[f"{key}_before"] for w, r in (("b", board), ("c", cards))}
        out[f"{key}_growth"] = round(grew["b"] / grew["c"], 3) if grew["c"] else None
    if "first_page_state_ms" in cards and "first_state_ms" in board:
        out["first_state_ms_vs_first_50_cards"] = round(
            board["first_state_ms"] / cards["first_page_state_ms"], 3
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--time-scale", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per way")
    parser.add_argument("--ways", default="board,cards", help="order, e.g. cards,board")
    parser.add_argument("--cards-in", choices=["vbox", "display"], default="vbox")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    # A SIGTERM (timeout, Ctrl-C from a wrapper) unwinds so the server and simulator stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    simulator, url, key = start_simulator(args.time_scale)
    rows: dict[str, dict[str, Any]] = {}
    try:
        with (
            tempfile.TemporaryDirectory(prefix="board-render-") as base,
            running_server("lab", Path(base), extra_env={}) as server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for way in args.ways.split(","):
                    rows[way] = measure(
                        browser, server, way, args.jobs, (url, key), args.timeout, args.cards_in
                    )
                    print(json.dumps(rows[way]), flush=True)
            finally:
                browser.close()
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    result: dict[str, Any] = {
        "time_scale": args.time_scale,
        "ways": args.ways,
        "cards_in": args.cards_in,
        "rows": rows,
    }
    if "board" in rows and "cards" in rows:
        result["board_vs_cards"] = ratios(rows["board"], rows["cards"])
        print(json.dumps(result["board_vs_cards"]))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
