import { h, setHidden, setText } from "../dom";
import { formatCount } from "../format";
import type { Lifetime } from "../lifetime";
import { lineSignature, type BoardMessage, type Row } from "./model";
import { createRow, type RowOptions, type RowView } from "./row";
import { sortRows, type SortMode } from "./sort";
import { viewMemory, type ViewMemory } from "../view-memory";

/**
 * The rows, paginated and updated in place, so a board of 500 jobs stays
 * fast: at most `PAGE` rows are drawn until the user asks for more ("Show 50
 * more (N hidden)", view-local); row elements are kept by job_id across
 * updates, and a row is repainted only when its line's data changed (a
 * change of `row.card` alone goes to the unfolded card, not the line). Rows
 * are moved in the DOM only when the order changed.
 */

export const PAGE = 50;

/** Builds one row; a test passes a wrapper to count paints. */
export type RowFactory = (row: Row, options: RowOptions, now: number) => RowView;

export interface RowList {
  root: HTMLDivElement;
  showMore: HTMLButtonElement;
  /** New `rows` from Python. */
  update: (rows: readonly Row[], now: number) => void;
  /** The view's sort changed. */
  sort: (mode: SortMode, now: number) => void;
  /** Moves the clocks of the drawn live rows. */
  tick: (now: number) => void;
}

interface ListState {
  rows: readonly Row[];
  mode: SortMode;
  limit: number;
  views: Map<string, RowView>;
  /** Job ids this view has unfolded; kept while a row is paged out, so it comes back open. */
  expanded: Set<string>;
}

/** Puts `wanted` in `parent` in this order, moving only the nodes that are out of place. */
function placeInOrder(parent: HTMLElement, wanted: readonly HTMLElement[]): void {
  let cursor = parent.firstElementChild;
  for (const node of wanted) {
    if (cursor === node) cursor = node.nextElementSibling;
    else parent.insertBefore(node, cursor);
  }
  while (cursor !== null) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}

/** Views for exactly the rows in `shown`: kept by job id, built when new, repainted when their line changed. */
function reconcile(s: ListState, shown: readonly Row[], make: (row: Row) => RowView, now: number): HTMLElement[] {
  const keep = new Set(shown.map((row) => row.job_id));
  for (const [jobId, view] of s.views) {
    if (keep.has(jobId)) continue;
    view.dispose();
    s.views.delete(jobId);
  }
  return shown.map((row) => {
    let view = s.views.get(row.job_id);
    if (view === undefined) {
      view = make(row);
      s.views.set(row.job_id, view);
    } else {
      if (view.signature !== lineSignature(row)) view.paint(row, now);
      view.feed(row);
    }
    return view.root;
  });
}

/** Python fills `card` for unfolded rows, so a view that goes away folds its rows. */
function foldAll(expanded: Set<string>, send: (content: BoardMessage) => void): void {
  for (const jobId of expanded) {
    try {
      send({ type: "collapse", job_id: jobId });
    } catch {
      return; // the comm closed first (the model went away): cleanup must go on
    }
  }
}

export function buildRowList(
  lifetime: Lifetime,
  send: (content: BoardMessage) => void,
  factory: RowFactory = createRow,
  memory: ViewMemory = viewMemory({}),
): RowList {
  const root = h("div", { className: "sutro-job-board__rows", testid: "board-rows", attrs: { role: "list" } });
  const showMore = h("button", {
    className: "sutro-job-board__button sutro-job-board__show-more",
    testid: "board-show-more",
    attrs: { type: "button" },
  });
  showMore.hidden = true;
  // Rows the widget's last view had open open again here (Python counts one expand per view).
  const s: ListState = { rows: [], mode: "problems", limit: PAGE, views: new Map(), expanded: new Set(memory.expanded) };
  for (const jobId of s.expanded) send({ type: "expand", job_id: jobId });
  const onToggle = (jobId: string, open: boolean): void => {
    for (const set of [s.expanded, memory.expanded]) {
      if (open) set.add(jobId);
      else set.delete(jobId);
    }
    send({ type: open ? "expand" : "collapse", job_id: jobId });
  };

  const draw = (now: number): void => {
    const ordered = sortRows(s.rows, s.mode);
    const shown = ordered.slice(0, s.limit);
    const make = (row: Row): RowView => factory(row, { send, onToggle, expanded: s.expanded.has(row.job_id) }, now);
    placeInOrder(root, reconcile(s, shown, make, now));
    const hidden = ordered.length - shown.length;
    setHidden(showMore, hidden === 0);
    setText(showMore, `Show ${Math.min(PAGE, hidden)} more (${formatCount(hidden)} hidden)`);
  };

  lifetime.listen(showMore, "click", () => {
    s.limit += PAGE;
    draw(Date.now());
  });
  lifetime.add(() => {
    foldAll(s.expanded, send);
    for (const view of s.views.values()) view.dispose();
    s.views.clear();
  });

  return {
    root,
    showMore,
    update: (rows, now) => {
      s.rows = rows;
      const present = new Set(rows.map((row) => row.job_id));
      for (const set of [s.expanded, memory.expanded]) {
        for (const jobId of set) if (!present.has(jobId)) set.delete(jobId);
      }
      draw(now);
    },
    sort: (mode, now) => {
      s.mode = mode;
      draw(now);
    },
    tick: (now) => {
      for (const view of s.views.values()) view.tick(now);
    },
  };
}
