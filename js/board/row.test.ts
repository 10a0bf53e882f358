import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { lookFor } from "../states";
import { makeRow, within } from "./fake-board";
import type { BoardMessage, Row } from "./model";
import { createRow, rowElapsed, rowNote } from "./row";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const RUNNING = makeRow(1, {
  state: "running",
  status: "running",
  name: "Summarise tickets",
  rows_done: 673,
  rows_total: 2000,
  rows_per_second: 10.7,
  eta_seconds: 124,
  started_at: NOW - 61_000,
});
const CARD = { message: "Halfway", metadata: {}, details: { name: "Summarise tickets" }, progress: { rows_done: 673, rows_total: 2000 }, history: [], results_snippet: "", stale: false };

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

function setup(row: Row, expanded = false) {
  const sent: BoardMessage[] = [];
  const toggles: Array<[string, boolean]> = [];
  const view = createRow(row, { send: (m) => sent.push(m), onToggle: (id, open) => toggles.push([id, open]), expanded }, NOW);
  document.body.append(view.root);
  return { view, sent, toggles, q: (id: string) => within(view.root, id) };
}

describe("the line", () => {
  it("formats like the card's compact line", () => {
    const { view, q } = setup(RUNNING);
    expect(view.root.dataset.jobId).toBe("job-1");
    expect(view.root.dataset.state).toBe("running");
    expect(q("row-icon").textContent).toBe(lookFor("running").icon);
    expect(q("row-word").textContent).toBe("Running");
    expect(q("row-name").textContent).toBe("Summarise tickets");
    expect(q("row-percent").textContent).toBe("33%");
    expect((q("row-bar").firstElementChild as HTMLElement).style.width).toBe("33%");
    expect(q("row-progress").textContent).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
    expect(q("row-note").hidden).toBe(true);
  });

  it("falls back to the id; unknown shows the server's word; no bar without rows", () => {
    const { q } = setup(makeRow(2, { state: "unknown", status: "unknown", raw_status: "PAUSED" }));
    expect(q("row-name").textContent).toBe("job-2");
    expect(q("row-word").textContent).toBe("Unknown: PAUSED");
    expect(q("row-bar").hidden).toBe(true);
  });

  it("notes the failure reason when failed, the error when the job cannot be followed", () => {
    expect(rowNote(makeRow(0, { reason: "Invalid JSON", error: "x" }), "failed")).toBe("Invalid JSON");
    for (const state of ["not-found", "unauthorized", "unreachable"]) {
      expect(rowNote(makeRow(0, { reason: "r", error: "Job not found." }), state)).toBe("Job not found.");
    }
    expect(rowNote(makeRow(0, { error: "e" }), "stale")).toBe("");
    const { q, view } = setup(makeRow(3, { state: "failed", status: "failed", reason: "Out of memory" }));
    expect(q("row-note").textContent).toBe("Out of memory");
    expect(view.root.classList).toContain("sutro-job-board__row--dimmed");
  });

  it("ticks while live, and freezes at the last answer once not live", () => {
    const { view, q } = setup(RUNNING);
    view.tick(NOW + 2_000);
    expect(q("row-progress").textContent).toBe("673/2000 [01:03<02:04, 10.7 rows/s]");
    const stale = { ...RUNNING, state: "stale", last_checked_at: NOW };
    view.paint(stale, NOW + 5_000);
    expect(q("row-progress").textContent).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
    view.tick(NOW + 9_000);
    expect(q("row-progress").textContent).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
    expect(rowElapsed(makeRow(0, { created_at: NOW - 5_000 }), "running", NOW)).toBe(5_000);
    expect(rowElapsed(makeRow(0), "running", NOW)).toBeNull();
  });
});

describe("unfolding", () => {
  it("says loading… until row.card arrives, then shows the full card", () => {
    const { view, q, toggles } = setup(RUNNING);
    expect(q("row-fold").getAttribute("aria-expanded")).toBe("false");
    expect(q("row-card").hidden).toBe(true);
    q("row-fold").click();
    expect(toggles).toEqual([["job-1", true]]);
    expect(q("row-fold").getAttribute("aria-expanded")).toBe("true");
    expect(q("row-card").hidden).toBe(false);
    expect(q("row-loading").hidden).toBe(false);
    view.feed({ ...RUNNING, card: CARD });
    expect(q("row-loading").hidden).toBe(true);
    const card = q("row-card").querySelector<HTMLElement>(".sutro-job-card") as HTMLElement;
    expect(card.dataset.state).toBe("running");
    expect(within(card, "message").textContent).toBe("Halfway");
    expect(card.dataset.folded).toBe("false");
    view.feed({ ...RUNNING, card: { ...CARD, message: "Nearly" } });
    expect(within(card, "message").textContent).toBe("Nearly");
    q("row-fold").click();
    expect(toggles).toEqual([["job-1", true], ["job-1", false]]);
    expect(q("row-card").querySelector(".sutro-job-card")).toBeNull();
    expect(q("row-card").hidden).toBe(true);
  });

  it("forwards the card's buttons with the job id", () => {
    const { q, sent } = setup({ ...RUNNING, card: CARD }, true);
    within(q("row-card"), "refresh").click();
    within(q("row-card"), "cancel").click();
    within(q("row-card"), "cancel-yes").click();
    expect(sent).toEqual([
      { type: "refresh", job_id: "job-1" },
      { type: "cancel", job_id: "job-1" },
    ]);
  });

  it("drops the card when `card` goes back to null, and its timer on dispose", () => {
    const { view, q } = setup({ ...RUNNING, card: CARD }, true);
    expect(vi.getTimerCount()).toBe(1); // the card's own 1-second clock
    view.feed(RUNNING);
    expect(q("row-loading").hidden).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    view.feed({ ...RUNNING, card: CARD });
    view.dispose();
    expect(vi.getTimerCount()).toBe(0);
    q("row-fold").click(); // listeners gone
    expect(q("row-fold").getAttribute("aria-expanded")).toBe("true");
  });
});
