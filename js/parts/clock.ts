import { h, setHidden, setText } from "../dom";
import { formatCheckedAgo, formatDuration, formatTimeOfDay } from "../format";
import { clockEnd, jobCreatedMs, jobFinishMs, jobStartMs } from "../jobtime";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isFinal, isLive } from "../states";

/**
 * The job's own times on the meta line: "elapsed 3m 12s" since the job
 * started (frozen once the state is not live), "finished 14:03 · took 3m 12s"
 * on a final card, and "checked 3s ago" only while the card is polling a live
 * state (a final or frozen card does not tick). Time left and rates are in
 * the progress line.
 *
 * Reads: details, history, state, status, polling, finished_at, last_checked_at, stopped_at (and the clock).
 */

export interface ClockView {
  /** "3m 12s", or null to hide elapsed. */
  elapsed: string | null;
  /** "finished 14:03 · took 3m 12s", or null. */
  finished: string | null;
  /** "checked 3s ago", or null to hide it. */
  checked: string | null;
}

export interface ClockInput {
  state: string;
  details: Record<string, unknown>;
  history: Array<{ status: string; at: number }>;
  polling: boolean;
  finished_at: number;
  last_checked_at: number;
  stopped_at: number;
}

/** What the clock shows at `now`. */
export function clockView(t: ClockInput, now: number): ClockView {
  const start = jobStartMs(t.details, t.history);
  const checked = t.polling && isLive(t.state) ? formatCheckedAgo(t.last_checked_at, now) : null;
  if (isFinal(t.state)) {
    const finish = jobFinishMs(t.details, t.finished_at);
    if (finish === null) return { elapsed: null, finished: null, checked: null };
    // "took" spans the whole job, queue included, like the phase strip beside it.
    const created = jobCreatedMs(t.details, t.history);
    const took = created === null ? "" : ` \u00B7 took ${formatDuration(finish - created)}`;
    return { elapsed: null, finished: `finished ${formatTimeOfDay(finish)}${took}`, checked: null };
  }
  const elapsed = start === null ? null : formatDuration(clockEnd(t.state, t, now) - start);
  return { elapsed, finished: null, checked };
}

export interface Clock {
  items: HTMLElement[];
  part: Part;
}

/** Builds the elapsed, finished and checked-ago items of the meta line. */
export function buildClock(ctx: PartContext): Clock {
  const elapsed = h("span", { className: "sutro-job-card__elapsed sutro-job-card__live", testid: "elapsed" });
  const elapsedGroup = h(
    "span",
    { className: "sutro-job-card__meta-item", attrs: { title: "Time since the job started, by the server's clock" } },
    [h("span", { className: "sutro-job-card__muted", text: "elapsed" }), document.createTextNode(" "), elapsed],
  );
  const finished = h("span", { className: "sutro-job-card__meta-item", testid: "finished" });
  const checked = h("span", {
    className: "sutro-job-card__meta-item",
    testid: "checked-ago",
    attrs: { title: "When the Sutro API last answered" },
  });
  for (const node of [elapsedGroup, finished, checked]) node.hidden = true;

  const reads = ["details", "history", "state", "status", "polling", "finished_at", "last_checked_at", "stopped_at"] as const;
  const part = definePart(ctx, "clock", reads, (t, now) => {
    const view = clockView({ ...t, state: cardStateOf(t.state, t.status) }, now);
    setText(elapsed, view.elapsed ?? "");
    setHidden(elapsedGroup, view.elapsed === null);
    setText(finished, view.finished ?? "");
    setHidden(finished, view.finished === null);
    setText(checked, view.checked ?? "");
    setHidden(checked, view.checked === null);
  }, { ticks: true });

  return { items: [elapsedGroup, finished, checked], part };
}
