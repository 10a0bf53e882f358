import { describe, expect, it } from "vitest";
import { FakeBoard, makeRow } from "./fake-board";
import { lineSignature, readRows, rowOf, rowProgress } from "./model";

describe("rowOf", () => {
  it("keeps a well-formed row as it is", () => {
    const row = makeRow(3, { name: "n", rows_done: 5, rows_total: 10, card: { message: "m" } });
    expect(rowOf(row)).toEqual(row);
  });

  it("reads wrong types as the contract's unknowns, never as data", () => {
    const row = rowOf({ job_id: "j", order: "2", state: 5, rows_done: -1, rows_total: "10", job_cost: NaN, polling: "yes", card: [] });
    expect(row).toMatchObject({ order: 0, state: "", rows_done: null, rows_total: null, job_cost: null, polling: false, card: null });
    expect(row?.name).toBe("");
  });

  it("drops what cannot be keyed: no job id, not an object", () => {
    expect(rowOf({ job_id: "" })).toBeNull();
    expect(rowOf(null)).toBeNull();
    expect(rowOf("job-1")).toBeNull();
  });
});

describe("readRows", () => {
  it("keeps the trait's order, skips bad rows and repeated ids", () => {
    const model = new FakeBoard();
    model.setRaw("rows", [makeRow(2), null, makeRow(1), { ...makeRow(2), name: "again" }, 7]);
    expect(readRows(model).map((row) => row.job_id)).toEqual(["job-2", "job-1"]);
    expect(readRows(model)[0]?.name).toBe("");
  });

  it("reads a missing or malformed trait as no rows", () => {
    const model = new FakeBoard();
    model.setRaw("rows", { rows: [] });
    expect(readRows(model)).toEqual([]);
  });
});

describe("rowProgress and lineSignature", () => {
  it("gives the card's progress keys", () => {
    expect(rowProgress(makeRow(0, { rows_done: 1, rows_total: 4, eta_seconds: 3 }))).toEqual({
      rows_done: 1,
      rows_total: 4,
      eta_seconds: 3,
      rows_per_second: null,
      tokens_per_second: null,
    });
  });

  it("ignores `card`: a change of the card alone does not repaint the line", () => {
    const row = makeRow(0);
    expect(lineSignature({ ...row, card: { message: "x" } })).toBe(lineSignature(row));
    expect(lineSignature({ ...row, rows_done: 1 })).not.toBe(lineSignature(row));
  });
});
