import { describe, expect, it } from "vitest";
import { makeRow, makeRows } from "./fake-board";
import { buildHeader, countsText, totalsText } from "./header";

describe("countsText", () => {
  it("reads like the contract: moving first, then problems, then what ended", () => {
    const rows = [
      ...makeRows(6, { state: "succeeded" }),
      makeRow(10, { state: "failed" }),
      ...makeRows(3, { state: "running" }),
    ];
    expect(countsText(rows)).toBe("3 running \u00B7 1 failed \u00B7 6 succeeded");
  });

  it("uses the card's state words, and status before `state` syncs", () => {
    const rows = [makeRow(0, { state: "not-found" }), makeRow(1, { state: "unauthorized" }), makeRow(2, { state: "", status: "queued" })];
    expect(countsText(rows)).toBe("1 queued \u00B7 1 not found \u00B7 1 key refused");
  });
});

describe("totalsText", () => {
  it("sums rows over jobs with a known total, a succeeded job as full", () => {
    const rows = [
      makeRow(0, { state: "running", rows_done: 250, rows_total: 1000 }),
      makeRow(1, { state: "succeeded", rows_done: 10, rows_total: 2000 }),
      makeRow(2, { state: "running", rows_done: 99 }), // no total: left out
    ];
    expect(totalsText(rows)).toBe("2,250 / 3,000 rows");
  });

  it("adds what was spent and what non-final jobs are estimated to cost", () => {
    const rows = [
      makeRow(0, { state: "succeeded", job_cost: 1.2, cost_estimate: 1 }),
      makeRow(1, { state: "running", cost_estimate: 3.4 }),
      makeRow(2, { state: "failed", job_cost: 0.05, cost_estimate: 9 }),
    ];
    expect(totalsText(rows)).toBe("$1.25 so far \u00B7 est. $3.40 remaining");
    expect(totalsText([makeRow(0, { state: "running" })])).toBe("");
  });
});

describe("buildHeader", () => {
  it("shows title, loading and the board error only when there is one", () => {
    const header = buildHeader();
    const get = (id: string): HTMLElement => header.root.parentElement?.querySelector(`[data-testid="${id}"]`) as HTMLElement;
    const box = document.createElement("div");
    box.append(header.root, header.error);
    header.paint({ rows: [], title: "", loading: true, error: "" });
    expect(get("board-title").hidden).toBe(true);
    expect(get("board-loading").hidden).toBe(false);
    expect(get("board-counts").textContent).toBe("");
    expect(get("board-error").hidden).toBe(true);
    header.paint({ rows: [], title: "Recent jobs", loading: false, error: "Could not list jobs: 503" });
    expect(get("board-title").textContent).toBe("Recent jobs");
    expect(get("board-counts").textContent).toBe("No jobs");
    expect(get("board-error").textContent).toBe("Could not list jobs: 503");
    expect(get("board-error").getAttribute("role")).toBe("alert");
  });
});
