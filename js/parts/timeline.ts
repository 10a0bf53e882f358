import { h, setHidden, setText } from "../dom";
import { formatDuration } from "../format";
import { clockEnd, epochMs } from "../jobtime";
import type { HistoryEntry } from "../model";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isFinal, lookFor } from "../states";

/**
 * The phase timeline: how long the job spent in each status, as a thin
 * labelled strip under the progress bar, so the two are never confused (the
 * bar is rows done; the strip is time). Widths are true to durations; a phase
 * under a second is a tick, never a share; a final status is a short cap.
 * The open phase grows with the browser clock only while the state is live:
 * it freezes at stopped_at (stopped), last_checked_at (stale, unreachable) or finished_at.
 *
 * Reads: history, details, state, status, finished_at, last_checked_at, stopped_at (and the clock).
 */

export interface Phase {
  status: string;
  /** Time spent in the phase; null for a final status that ends the strip. */
  ms: number | null;
}

/**
 * One phase per transition, oldest first. A phase lasts until the next
 * transition; the last one, unless it is final, lasts until `end` (the browser
 * clock, or finished_at once a final status was seen). A final status as the
 * last entry ends the strip and has no duration. Repeated statuses in a row
 * are one phase, and out-of-order times clamp to 0 rather than going negative.
 */
export function phasesOf(history: HistoryEntry[], end: number): Phase[] {
  const merged: HistoryEntry[] = [];
  for (const entry of history) {
    if (merged[merged.length - 1]?.status !== entry.status) merged.push(entry);
  }
  return merged.map((entry, index) => {
    const next = merged[index + 1];
    if (next !== undefined) return { status: entry.status, ms: Math.max(0, next.at - entry.at) };
    if (isFinal(entry.status)) return { status: entry.status, ms: null };
    return { status: entry.status, ms: Math.max(0, end - entry.at) };
  });
}

/** Phases a job goes through before it runs: the server's start time ends them. */
const BEFORE_RUNNING = new Set(["pending", "submitted", "queued", "starting"]);

/**
 * The observed history, completed with the server's own timestamps (from the
 * `details` trait) for the part this card did not see: a card opened on a job
 * that has run for an hour still shows how long it queued and how long it has
 * run. `datetime_created` starts the first phase; when the card first saw the
 * job already running, a `queued` phase is put before it, ending at
 * `datetime_started`. Times that make no sense (missing, unparseable, or not
 * before what was observed) are ignored.
 */
export function withServerTimes(
  history: HistoryEntry[],
  details: Record<string, unknown>,
): HistoryEntry[] {
  const first = history[0];
  const created = epochMs(details.datetime_created);
  if (first === undefined || created === null || created >= first.at) return history;
  const rest = history.slice(1);
  if (BEFORE_RUNNING.has(first.status)) return [{ status: first.status, at: created }, ...rest];
  const started = epochMs(details.datetime_started);
  const runningFrom =
    first.status === "running" && started !== null && started >= created && started < first.at
      ? started
      : first.at;
  return [{ status: "queued", at: created }, { status: first.status, at: runningFrom }, ...rest];
}

/**
 * `queued 12s`, or just `succeeded` for the final status, one per phase. The
 * seconds are rounded where the phases meet, not one by one, so the labels
 * add up to the whole span ("1s + 2s + 4s" beside "took 7s", never "1s + 1s +
 * 4s"): each label is the whole seconds reached at its end minus those
 * reached at its start.
 */
export function phaseLabels(phases: Phase[]): string[] {
  let elapsed = 0;
  return phases.map((phase) => {
    if (phase.ms === null) return phase.status;
    const before = Math.floor(elapsed / 1000);
    elapsed += phase.ms;
    return `${phase.status} ${formatDuration((Math.floor(elapsed / 1000) - before) * 1000)}`;
  });
}

/** `queued 12s → starting 5s → running 3m 02s → succeeded`. */
export function timelineText(phases: Phase[]): string {
  return phaseLabels(phases).join(" \u2192 ");
}

/** Phases shorter than this are drawn as a tick: a share of 0 s would only mislead. */
export const TICK_MS = 1000;

/** How a phase is drawn: a tick, a final cap, or a share of the strip's width. */
export function segmentKind(phase: Phase): "tick" | "final" | "share" {
  if (phase.ms === null) return "final";
  return phase.ms < TICK_MS ? "tick" : "share";
}

/** Each segment's flex-grow: its share of the time spent in shared phases (ticks and the cap get 0). */
export function segmentShares(phases: Phase[]): number[] {
  const total = phases.reduce((sum, phase) => sum + (segmentKind(phase) === "share" ? (phase.ms ?? 0) : 0), 0);
  return phases.map((phase) => (segmentKind(phase) === "share" && total > 0 ? (phase.ms ?? 0) / total : 0));
}

function segmentNode(): HTMLSpanElement {
  return h("span", { className: "sutro-job-card__segment", testid: "timeline-segment" }, [
    h("span", { className: "sutro-job-card__segment-bar" }),
    h("span", { className: "sutro-job-card__segment-label" }),
  ]);
}

/** Fits the strip's segments to the phases; segments are reused, so a tick only edits numbers. */
function paintStrip(strip: HTMLElement, phases: Phase[]): void {
  while (strip.children.length > phases.length) strip.lastElementChild?.remove();
  while (strip.children.length < phases.length) strip.append(segmentNode());
  const shares = segmentShares(phases);
  const labels = phaseLabels(phases);
  phases.forEach((phase, index) => {
    const segment = strip.children[index] as HTMLElement;
    const kind = segmentKind(phase);
    if (segment.dataset.status !== phase.status) segment.dataset.status = phase.status;
    segment.dataset.tone = lookFor(phase.status).tone;
    segment.dataset.kind = kind;
    segment.dataset.final = String(kind === "final");
    segment.style.flexGrow = String(shares[index] ?? 0);
    const label = labels[index] ?? phase.status;
    if (segment.title !== label) segment.title = label;
    const labelNode = segment.lastElementChild;
    if (labelNode) setText(labelNode, kind === "tick" ? "" : label);
  });
}

export interface Timeline {
  root: HTMLDivElement;
  part: Part;
}

/** Builds the hidden strip and its text (the text is for screen readers: the strip is labelled already). */
export function buildTimeline(ctx: PartContext): Timeline {
  const strip = h("div", { className: "sutro-job-card__timeline-strip" });
  const text = h("div", {
    className: "sutro-job-card__timeline-text sutro-job-card__sr-only",
    testid: "timeline-text",
  });
  // It ticks every second: aria-live="off" keeps each tick from being announced.
  const root = h(
    "div",
    { className: "sutro-job-card__timeline", testid: "timeline", attrs: { "aria-live": "off" } },
    [
      h("span", { className: "sutro-job-card__timeline-label", text: "phases", attrs: { "aria-hidden": "true" } }),
      h("div", { className: "sutro-job-card__timeline-body", attrs: { "aria-hidden": "true" } }, [strip]),
      text,
    ],
  );
  root.hidden = true;

  const reads = ["history", "details", "state", "status", "finished_at", "last_checked_at", "stopped_at"] as const;
  const part = definePart(ctx, "timeline", reads, (t, now) => {
    const state = cardStateOf(t.state, t.status);
    const end = clockEnd(state, t, now);
    const phases = phasesOf(withServerTimes(t.history, t.details), end);
    root.dataset.frozen = String(!lookFor(state).live);
    setHidden(root, phases.length < 2);
    if (phases.length < 2) return;
    paintStrip(strip, phases);
    setText(text, timelineText(phases));
  }, { ticks: true });

  return { root, part };
}
