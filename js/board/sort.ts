import { h } from "../dom";
import type { Lifetime } from "../lifetime";
import { cardStateOf, type CardState } from "../states";
import type { Row } from "./model";

/**
 * The sort selector (view-local: each view keeps its own choice, nothing is
 * sent) and the two orders. "Problems first" puts what needs a person on top:
 * failed and the states in which the board cannot follow a job, then jobs
 * still moving, then the quiet ends; ties keep the submission order.
 */

export type SortMode = "problems" | "submission";

export const SORT_LABELS: Record<SortMode, string> = {
  problems: "Problems first",
  submission: "Submission order",
};

/**
 * Rank per state for "Problems first" (the contract's groups). `connecting`
 * is not named by the contract; it waits with the moving jobs.
 */
const RANK: Record<CardState, number> = {
  failed: 0,
  "not-found": 0,
  unauthorized: 0,
  unreachable: 0,
  stale: 0,
  unfollowed: 0,
  running: 1,
  cancelling: 1,
  starting: 1,
  queued: 1,
  pending: 1,
  submitted: 1,
  unknown: 1,
  connecting: 1,
  stopped: 2,
  succeeded: 2,
  cancelled: 2,
};

/** The group a row sorts into; 0 comes first. */
export function problemRank(row: Row): number {
  return RANK[cardStateOf(row.state, row.status)];
}

/** A new array in the chosen order; the input (the trait's order) is left alone. */
export function sortRows(rows: readonly Row[], mode: SortMode): Row[] {
  const byOrder = (a: Row, b: Row): number => a.order - b.order;
  if (mode === "submission") return [...rows].sort(byOrder);
  return [...rows].sort((a, b) => problemRank(a) - problemRank(b) || byOrder(a, b));
}

/** The <select>; `onChange` gets the new mode. */
export function buildSort(lifetime: Lifetime, onChange: (mode: SortMode) => void): HTMLLabelElement {
  const select = h("select", {
    className: "sutro-job-board__sort",
    testid: "board-sort",
    attrs: { "aria-label": "Sort jobs" },
  });
  for (const mode of Object.keys(SORT_LABELS) as SortMode[]) {
    select.append(h("option", { text: SORT_LABELS[mode], attrs: { value: mode } }));
  }
  select.value = "problems";
  lifetime.listen(select, "change", () => onChange(select.value === "submission" ? "submission" : "problems"));
  return h("label", { className: "sutro-job-board__sort-label" }, [select]);
}
