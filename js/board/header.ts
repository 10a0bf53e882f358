import { h, setHidden, setText } from "../dom";
import { formatCount, formatMoney } from "../format";
import { countsOf } from "../parts/progress";
import { cardStateOf, isFinal, lookFor, type CardState } from "../states";
import { rowProgress, type Row } from "./model";

/**
 * The board's header line: its title, the counts per state in words
 * (`3 running · 1 failed · 6 succeeded`), the totals (rows done over the rows
 * of jobs whose size is known, what was spent, what is estimated to come) and
 * a "loading…" note; the board-level error sits under it. The sort and
 * cancel-all controls are built elsewhere and slotted into `actions`.
 */

const SEPARATOR = " \u00B7 "; // " · "

/**
 * The order of the counts: the contract's example (`3 running · 1 failed ·
 * 6 succeeded`) leads with what is moving, then what went wrong, then what
 * has ended quietly.
 */
export const COUNT_ORDER: readonly CardState[] = [
  "running",
  "cancelling",
  "starting",
  "queued",
  "pending",
  "submitted",
  "unknown",
  "connecting",
  "failed",
  "not-found",
  "unauthorized",
  "unreachable",
  "stale",
  "stopped",
  "unfollowed",
  "succeeded",
  "cancelled",
];

/** `3 running · 1 failed · 6 succeeded`; the words are the card's own (states.ts), lower case. */
export function countsText(rows: readonly Row[]): string {
  const tally = new Map<CardState, number>();
  for (const row of rows) {
    const state = cardStateOf(row.state, row.status);
    tally.set(state, (tally.get(state) ?? 0) + 1);
  }
  return COUNT_ORDER.filter((state) => tally.has(state))
    .map((state) => `${formatCount(tally.get(state) ?? 0)} ${lookFor(state).word.toLowerCase()}`)
    .join(SEPARATOR);
}

/**
 * `1,234 / 5,000 rows · $1.20 so far · est. $3.40 remaining`. Rows are summed
 * over the jobs with a known total (a succeeded job counts as full, as on the
 * card); spent is the sum of actual costs; the estimate is the sum of the
 * whole-job estimates of jobs not yet final. Each piece only when known.
 */
export function totalsText(rows: readonly Row[]): string {
  let done = 0;
  let total = 0;
  let sized = false;
  let spent: number | null = null;
  let estimate: number | null = null;
  for (const row of rows) {
    const state = cardStateOf(row.state, row.status);
    const counts = countsOf(rowProgress(row), state);
    if (counts !== null && counts.total !== null) {
      sized = true;
      done += Math.min(counts.done, counts.total);
      total += counts.total;
    }
    if (row.job_cost !== null) spent = (spent ?? 0) + row.job_cost;
    if (!isFinal(state) && row.cost_estimate !== null) estimate = (estimate ?? 0) + row.cost_estimate;
  }
  const pieces: string[] = [];
  if (sized) pieces.push(`${formatCount(done)} / ${formatCount(total)} rows`);
  if (spent !== null) pieces.push(`${formatMoney(spent)} so far`);
  if (estimate !== null) pieces.push(`est. ${formatMoney(estimate)} remaining`);
  return pieces.join(SEPARATOR);
}

export interface Header {
  root: HTMLDivElement;
  /** Where the sort and cancel-all controls go. */
  actions: HTMLSpanElement;
  error: HTMLDivElement;
  paint: (view: HeaderView) => void;
}

/** Everything the header shows; cheap enough (one pass over the rows) to repaint on any board change. */
export interface HeaderView {
  rows: readonly Row[];
  title: string;
  loading: boolean;
  error: string;
}

export function buildHeader(): Header {
  const title = h("span", { className: "sutro-job-board__title", testid: "board-title" });
  const counts = h("span", { className: "sutro-job-board__counts", testid: "board-counts" });
  const totals = h("span", { className: "sutro-job-board__totals", testid: "board-totals" });
  const loading = h("span", { className: "sutro-job-board__loading", testid: "board-loading", text: "loading\u2026" });
  const actions = h("span", { className: "sutro-job-board__actions" });
  const root = h("div", { className: "sutro-job-board__header", testid: "board-header", attrs: { "aria-live": "off" } }, [
    title,
    counts,
    totals,
    loading,
    actions,
  ]);
  const error = h("div", { className: "sutro-job-board__error", testid: "board-error", attrs: { role: "alert" } });
  for (const node of [title, totals, loading, error]) node.hidden = true;

  const paint = (view: HeaderView): void => {
    const empty = view.rows.length === 0;
    setText(counts, empty ? (view.loading ? "" : "No jobs") : countsText(view.rows));
    const text = totalsText(view.rows);
    setText(totals, text);
    setHidden(totals, text === "");
    setText(title, view.title);
    setHidden(title, view.title === "");
    setHidden(loading, !view.loading);
    setText(error, view.error);
    setHidden(error, view.error === "");
  };
  return { root, actions, error, paint };
}
