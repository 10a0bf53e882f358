import type { HistoryEntry } from "./model";
import { isFinal, isLive } from "./states";

/**
 * The job's own times, from the server's timestamps first and what this card
 * saw second. Pure (the clock is passed in), shared by the clock, the
 * timeline and the compact line so the three never disagree.
 */

/** An ISO-8601 server timestamp as epoch ms; null when absent or unparseable. */
export function epochMs(value: unknown): number | null {
  if (typeof value !== "string" || value === "") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** A positive epoch-ms trait, or null for the contract's 0 ("not yet"). */
function positive(ms: number): number | null {
  return ms > 0 ? ms : null;
}

/**
 * When the job started: the server's `datetime_started`, else its
 * `datetime_created`, else the first transition this card saw.
 */
export function jobStartMs(details: Record<string, unknown>, history: HistoryEntry[]): number | null {
  return epochMs(details["datetime_started"]) ?? epochMs(details["datetime_created"]) ?? history[0]?.at ?? null;
}

/** When the job was submitted: `datetime_created`, else when it started, else the first transition seen. */
export function jobCreatedMs(details: Record<string, unknown>, history: HistoryEntry[]): number | null {
  return epochMs(details["datetime_created"]) ?? jobStartMs(details, history);
}

/** When a final job finished: the server's `datetime_completed`, else when the card saw it. */
export function jobFinishMs(details: Record<string, unknown>, finishedAt: number): number | null {
  return epochMs(details["datetime_completed"]) ?? positive(finishedAt);
}

export interface Stops {
  finished_at: number;
  last_checked_at: number;
  /** Where a stopped (or unfollowed) card's clock stands (absent or 0: at the last answer). */
  stopped_at?: number;
  history: HistoryEntry[];
}

/**
 * Where the card's clock stops, or null while the state is live and time
 * runs with the browser clock. A final job stops where the card saw it
 * finish; a stopped card where the user stopped it (Python says where);
 * stale, unreachable (any other state that is not live) stop at the last
 * good answer, so nothing keeps counting on facts that are old.
 */
export function frozenAt(state: string, stops: Stops): number | null {
  if (isLive(state)) return null;
  const lastSeen = stops.history[stops.history.length - 1]?.at ?? null;
  const lastChecked = positive(stops.last_checked_at);
  if (isFinal(state)) return positive(stops.finished_at) ?? lastChecked ?? lastSeen;
  if (state === "stopped" || state === "unfollowed") {
    return positive(stops.stopped_at ?? 0) ?? lastChecked ?? lastSeen;
  }
  return lastChecked ?? lastSeen;
}

/** The moment the card's times are measured to: frozen, or now. */
export function clockEnd(state: string, stops: Stops, now: number): number {
  return frozenAt(state, stops) ?? now;
}
