import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Lifetime } from "../lifetime";
import { makeRow, makeRows } from "./fake-board";
import { buildRowList, PAGE, type RowFactory } from "./list";
import type { BoardMessage, Row } from "./model";
import { createRow } from "./row";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

/** A list whose rows count their paints (after the first, which creating a row does). */
function setup() {
  const lifetime = new Lifetime();
  const sent: BoardMessage[] = [];
  const painted: string[] = [];
  let created = 0;
  const factory: RowFactory = (row, options, now) => {
    created += 1;
    const view = createRow(row, options, now);
    const paint = view.paint.bind(view);
    view.paint = (next, at) => {
      painted.push(next.job_id);
      paint(next, at);
    };
    return view;
  };
  const list = buildRowList(lifetime, (m) => sent.push(m), factory);
  document.body.append(list.root, list.showMore);
  const ids = (): string[] => [...list.root.children].map((node) => (node as HTMLElement).dataset.jobId ?? "");
  return { lifetime, list, sent, painted, created: () => created, ids };
}

describe("pagination", () => {
  it("draws 50 rows of 500, then 50 more per click, and says how many are hidden", () => {
    const { list, ids } = setup();
    list.update(makeRows(500), NOW);
    expect(ids()).toHaveLength(PAGE);
    expect(list.showMore.textContent).toBe("Show 50 more (450 hidden)");
    list.showMore.click();
    expect(ids()).toHaveLength(100);
    expect(list.showMore.textContent).toBe("Show 50 more (400 hidden)");
    list.update(makeRows(120), NOW);
    expect(list.showMore.textContent).toBe("Show 20 more (20 hidden)");
    list.showMore.click();
    expect(list.showMore.hidden).toBe(true);
  });
});

describe("incremental updates", () => {
  it("repaints exactly the one row of 500 whose data changed, re-using every element", () => {
    const { list, painted, created, ids } = setup();
    const rows = makeRows(500, { rows_total: 100, rows_done: 1 });
    list.update(rows, NOW);
    const before = [...list.root.children];
    expect(created()).toBe(PAGE);
    const changed: Row[] = rows.map((row) => (row.job_id === "job-7" ? { ...row, rows_done: 2 } : { ...row }));
    list.update(changed, NOW);
    expect(painted).toEqual(["job-7"]);
    expect(created()).toBe(PAGE);
    expect([...list.root.children]).toEqual(before);
    expect(ids()[7]).toBe("job-7");
  });

  it("does not repaint the line when only row.card changes, nor for a hidden row", () => {
    const { list, painted } = setup();
    const rows = makeRows(200);
    list.update(rows, NOW);
    list.update(rows.map((row, i) => (i === 3 ? { ...row, card: { message: "x" } } : i === 150 ? { ...row, rows_done: 9 } : row)), NOW);
    expect(painted).toEqual([]);
  });

  it("adds, removes and reorders rows by job id without rebuilding the others", () => {
    const { list, created, ids } = setup();
    list.update(makeRows(3), NOW);
    const first = list.root.children[0];
    list.update([makeRow(9, { state: "failed" }), ...makeRows(3).slice(0, 1)], NOW);
    expect(ids()).toEqual(["job-9", "job-0"]);
    expect(created()).toBe(4);
    expect(list.root.children[1]).toBe(first);
  });

  it("moves a row to the top when it fails (problems first) and back under submission order", () => {
    const { list, ids } = setup();
    const rows = makeRows(4);
    list.update(rows, NOW);
    list.update(rows.map((row) => (row.job_id === "job-2" ? { ...row, state: "failed", status: "failed" } : row)), NOW);
    expect(ids()).toEqual(["job-2", "job-0", "job-1", "job-3"]);
    list.sort("submission", NOW);
    expect(ids()).toEqual(["job-0", "job-1", "job-2", "job-3"]);
  });
});

describe("unfolded rows", () => {
  it("sends expand / collapse, and folds what is still open when the view goes away", () => {
    const { list, sent, lifetime } = setup();
    list.update(makeRows(3), NOW);
    const fold = (i: number): HTMLElement => list.root.children[i]?.querySelector('[data-testid="row-fold"]') as HTMLElement;
    fold(0).click();
    fold(1).click();
    fold(0).click();
    expect(sent).toEqual([
      { type: "expand", job_id: "job-0" },
      { type: "expand", job_id: "job-1" },
      { type: "collapse", job_id: "job-0" },
    ]);
    lifetime.dispose();
    expect(sent[sent.length - 1]).toEqual({ type: "collapse", job_id: "job-1" });
    expect(list.root.children).toHaveLength(0);
  });

  it("keeps a row open while it is paged out, and forgets it once Python drops it", () => {
    const { list, sent, lifetime } = setup();
    const rows = makeRows(60);
    list.update(rows, NOW);
    (list.root.children[49]?.querySelector('[data-testid="row-fold"]') as HTMLElement).click();
    list.update([makeRow(99, { state: "failed" }), ...rows], NOW); // job-49 falls off the page
    list.showMore.click();
    const back = [...list.root.children].find((node) => (node as HTMLElement).dataset.jobId === "job-49") as HTMLElement;
    expect(back.dataset.expanded).toBe("true");
    list.update(rows.filter((row) => row.job_id !== "job-49"), NOW);
    lifetime.dispose();
    expect(sent).toEqual([{ type: "expand", job_id: "job-49" }]);
  });
});
