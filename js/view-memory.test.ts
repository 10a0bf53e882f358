import { afterEach, describe, expect, it } from "vitest";
import { FakeBoard, makeRows, mountBoard, within } from "./board/fake-board";
import type { BoardTraitName } from "./board/model";
import { FakeModel, mount } from "./fake-model";
import type { TraitName } from "./model";
import { MAX_MEMORIES, viewMemory } from "./view-memory";

afterEach(() => {
  document.body.replaceChildren();
});

let keys = 0;
/** A fresh `_view_key`, as Python gives every widget. */
const newKey = (): string => `view-${++keys}`;

function keyedBoard(key: string): FakeBoard {
  const model = new FakeBoard({ rows: makeRows(3) });
  model.setRaw("_view_key" as BoardTraitName, key);
  return model;
}

function keyedCard(key: string): FakeModel {
  const model = new FakeModel({ state: "running", status: "running" });
  model.setRaw("_view_key" as TraitName, key);
  return model;
}

describe("a board redrawn by its host (a saved-copy update)", () => {
  it("opens the rows and the confirm its last view had open, and Python hears one expand per view", () => {
    const model = keyedBoard(newKey());
    const first = mountBoard(model);
    within(first.row("job-1"), "row-fold").click();
    first.part("board-cancel-all").click();
    first.cleanup();
    const second = mountBoard(model);
    expect(second.row("job-1").dataset.expanded).toBe("true");
    expect(second.row("job-0").dataset.expanded).toBe("false");
    expect(second.part("board-cancel-all-confirm").hidden).toBe(false);
    expect(model.sent).toEqual([
      { type: "expand", job_id: "job-1" }, // the user, in the first view
      { type: "collapse", job_id: "job-1" }, // the first view going away
      { type: "expand", job_id: "job-1" }, // the second view, open again
    ]);
  });

  it("forgets what the user closed, and rows the board no longer has", () => {
    const model = keyedBoard(newKey());
    const first = mountBoard(model);
    within(first.row("job-1"), "row-fold").click();
    within(first.row("job-2"), "row-fold").click();
    within(first.row("job-1"), "row-fold").click();
    first.part("board-cancel-all").click();
    first.part("board-cancel-all-no").click();
    model.set("rows", makeRows(2)); // job-2 left the board
    first.cleanup();
    const second = mountBoard(model);
    expect(second.rows().map((row) => row.dataset.expanded)).toEqual(["false", "false"]);
    expect(second.part("board-cancel-all-confirm").hidden).toBe(true);
  });

  it("shares nothing between two boards, nor with a model that has no key", () => {
    const opened = keyedBoard(newKey());
    within(mountBoard(opened).row("job-1"), "row-fold").click();
    const other = mountBoard(keyedBoard(newKey()));
    expect(other.row("job-1").dataset.expanded).toBe("false");
    const unkeyed = new FakeBoard({ rows: makeRows(3) });
    within(mountBoard(unkeyed).row("job-1"), "row-fold").click();
    expect(mountBoard(unkeyed).row("job-1").dataset.expanded).toBe("false");
  });
});

describe("a card redrawn by its host", () => {
  it("keeps the user's fold and the open cancel confirm", () => {
    const model = keyedCard(newKey());
    const first = mount(model);
    first.part("fold").click();
    first.part("cancel").click();
    expect(first.part("cancel-confirm").hidden).toBe(false);
    first.cleanup();
    const second = mount(model);
    expect(second.card.dataset.folded).toBe("true");
    expect(second.part("cancel-confirm").hidden).toBe(false);
  });

  it("lets Python's later `compact` win over the user's earlier fold", () => {
    const model = keyedCard(newKey());
    const first = mount(model);
    first.part("fold").click(); // folded by hand
    model.set("compact", true);
    model.set("compact", false); // Python unfolds every view
    first.cleanup();
    expect(mount(model).card.dataset.folded).toBe("false");
  });

  it("closes a remembered confirm once the job can no longer be cancelled", () => {
    const model = keyedCard(newKey());
    const first = mount(model);
    first.part("cancel").click();
    first.cleanup();
    model.set("state", "succeeded");
    model.set("status", "succeeded");
    const second = mount(model);
    expect(second.part("cancel-confirm").hidden).toBe(true);
    model.set("state", "running");
    model.set("status", "running");
    expect(second.part("cancel-confirm").hidden).toBe(true);
  });
});

describe("the memory itself", () => {
  it("keeps at most MAX_MEMORIES widgets, forgetting the oldest first", () => {
    const first = newKey();
    viewMemory(keyedCard(first)).confirming = true;
    for (let i = 0; i < MAX_MEMORIES; i++) viewMemory(keyedCard(newKey())).confirming = true;
    expect(viewMemory(keyedCard(first)).confirming).toBe(false);
  });
});
