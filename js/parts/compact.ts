import { h, setHidden, setText } from "../dom";
import { formatClock, formatRateNumber } from "../format";
import { clockEnd, jobFinishMs, jobStartMs } from "../jobtime";
import { textField } from "../model";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isFinal } from "../states";
import { failureReason, failureReasonText } from "./failure";
import { barNodes, countsOf, paintBar, ratesOf, type Counts } from "./progress";

/**
 * The folded card's one line, tqdm-dense: name or id, then
 * `34% [bar] 673/2000 [01:01<02:04, 10.7 rows/s]` when progress is known, and
 * a failed job's reason (CSS truncates it with an ellipsis). Shown only while
 * the view is folded; the headline's icon and word begin the same line.
 *
 * Reads: job_id, details, progress, metadata, history, state, status,
 * finished_at, last_checked_at, stopped_at (and the clock).
 */

/** `673/2000 [01:01<02:04, 10.7 rows/s]`; pieces that are unknown are left out or shown as `?`. */
export function tqdmText(
  counts: Counts | null,
  rates: { rows: number | null; tokens: number | null; eta: number | null },
  elapsedMs: number | null,
): string {
  const pieces: string[] = [];
  if (counts !== null) {
    const done = String(Math.round(counts.done));
    pieces.push(counts.total === null ? done : `${done}/${Math.round(counts.total)}`);
  }
  const moving = counts !== null && counts.showRates;
  if (elapsedMs === null && !moving) return pieces.join(" ");
  let bracket = elapsedMs === null ? "?" : formatClock(elapsedMs);
  if (moving) {
    bracket += `<${rates.eta === null ? "?" : formatClock(rates.eta * 1000)}`;
    if (rates.rows !== null) bracket += `, ${formatRateNumber(rates.rows)} rows/s`;
    else if (rates.tokens !== null) bracket += `, ${formatRateNumber(rates.tokens)} tok/s`;
  }
  pieces.push(`[${bracket}]`);
  return pieces.join(" ");
}

/** The job's elapsed time for the line: start to finish on a final card, else to the (frozen) clock. */
function elapsedOf(
  state: string,
  t: { details: Record<string, unknown>; history: Array<{ status: string; at: number }>; finished_at: number; last_checked_at: number; stopped_at: number },
  now: number,
): number | null {
  const start = jobStartMs(t.details, t.history);
  if (start === null) return null;
  const end = isFinal(state) ? (jobFinishMs(t.details, t.finished_at) ?? clockEnd(state, t, now)) : clockEnd(state, t, now);
  return Math.max(0, end - start);
}

/** The longest failure reason put on the line; CSS cuts it to the width anyway. */
const REASON_CAP = 300;

function compactNodes() {
  const name = h("span", { className: "sutro-job-card__compact-name", testid: "compact-name" });
  const percent = h("span", { className: "sutro-job-card__compact-percent sutro-job-card__live", testid: "compact-percent" });
  const { bar, fill } = barNodes("sutro-job-card__compact-bar", "compact-bar");
  const text = h("span", { className: "sutro-job-card__compact-progress sutro-job-card__live", testid: "compact-progress" });
  const reason = h("span", { className: "sutro-job-card__compact-reason", testid: "compact-reason" });
  const line = h("span", { className: "sutro-job-card__compact", testid: "compact-line", attrs: { "aria-live": "off" } }, [
    name,
    percent,
    bar,
    text,
    reason,
  ]);
  return { line, name, percent, bar, fill, text, reason };
}

/** What the one line says: the pieces a painter puts in its nodes (the card's, or a board row's). */
export interface CompactView {
  /** Counts for the small bar; null hides it. */
  counts: Counts | null;
  /** `33%`, or "" when the total is unknown. */
  percent: string;
  /** The tqdm text, `673/2000 [01:01<02:04, 10.7 rows/s]`, or "". */
  text: string;
}

/**
 * The line's progress pieces, pure: from a progress record (the `progress`
 * trait's keys: rows_done, rows_total, rates, eta_seconds), the card state and
 * the elapsed time the caller measured. The card and the board's rows both
 * call it, so the two lines never format differently.
 */
export function compactView(
  progress: Record<string, unknown>,
  state: string,
  elapsedMs: number | null,
): CompactView {
  const counts = countsOf(progress, state);
  const percent = counts?.percent == null ? "" : `${counts.percent}%`;
  return { counts, percent, text: tqdmText(counts, ratesOf(progress), elapsedMs) };
}

/** A failure reason cut for a one-line display. */
export function lineReason(text: string): string {
  return text.slice(0, REASON_CAP);
}

/** The progress nodes of a one-line form: percent, small bar, tqdm text. */
export interface CompactNodes {
  percent: HTMLElement;
  bar: HTMLElement;
  fill: HTMLElement;
  text: HTMLElement;
}

/** Puts a CompactView in its nodes (hiding what is unknown); shared with the board row. */
export function paintCompact(n: CompactNodes, view: CompactView): void {
  setText(n.percent, view.percent);
  setHidden(n.percent, view.percent === "");
  setHidden(n.bar, view.counts === null);
  if (view.counts !== null) paintBar(n.bar, n.fill, view.counts, view.text);
  setText(n.text, view.text);
  setHidden(n.text, view.text === "");
}

/** Builds the line (CSS shows it only while folded). */
export function buildCompact(ctx: PartContext): { line: HTMLSpanElement; part: Part } {
  const n = compactNodes();
  const reads = [
    "job_id", "details", "progress", "metadata", "history", "state", "status", "finished_at", "last_checked_at",
    "stopped_at",
  ] as const;
  const part = definePart(ctx, "compact", reads, (t, now) => {
    const state = cardStateOf(t.state, t.status);
    setText(n.name, textField(t.details, "name") ?? textField(t.details, "description") ?? t.job_id);
    paintCompact(n, compactView(t.progress, state, elapsedOf(state, t, now)));
    const reason = state === "failed" ? lineReason(failureReasonText(failureReason(t.metadata, t.details))) : "";
    setText(n.reason, reason);
    setHidden(n.reason, reason === "");
    n.reason.title = reason;
  }, { ticks: true });
  return { line: n.line, part };
}
