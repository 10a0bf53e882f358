import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as entry from "./board";
import board from "./board";
import { FakeBoard, makeRow, makeRows, mountBoard, within } from "./board/fake-board";
import type { RowFactory } from "./board/list";
import type { Row } from "./board/model";
import { createRow } from "./board/row";
import { startBoard } from "./board/view";
import { Lifetime } from "./lifetime";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const CARD = { message: "Halfway", metadata: {}, details: {}, progress: {}, history: [], results_snippet: "", stale: false };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("module shape", () => {
  it("exports default { render } only", () => {
    expect(Object.keys(board)).toEqual(["render"]);
    expect(Object.keys(entry)).toEqual(["default"]);
  });

  it("draws header, rows and controls from the traits", () => {
    const model = new FakeBoard({ title: "Recent jobs", rows: [...makeRows(3), makeRow(5, { state: "failed", reason: "OOM" })] });
    const { part, rows } = mountBoard(model);
    expect(part("board").classList).toContain("sutro-job-board");
    expect(part("board-header").contains(part("board-sort"))).toBe(true);
    expect(part("board-title").textContent).toBe("Recent jobs");
    expect(part("board").getAttribute("aria-label")).toBe("Recent jobs");
    expect(part("board-counts").textContent).toBe("3 running \u00B7 1 failed");
    expect(rows().map((row) => row.dataset.jobId)).toEqual(["job-5", "job-0", "job-1", "job-2"]);
    expect(rows()[0]?.dataset.state).toBe("failed");
    expect(part("board-cancel-all").textContent).toBe("Cancel all running (3)");
    expect(part("board-load-more").hidden).toBe(true);
    expect(part("board-show-more").hidden).toBe(true);
    expect(part("board-error").hidden).toBe(true);
  });
});

describe("traits and messages", () => {
  it("follows error, loading and has_more; Load more and cancel all send their messages", () => {
    const model = new FakeBoard({ rows: makeRows(2) });
    const { part } = mountBoard(model);
    model.set("error", "Could not list jobs: 503 Service Unavailable");
    expect(part("board-error").textContent).toBe("Could not list jobs: 503 Service Unavailable");
    model.set("has_more", true);
    part("board-load-more").click();
    model.set("loading", true);
    expect(part("board").dataset.loading).toBe("true");
    expect(part("board-loading").hidden).toBe(false);
    part("board-cancel-all").click();
    expect(part("board-cancel-all-confirm").textContent).toContain("Cancel 2 running jobs?");
    part("board-cancel-all-yes").click();
    expect(model.sent).toEqual([{ type: "load_more" }, { type: "cancel_all" }]);
  });

  it("unfolds a row into its full card, whose buttons carry the job id", () => {
    const model = new FakeBoard({ rows: makeRows(2) });
    const { row } = mountBoard(model);
    within(row("job-1"), "row-fold").click();
    expect(model.sent).toEqual([{ type: "expand", job_id: "job-1" }]);
    expect(within(row("job-1"), "row-card").textContent).toContain("loading\u2026");
    model.setRow("job-1", { card: CARD });
    const card = within(row("job-1"), "row-card");
    expect(within(card, "message").textContent).toBe("Halfway");
    within(card, "stop-resume").click();
    expect(model.sent[model.sent.length - 1]).toEqual({ type: "stop", job_id: "job-1" });
    model.setRow("job-1", { state: "succeeded", status: "succeeded" });
    expect(within(card, "status-word").textContent).toBe("Succeeded");
  });

  it("sorts by submission when asked, in this view only", () => {
    const model = new FakeBoard({ rows: [makeRow(0, { state: "succeeded" }), makeRow(1, { state: "failed" })] });
    const a = mountBoard(model);
    const b = mountBoard(model);
    const select = a.part("board-sort") as HTMLSelectElement;
    select.value = "submission";
    select.dispatchEvent(new Event("change"));
    expect(a.rows().map((row) => row.dataset.jobId)).toEqual(["job-0", "job-1"]);
    expect(b.rows().map((row) => row.dataset.jobId)).toEqual(["job-1", "job-0"]);
  });
});

describe("500 jobs", () => {
  function big(): { model: FakeBoard; rows: Row[] } {
    const rows = makeRows(500, { rows_done: 10, rows_total: 100, started_at: NOW - 1_000 });
    return { model: new FakeBoard({ rows }), rows };
  }

  it("draws one page and repaints one row when one row changes (painter calls counted)", () => {
    const { model } = big();
    const painted: string[] = [];
    const factory: RowFactory = (row, options, now) => {
      const view = createRow(row, options, now);
      const paint = view.paint.bind(view);
      view.paint = (next, at) => {
        painted.push(next.job_id);
        paint(next, at);
      };
      return view;
    };
    const el = document.createElement("div");
    el.append(startBoard(model, new Lifetime(), factory));
    expect(el.querySelectorAll('[data-testid="board-row"]')).toHaveLength(50);
    expect(within(el, "board-show-more").textContent).toBe("Show 50 more (450 hidden)");
    model.setRow("job-3", { rows_done: 11 });
    expect(painted).toEqual(["job-3"]);
    model.setRow("job-400", { rows_done: 11 }); // not drawn: nothing to paint
    expect(painted).toEqual(["job-3"]);
  });

  it("touches the DOM of that row only (the header aside)", () => {
    const { model } = big();
    const { board: root, row } = mountBoard(model);
    const observer = new MutationObserver(() => {});
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    model.setRow("job-3", { rows_done: 50 });
    const touched = observer.takeRecords().map((record) => record.target);
    observer.disconnect();
    const header = within(root, "board-header");
    const outside = touched.filter((node) => !row("job-3").contains(node) && !header.contains(node));
    expect(touched.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
    expect(within(row("job-3"), "row-percent").textContent).toBe("50%");
  });
});

describe("server text is inert", () => {
  const PAYLOAD = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script>';

  it("shows every row string and card field as text, never markup", () => {
    const row = makeRow(0, {
      job_id: PAYLOAD,
      state: PAYLOAD,
      status: PAYLOAD,
      raw_status: PAYLOAD,
      name: PAYLOAD,
      error: PAYLOAD,
      reason: PAYLOAD,
      cancel_error: PAYLOAD,
      card: { ...CARD, message: PAYLOAD, details: { name: PAYLOAD, model: PAYLOAD }, metadata: { failure_reason: PAYLOAD }, results_snippet: PAYLOAD },
    });
    const failed = makeRow(1, { state: "failed", name: PAYLOAD, reason: PAYLOAD });
    const lost = makeRow(2, { state: "unreachable", error: PAYLOAD });
    const model = new FakeBoard({ rows: [row, failed, lost], title: PAYLOAD, error: PAYLOAD });
    const { board: root, rows } = mountBoard(model);
    for (const node of rows()) within(node, "row-fold").click();
    expect(root.querySelectorAll("img, script")).toHaveLength(0);
    expect(root.textContent).toContain(PAYLOAD);
    expect(rows().find((node) => node.dataset.jobId === PAYLOAD)).toBeDefined();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });
});

describe("cleanup", () => {
  function busy(): FakeBoard {
    return new FakeBoard({ rows: makeRows(60, { started_at: NOW - 5_000, card: CARD }) });
  }

  it("undoes listeners, timers and DOM on cleanup, and folds open rows", () => {
    const model = busy();
    const { el, row, cleanup } = mountBoard(model);
    within(row("job-0"), "row-fold").click();
    within(row("job-1"), "row-fold").click();
    expect(vi.getTimerCount()).toBe(3); // the board's clock and two cards'
    expect(model.listenerCount()).toBe(5);
    cleanup();
    expect(vi.getTimerCount()).toBe(0);
    expect(model.listenerCount()).toBe(0);
    expect(el.children).toHaveLength(0);
    expect(model.sent.slice(-2)).toEqual([
      { type: "collapse", job_id: "job-0" },
      { type: "collapse", job_id: "job-1" },
    ]);
    cleanup(); // again: nothing happens
    model.set("rows", makeRows(2));
    expect(el.children).toHaveLength(0);
  });

  it("undoes everything when anywidget aborts, and draws nothing if already aborted", () => {
    const model = busy();
    const controller = new AbortController();
    const { el, row } = mountBoard(model, controller.signal);
    within(row("job-0"), "row-fold").click();
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    expect(model.listenerCount()).toBe(0);
    expect(el.children).toHaveLength(0);

    const late = document.createElement("div");
    board.render({ model, el: late, signal: controller.signal });
    expect(late.children).toHaveLength(0);
    expect(model.listenerCount()).toBe(0);
  });

  it("keeps cleaning up when the comm is already closed", () => {
    const model = busy();
    const { row, cleanup } = mountBoard(model);
    within(row("job-0"), "row-fold").click();
    model.send = () => {
      throw new Error("Comm is closed");
    };
    expect(() => cleanup()).not.toThrow();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("board frontend sync", () => {
  it("asks Python for changes once a second only in frontend sync", () => {
    const threaded = new FakeBoard();
    const asking = new FakeBoard({ sync_mode: "frontend" });
    const host = document.createElement("div");
    const stopThreaded = board.render({ model: threaded, el: host });
    const stopAsking = board.render({ model: asking, el: host });
    vi.advanceTimersByTime(3_000);
    expect(threaded.sent.filter((m) => m.type === "sync")).toHaveLength(0);
    expect(asking.sent.filter((m) => m.type === "sync")).toHaveLength(3);
    stopThreaded();
    stopAsking();
  });
});
