import { startCard } from "../card";
import { h, setHidden, setText } from "../dom";
import { clockEnd } from "../jobtime";
import { Lifetime } from "../lifetime";
import { compactView, lineReason, paintCompact } from "../parts/compact";
import { barNodes } from "../parts/progress";
import { cardStateOf, isLive, lookFor, stateWord } from "../states";
import { RowModel } from "./facade";
import { lineSignature, rowProgress, type BoardMessage, type Row } from "./model";

/**
 * One job of the board: a one-line row (at most 32px) that unfolds into the
 * job's full card. The line is the card's compact line, formatted by the same
 * functions: state icon and word (states.ts), name or id, a bar while rows
 * are known, `673/2000 [01:01<02:04, 10.7 rows/s]`, and a note: the failure
 * reason when failed, the error sentence when not-found / unauthorized /
 * unreachable. Unfolded, it draws the full card through a RowModel, with
 * "loading…" until Python has filled `row.card`.
 */

/** States whose row shows the row's error sentence on the line. */
const ERROR_STATES: ReadonlySet<string> = new Set(["not-found", "unauthorized", "unreachable"]);

/** The note at the end of the line: the failure reason, the error sentence, or "". */
export function rowNote(row: Row, state: string): string {
  if (state === "failed") return lineReason(row.reason);
  return ERROR_STATES.has(state) ? lineReason(row.error) : "";
}

/** The job's elapsed time: from its start (else its creation) to now, or to where the clock froze. */
export function rowElapsed(row: Row, state: string, now: number): number | null {
  const start = row.started_at > 0 ? row.started_at : row.created_at > 0 ? row.created_at : null;
  if (start === null) return null;
  const end = clockEnd(state, { finished_at: row.finished_at, last_checked_at: row.last_checked_at, history: [] }, now);
  return Math.max(0, end - start);
}

export interface RowView {
  readonly jobId: string;
  readonly root: HTMLDivElement;
  /** The lineSignature last painted: the list repaints only when it changes. */
  readonly signature: string;
  readonly expanded: boolean;
  /** Repaints the line from new data. */
  paint(row: Row, now: number): void;
  /** Hands the row to the unfolded card (a change of `card` alone never repaints the line). */
  feed(row: Row): void;
  /** Moves the elapsed clock (every second, live rows only). */
  tick(now: number): void;
  dispose(): void;
}

export interface RowOptions {
  send: (content: BoardMessage) => void;
  /** The user folded or unfolded this row. */
  onToggle: (jobId: string, expanded: boolean) => void;
  /** Start unfolded (the view had it open before it was scrolled out of the page). */
  expanded: boolean;
}

let nextId = 0;

function rowNodes(jobId: string) {
  const slotId = `sutro-job-board-card-${(nextId += 1)}`;
  const fold = h("button", {
    className: "sutro-job-board__fold",
    testid: "row-fold",
    attrs: { type: "button", "aria-controls": slotId },
  });
  const icon = h("span", { className: "sutro-job-board__icon", testid: "row-icon", attrs: { "aria-hidden": "true" } });
  const word = h("span", { className: "sutro-job-board__word", testid: "row-word" });
  const name = h("span", { className: "sutro-job-board__name", testid: "row-name" });
  const percent = h("span", { className: "sutro-job-board__percent sutro-job-board__live", testid: "row-percent" });
  const { bar, fill } = barNodes("sutro-job-board__bar", "row-bar");
  bar.classList.add("sutro-job-board__live");
  const text = h("span", { className: "sutro-job-board__progress sutro-job-board__live", testid: "row-progress" });
  const note = h("span", { className: "sutro-job-board__note", testid: "row-note" });
  const line = h("div", { className: "sutro-job-board__line" }, [fold, icon, word, name, percent, bar, text, note]);
  const loading = h("div", { className: "sutro-job-board__card-loading", testid: "row-loading", text: "loading\u2026" });
  const slot = h("div", { className: "sutro-job-board__card", testid: "row-card", attrs: { id: slotId } }, [loading]);
  slot.hidden = true;
  const root = h("div", { className: "sutro-job-board__row", testid: "board-row", attrs: { role: "listitem" } }, [
    line,
    slot,
  ]);
  root.dataset.jobId = jobId;
  return { root, fold, icon, word, name, percent, bar, fill, text, note, slot, loading };
}

type Nodes = ReturnType<typeof rowNodes>;

/** The unfolded card: built once `row.card` arrives, torn down when folded or when `card` goes back to null. */
class Unfolded {
  private lifetime: Lifetime | null = null;
  private model: RowModel | null = null;

  constructor(
    private readonly n: Nodes,
    private readonly send: (content: BoardMessage) => void,
  ) {}

  show(row: Row, open: boolean): void {
    setHidden(this.n.slot, !open);
    if (!open || row.card === null) this.close();
    setHidden(this.n.loading, !open || row.card !== null);
    if (!open || row.card === null) return;
    if (this.model !== null) {
      this.model.update(row);
      return;
    }
    this.lifetime = new Lifetime();
    this.model = new RowModel(row, this.send);
    this.n.slot.append(startCard(this.model, this.lifetime).root);
  }

  close(): void {
    this.lifetime?.dispose();
    this.lifetime = null;
    this.model = null;
  }
}

function paintLine(n: Nodes, row: Row, now: number): void {
  const state = cardStateOf(row.state, row.status);
  const look = lookFor(state);
  const root = n.root;
  root.dataset.state = state;
  root.dataset.tone = look.tone;
  root.dataset.live = String(look.live);
  root.classList.toggle("sutro-job-board__row--dimmed", !look.live);
  setText(n.icon, look.icon);
  setText(n.word, stateWord(state, row.raw_status));
  setText(n.name, row.name !== "" ? row.name : row.job_id);
  n.name.title = row.name !== "" ? `${row.name} (${row.job_id})` : row.job_id;
  paintCompact(n, compactView(rowProgress(row), state, rowElapsed(row, state, now)));
  const note = rowNote(row, state);
  setText(n.note, note);
  setHidden(n.note, note === "");
  n.note.title = note;
}

function paintFold(n: Nodes, row: Row, expanded: boolean): void {
  n.root.dataset.expanded = String(expanded);
  n.fold.setAttribute("aria-expanded", String(expanded));
  const label = `${expanded ? "Fold" : "Show the whole card of"} ${row.name !== "" ? row.name : row.job_id}`;
  n.fold.setAttribute("aria-label", label);
  n.fold.title = label;
  setText(n.fold, expanded ? "\u25BE" : "\u25B8"); // ▾ open, ▸ folded
}

/** Builds the row for `row` (painted once here); the list calls paint / feed / tick after. */
export function createRow(first: Row, options: RowOptions, now: number): RowView {
  const n = rowNodes(first.job_id);
  const lifetime = new Lifetime();
  const unfolded = new Unfolded(n, options.send);
  lifetime.add(() => unfolded.close());
  lifetime.add(() => n.root.remove());
  let row = first;
  let expanded = options.expanded;
  let signature = "";
  const view: RowView = {
    jobId: first.job_id,
    root: n.root,
    get signature() {
      return signature;
    },
    get expanded() {
      return expanded;
    },
    paint(next, at) {
      row = next;
      signature = lineSignature(next);
      paintLine(n, next, at);
      paintFold(n, next, expanded);
    },
    feed(next) {
      row = next;
      unfolded.show(next, expanded);
    },
    tick(at) {
      if (isLive(cardStateOf(row.state, row.status))) paintLine(n, row, at);
    },
    dispose: () => lifetime.dispose(),
  };
  lifetime.listen(n.fold, "click", () => {
    expanded = !expanded;
    paintFold(n, row, expanded);
    unfolded.show(row, expanded);
    options.onToggle(row.job_id, expanded);
  });
  view.paint(first, now);
  view.feed(first);
  return view;
}
