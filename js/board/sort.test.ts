import { describe, expect, it } from "vitest";
import { Lifetime } from "../lifetime";
import { makeRow } from "./fake-board";
import { buildSort, sortRows } from "./sort";

const ids = (rows: { job_id: string }[]): string[] => rows.map((row) => row.job_id);

describe("sortRows", () => {
  const rows = [
    makeRow(0, { state: "succeeded" }),
    makeRow(1, { state: "running" }),
    makeRow(2, { state: "failed" }),
    makeRow(3, { state: "stale" }),
    makeRow(4, { state: "queued" }),
    makeRow(5, { state: "cancelled" }),
    makeRow(6, { state: "not-found" }),
    makeRow(7, { state: "stopped" }),
  ];

  it("puts problems first, then what moves, then what ended; ties by submission", () => {
    expect(ids(sortRows(rows, "problems"))).toEqual(["job-2", "job-3", "job-6", "job-1", "job-4", "job-0", "job-5", "job-7"]);
  });

  it("sorts by `order` for submission order, whatever the trait's order", () => {
    expect(ids(sortRows([...rows].reverse(), "submission"))).toEqual(ids(rows));
  });

  it("leaves its input alone, and a state from a newer Python sorts as unknown", () => {
    const input = [makeRow(0, { state: "succeeded" }), makeRow(1, { state: "hibernating" })];
    expect(ids(sortRows(input, "problems"))).toEqual(["job-1", "job-0"]);
    expect(ids(input)).toEqual(["job-0", "job-1"]);
  });
});

describe("buildSort", () => {
  it("offers both orders, starts on Problems first, reports a change", () => {
    const lifetime = new Lifetime();
    const seen: string[] = [];
    const label = buildSort(lifetime, (mode) => seen.push(mode));
    const select = label.querySelector("select") as HTMLSelectElement;
    expect(select.dataset.testid).toBe("board-sort");
    expect([...select.options].map((o) => o.textContent)).toEqual(["Problems first", "Submission order"]);
    expect(select.value).toBe("problems");
    select.value = "submission";
    select.dispatchEvent(new Event("change"));
    expect(seen).toEqual(["submission"]);
    lifetime.dispose();
    select.dispatchEvent(new Event("change"));
    expect(seen).toEqual(["submission"]);
  });
});
