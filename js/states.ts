/**
 * How each card state looks (the `state` trait, decided by Python's reducer;
 * /work/notes/contract.md). A state is told by icon AND word, and only then by
 * colour, so this table is the single place that keeps them distinct. A Python
 * test parses LOOKS: keep one entry per line and icons as \u escapes.
 */

/** The server's canonical statuses (the `status` trait, and each history entry). */
export const SERVER_STATUSES = [
  "pending",
  "submitted",
  "queued",
  "starting",
  "running",
  "cancelling",
  "succeeded",
  "failed",
  "cancelled",
  "unknown",
] as const;

/** Every card state: what the card knows about following the job, then the server's statuses. */
export const CARD_STATES = [
  "connecting",
  "not-found",
  "unauthorized",
  "unreachable",
  "stale",
  "stopped",
  "unfollowed",
  ...SERVER_STATUSES,
] as const;

export type ServerStatus = (typeof SERVER_STATUSES)[number];
export type CardState = (typeof CARD_STATES)[number];

/** Colour family; CSS maps each tone to a colour that keeps contrast in light and dark themes. */
export type Tone = "success" | "failure" | "warning" | "active" | "waiting";

export interface StateLook {
  /** A plain Unicode text glyph (no emoji font needed; U+FE0E asks for text presentation). */
  icon: string;
  /** Capitalised word shown to the user. */
  word: string;
  tone: Tone;
  /** The numbers shown (rate, ETA, progress) are current; else they are dimmed and frozen. */
  live: boolean;
  /** The job can no longer change. */
  final: boolean;
}

const LOOKS: Record<CardState, StateLook> = {
  connecting: { icon: "\u25CC", word: "Connecting", tone: "waiting", live: true, final: false },
  "not-found": { icon: "\u2205", word: "Not found", tone: "failure", live: false, final: false },
  unauthorized: { icon: "\u26A0\uFE0E", word: "Key refused", tone: "failure", live: false, final: false },
  unreachable: { icon: "\u2297", word: "Unreachable", tone: "failure", live: false, final: false },
  stale: { icon: "\u25F7", word: "Contact lost", tone: "warning", live: false, final: false },
  stopped: { icon: "\u25A0", word: "Stopped", tone: "waiting", live: false, final: false },
  unfollowed: { icon: "\u2016", word: "Not followed", tone: "warning", live: false, final: false },
  pending: { icon: "\u25CB", word: "Pending", tone: "waiting", live: true, final: false },
  submitted: { icon: "\u2191", word: "Submitted", tone: "waiting", live: true, final: false },
  queued: { icon: "\u22EF", word: "Queued", tone: "waiting", live: true, final: false },
  starting: { icon: "\u25D4", word: "Starting", tone: "active", live: true, final: false },
  running: { icon: "\u25B6\uFE0E", word: "Running", tone: "active", live: true, final: false },
  cancelling: { icon: "\u2296", word: "Cancelling", tone: "warning", live: true, final: false },
  succeeded: { icon: "\u2713", word: "Succeeded", tone: "success", live: false, final: true },
  failed: { icon: "\u2715", word: "Failed", tone: "failure", live: false, final: true },
  cancelled: { icon: "\u2298", word: "Cancelled", tone: "warning", live: false, final: true },
  unknown: { icon: "?", word: "Unknown", tone: "waiting", live: true, final: false },
};

/** Narrows a trait value to a card state. */
export function isCardState(value: string): value is CardState {
  return (CARD_STATES as readonly string[]).includes(value);
}

/** Narrows a trait value to a canonical server status. */
export function isServerStatus(value: string): value is ServerStatus {
  return (SERVER_STATUSES as readonly string[]).includes(value);
}

/**
 * The state to draw. `state` is the truth; before the first sync (or from a
 * Python that does not send it yet) it is "", and then the server's status
 * stands in, else "connecting". A state word this table does not know (a
 * newer Python) degrades to `unknown` instead of breaking the card.
 */
export function cardStateOf(state: string, status: string): CardState {
  if (isCardState(state)) return state;
  if (state !== "") return "unknown";
  return isServerStatus(status) ? status : "connecting";
}

/** The look of a state; anything not in the table looks like `unknown`. */
export function lookFor(state: string): StateLook {
  return isCardState(state) ? LOOKS[state] : LOOKS.unknown;
}

/**
 * The word to show. For `unknown` the server's own word is the only useful
 * fact, so it is appended verbatim ("Unknown: PAUSED") unless it adds nothing.
 */
export function stateWord(state: string, rawStatus: string): string {
  const look = lookFor(state);
  if (look !== LOOKS.unknown) return look.word;
  const said = rawStatus !== "" ? rawStatus : state;
  return said === "" || said.toLowerCase() === "unknown" ? look.word : `${look.word}: ${said}`;
}

/** Whether a state (or status) is final: succeeded, failed, cancelled. */
export function isFinal(state: string): boolean {
  return lookFor(state).final;
}

/** Whether a state's numbers are current (see StateLook.live). */
export function isLive(state: string): boolean {
  return lookFor(state).live;
}

/** States in which the server is following a job that still runs: Refresh and Cancel make sense. */
export function isActive(state: string): boolean {
  return isServerStatus(state) && !isFinal(state);
}
