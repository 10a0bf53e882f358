import { afterEach, describe, expect, it } from "vitest";
import { Lifetime } from "../lifetime";
import { CARD_STATES } from "../states";
import { buildCancelAll, cancellableCount, confirmText, othersUnfinishedCount } from "./cancel-all";
import { makeRow, makeRows } from "./fake-board";
import type { Row } from "./model";

afterEach(() => document.body.replaceChildren());

describe("the rule", () => {
  it("counts exactly the running rows, as the header does", () => {
    const rows = CARD_STATES.map((state, i) => makeRow(i, { state }));
    const counted = CARD_STATES.filter((state) => cancellableCount([makeRow(0, { state })]) === 1);
    expect(counted).toEqual(["running"]);
    expect(cancellableCount(rows)).toBe(1);
  });

  it("counts what it leaves alone: the other unfinished rows", () => {
    const left = CARD_STATES.filter((state) => othersUnfinishedCount([makeRow(0, { state })]) === 1);
    expect(left.sort()).toEqual(["pending", "queued", "starting", "submitted", "unknown"]);
  });

  it("names the count, and what stays", () => {
    expect(confirmText(3)).toBe("Cancel 3 running jobs?");
    expect(confirmText(1)).toBe("Cancel 1 running job?");
    expect(confirmText(2, 1)).toBe("Cancel 2 running jobs? 1 other unfinished job stays.");
    expect(confirmText(1, 4)).toBe("Cancel 1 running job? 4 other unfinished jobs stay.");
  });
});

function setup(rows: Row[]) {
  const lifetime = new Lifetime();
  let sent = 0;
  const piece = buildCancelAll(lifetime, () => (sent += 1));
  document.body.append(piece.button, piece.confirm);
  piece.paint(rows);
  const q = (id: string): HTMLElement => document.querySelector(`[data-testid="${id}"]`) as HTMLElement;
  return { lifetime, piece, q, sent: () => sent };
}

describe("the button and its confirm", () => {
  it("is hidden while nothing can be cancelled", () => {
    const { piece } = setup([makeRow(0, { state: "succeeded" }), makeRow(1, { state: "cancelling" })]);
    expect(piece.button.hidden).toBe(true);
  });

  it("asks first, naming N; No keeps everything; Yes sends one cancel_all", () => {
    const { piece, q, sent } = setup([...makeRows(3), makeRow(9, { state: "failed" })]);
    expect(piece.button.textContent).toBe("Cancel all running (3)");
    expect(piece.confirm.hidden).toBe(true);
    piece.button.click();
    expect(piece.confirm.hidden).toBe(false);
    expect(piece.confirm.textContent).toContain("Cancel 3 running jobs?");
    expect(document.activeElement).toBe(q("board-cancel-all-no"));
    q("board-cancel-all-no").click();
    expect(piece.confirm.hidden).toBe(true);
    expect(sent()).toBe(0);
    piece.button.click();
    q("board-cancel-all-yes").click();
    q("board-cancel-all-yes").click();
    expect(sent()).toBe(1);
    expect(piece.button.disabled).toBe(true);
    piece.paint(makeRows(3, { state: "cancelling" })); // Python's answer
    expect(piece.button.hidden).toBe(true);
  });

  it("counts only the running rows and says the queued ones stay", () => {
    const { piece } = setup([
      ...makeRows(2),
      makeRow(5, { state: "queued", status: "queued" }),
      makeRow(6, { state: "starting", status: "starting" }),
    ]);
    expect(piece.button.textContent).toBe("Cancel all running (2)");
    piece.button.click();
    expect(piece.confirm.textContent).toContain("Cancel 2 running jobs? 2 other unfinished jobs stay.");
  });

  it("is hidden while jobs only wait: nothing is running", () => {
    const { piece } = setup([makeRow(0, { state: "queued", status: "queued" })]);
    expect(piece.button.hidden).toBe(true);
  });

  it("follows the count while confirming and closes when it reaches 0; Escape closes", () => {
    const { piece } = setup(makeRows(3));
    piece.button.click();
    piece.paint(makeRows(2));
    expect(piece.confirm.textContent).toContain("Cancel 2 running jobs?");
    piece.confirm.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(piece.confirm.hidden).toBe(true);
    piece.button.click();
    piece.paint([]);
    expect(piece.confirm.hidden).toBe(true);
    expect(piece.button.hidden).toBe(true);
  });
});
