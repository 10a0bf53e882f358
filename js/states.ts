/**
 * How each canonical status looks. Status is told by icon AND word (and only
 * then by colour), so the table is the single place that keeps them distinct.
 */

export const CANONICAL_STATUSES = [
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

export type CanonicalStatus = (typeof CANONICAL_STATUSES)[number];

/** Colour family; CSS maps each tone to a colour that keeps contrast in light and dark themes. */
export type Tone = "success" | "failure" | "warning" | "active" | "waiting";

export interface StatusLook {
  /** A plain Unicode text glyph (no emoji font needed). */
  icon: string;
  /** Capitalised status word shown to the user. */
  word: string;
  tone: Tone;
  /** True once the job can no longer change: polling has nothing left to learn. */
  final: boolean;
}

// U+FE0E asks for the text (not emoji) presentation of ▶ on every platform.
const LOOKS: Record<CanonicalStatus, StatusLook> = {
  pending: { icon: "\u25CB", word: "Pending", tone: "waiting", final: false }, // ○
  submitted: { icon: "\u2191", word: "Submitted", tone: "waiting", final: false }, // ↑
  queued: { icon: "\u22EF", word: "Queued", tone: "waiting", final: false }, // ⋯
  starting: { icon: "\u25D4", word: "Starting", tone: "active", final: false }, // ◔
  running: { icon: "\u25B6\uFE0E", word: "Running", tone: "active", final: false }, // ▶
  cancelling: { icon: "\u2296", word: "Cancelling", tone: "warning", final: false }, // ⊖
  succeeded: { icon: "\u2713", word: "Succeeded", tone: "success", final: true }, // ✓
  failed: { icon: "\u2715", word: "Failed", tone: "failure", final: true }, // ✕
  cancelled: { icon: "\u2298", word: "Cancelled", tone: "warning", final: true }, // ⊘
  unknown: { icon: "?", word: "Unknown", tone: "waiting", final: false },
};

/** Narrows a trait value to a canonical status, so a newer Python sending a new word degrades to "unknown". */
export function isCanonicalStatus(status: string): status is CanonicalStatus {
  return (CANONICAL_STATUSES as readonly string[]).includes(status);
}

/** The look of a status; anything not canonical looks like `unknown` instead of breaking the card. */
export function lookFor(status: string): StatusLook {
  return isCanonicalStatus(status) ? LOOKS[status] : LOOKS.unknown;
}

/**
 * The word to show. For `unknown`, the server's own word is the only useful
 * fact, so it is appended verbatim ("Unknown: PAUSED") unless it adds nothing.
 */
export function statusWord(status: string, rawStatus: string): string {
  const look = lookFor(status);
  if (look !== LOOKS.unknown) return look.word;
  const said = rawStatus !== "" ? rawStatus : status;
  return said === "" || said.toLowerCase() === "unknown" ? look.word : `${look.word}: ${said}`;
}

/** Whether a status is final (succeeded, failed, cancelled): Resume is pointless then. */
export function isFinal(status: string): boolean {
  return lookFor(status).final;
}
