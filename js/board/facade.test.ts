import { describe, expect, it } from "vitest";
import { TRAIT_NAMES } from "../model";
import { RowModel } from "./facade";
import { makeRow } from "./fake-board";
import type { BoardMessage } from "./model";

const CARD = { message: "m", metadata: { a: 1 }, details: { name: "N" }, progress: { rows_done: 1 }, history: [], results_snippet: "s", stale: false };

describe("RowModel", () => {
  it("reads row fields from the row and card traits from row.card; compact is false", () => {
    const model = new RowModel(makeRow(1, { state: "running", status: "running", error: "e", polling: true, card: CARD }), () => {});
    expect(model.get("job_id")).toBe("job-1");
    expect(model.get("state")).toBe("running");
    expect(model.get("error")).toBe("e");
    expect(model.get("polling")).toBe(true);
    expect(model.get("details")).toEqual({ name: "N" });
    expect(model.get("results_snippet")).toBe("s");
    expect(model.get("compact")).toBe(false);
    for (const name of TRAIT_NAMES) expect(() => model.get(name)).not.toThrow();
  });

  it("fires change:x only for traits whose value changed", () => {
    const row = makeRow(1, { state: "running", card: CARD });
    const model = new RowModel(row, () => {});
    const fired: string[] = [];
    for (const name of TRAIT_NAMES) model.on(`change:${name}`, () => fired.push(name));
    model.update({ ...row, card: { ...CARD } }); // equal values, new objects
    expect(fired).toEqual([]);
    model.update({ ...row, state: "failed", rows_done: 4, card: { ...CARD, metadata: { a: 2 } } });
    expect(fired.sort()).toEqual(["metadata", "state"]);
  });

  it("off removes the callback; send adds the job id", () => {
    const sent: BoardMessage[] = [];
    const model = new RowModel(makeRow(7), (content) => sent.push(content));
    const callback = (): void => {};
    model.on("change:state", callback);
    model.on("change:state", callback);
    model.off("change:state", callback);
    expect(model.listenerCount()).toBe(0);
    model.send({ type: "cancel" });
    model.send({ type: "retry" });
    expect(sent).toEqual([
      { type: "cancel", job_id: "job-7" },
      { type: "retry", job_id: "job-7" },
    ]);
  });
});
