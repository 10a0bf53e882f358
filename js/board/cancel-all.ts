import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";
import { canCancel } from "../parts/cancel";
import { cardStateOf } from "../states";
import type { Row } from "./model";
import { viewMemory, type ViewMemory } from "../view-memory";

/**
 * "Cancel all running (N)" and its inline confirm ("Cancel 3 running jobs?
 * 2 other unfinished jobs stay." Yes / No). N counts the rows whose state is
 * running, the same word and number as the header and the same set Python
 * cancels (board.py `CANCELLABLE`); the other unfinished jobs (queued,
 * starting, unknown, …) are left alone and the confirm says how many (each
 * row's own card can cancel one).
 * Hidden when N is 0. "Yes" sends one {type: "cancel_all"}; the button then
 * waits, disabled, until the next `rows` update (Python's answer).
 */

/** How many rows a cancel-all would cancel: the running ones. */
export function cancellableCount(rows: readonly Row[]): number {
  return rows.filter((row) => cardStateOf(row.state, row.status) === "running").length;
}

/** How many other rows could be cancelled (queued, starting, unknown, …): cancel-all leaves them. */
export function othersUnfinishedCount(rows: readonly Row[]): number {
  return rows.filter((row) => {
    const state = cardStateOf(row.state, row.status);
    return canCancel(state) && state !== "running";
  }).length;
}

/** `Cancel 3 running jobs?` / `Cancel 1 running job? 2 other unfinished jobs stay.` */
export function confirmText(count: number, others = 0): string {
  const left = others === 0 ? "" : ` ${others} other unfinished ${others === 1 ? "job stays" : "jobs stay"}.`;
  return `Cancel ${count} running ${count === 1 ? "job" : "jobs"}?${left}`;
}

export interface CancelAll {
  button: HTMLButtonElement;
  confirm: HTMLDivElement;
  /** Called with every new `rows`. */
  paint: (rows: readonly Row[]) => void;
}

function cancelAllNodes() {
  const danger = "sutro-job-board__button sutro-job-board__button--danger";
  const button = h("button", {
    className: danger,
    testid: "board-cancel-all",
    attrs: { type: "button", "aria-expanded": "false", title: "Ask Sutro to cancel every running job; queued and other unfinished jobs stay" },
  });
  const text = h("span", { className: "sutro-job-board__confirm-text" });
  const yes = h("button", { className: danger, testid: "board-cancel-all-yes", text: "Yes", attrs: { type: "button" } });
  const no = h("button", { className: "sutro-job-board__button", testid: "board-cancel-all-no", text: "No", attrs: { type: "button" } });
  const confirm = h(
    "div",
    {
      className: "sutro-job-board__confirm",
      testid: "board-cancel-all-confirm",
      attrs: { role: "group", "aria-label": "Confirm cancelling all running jobs" },
    },
    [text, h("span", { className: "sutro-job-board__actions" }, [yes, no])],
  );
  button.hidden = true;
  confirm.hidden = true;
  return { button, text, yes, no, confirm };
}

export function buildCancelAll(lifetime: Lifetime, send: () => void, memory: ViewMemory = viewMemory({})): CancelAll {
  const n = cancelAllNodes();
  let count = 0;
  let others = 0;
  let confirming = memory.confirming; // open in the widget's last view: open here too
  let requested = false;

  const draw = (): void => {
    if (count === 0) confirming = false;
    memory.confirming = confirming;
    setHidden(n.button, count === 0);
    n.button.disabled = requested;
    setText(n.button, requested ? "Cancelling\u2026" : `Cancel all running (${count})`);
    n.button.setAttribute("aria-expanded", String(confirming));
    setText(n.text, confirmText(count, others));
    setHidden(n.confirm, !confirming);
  };
  const close = (): void => {
    confirming = false;
    draw();
    n.button.focus({ preventScroll: true });
  };
  lifetime.listen(n.button, "click", () => {
    if (requested || count === 0) return;
    confirming = true;
    draw();
    n.no.focus({ preventScroll: true }); // the safe choice first
  });
  lifetime.listen(n.no, "click", close);
  lifetime.listen(n.confirm, "keydown", (event) => {
    if ((event as KeyboardEvent).key === "Escape") close();
  });
  lifetime.listen(n.yes, "click", () => {
    if (!confirming || requested) return;
    confirming = false;
    requested = true;
    draw();
    send();
  });
  const paint = (rows: readonly Row[]): void => {
    count = cancellableCount(rows);
    others = othersUnfinishedCount(rows);
    requested = false;
    draw();
  };
  return { button: n.button, confirm: n.confirm, paint };
}
