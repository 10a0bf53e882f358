import { h, setHidden, setText } from "../dom";
import { formatDuration } from "../format";
import type { HistoryEntry } from "../model";
import { isFinal, lookFor } from "../states";

/**
 * The timeline strip: how long the job spent in each phase this card saw,
 * from the `history` trait. Told by text as well as by coloured segments, so
 * colour is never the only carrier.
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

function epochMs(value: unknown): number | null {
  if (typeof value !== "string" || value === "") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

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

/** `queued 12s`, or just `succeeded` for the final status. */
export function phaseLabel(phase: Phase): string {
  return phase.ms === null ? phase.status : `${phase.status} ${formatDuration(phase.ms)}`;
}

/** `queued 12s → starting 5s → running 3m 02s → succeeded`. */
export function timelineText(phases: Phase[]): string {
  return phases.map(phaseLabel).join(" \u2192 ");
}

export interface Timeline {
  root: HTMLDivElement;
  /** Repaints from the history; `end` is where an open last phase stops. */
  paint: (history: HistoryEntry[], end: number) => void;
}

/** Builds the hidden strip; segments are reused across ticks, so a tick only edits numbers. */
export function buildTimeline(): Timeline {
  // The strip repeats the text below it, so it is hidden from screen readers.
  const strip = h("div", {
    className: "sutro-job-card__timeline-strip",
    attrs: { "aria-hidden": "true" },
  });
  const text = h("div", { className: "sutro-job-card__timeline-text", testid: "timeline-text" });
  // It ticks every second: aria-live="off" keeps each tick from being announced.
  const root = h(
    "div",
    { className: "sutro-job-card__timeline", testid: "timeline", attrs: { "aria-live": "off" } },
    [strip, text],
  );
  root.hidden = true;

  const paint = (history: HistoryEntry[], end: number): void => {
    const phases = phasesOf(history, end);
    setHidden(root, phases.length < 2);
    if (phases.length < 2) return;
    const total = phases.reduce((sum, phase) => sum + (phase.ms ?? 0), 0);
    while (strip.children.length > phases.length) strip.lastElementChild?.remove();
    while (strip.children.length < phases.length) {
      strip.append(h("span", { className: "sutro-job-card__segment", testid: "timeline-segment" }));
    }
    phases.forEach((phase, index) => {
      const segment = strip.children[index] as HTMLElement;
      if (segment.dataset.status !== phase.status) segment.dataset.status = phase.status;
      segment.dataset.tone = lookFor(phase.status).tone;
      segment.dataset.final = String(phase.ms === null);
      // Share of the whole as a plain number; with no time yet, equal shares.
      const share = phase.ms === null ? 0 : total > 0 ? phase.ms / total : 1;
      segment.style.flexGrow = String(share);
      const label = phaseLabel(phase);
      if (segment.title !== label) segment.title = label;
    });
    setText(text, timelineText(phases));
  };

  return { root, paint };
}
