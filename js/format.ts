/**
 * Time formatting for the card's meta line. Kept pure (now is passed in) so it
 * is tested without timers and the browser clock is read in one place.
 */

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * Formats a duration as `45s`, `3m 07s` or `2h 05m`: two units at most, so the
 * text stays short and its width barely changes while it ticks. Negative or
 * non-finite input (clock skew between kernel and browser) shows as `0s`.
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${pad2(total % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}

/**
 * Time since the card began following the job. It stops at `finishedAt` once a
 * final status was seen, so a finished job's card does not keep counting.
 * Returns null while `startedAt` is 0 (Python has not started following yet).
 */
export function elapsedMs(startedAt: number, finishedAt: number, now: number): number | null {
  if (startedAt <= 0) return null;
  const end = finishedAt > 0 ? finishedAt : now;
  return Math.max(0, end - startedAt);
}

/**
 * "checked 3s ago" for the last successful answer, or "not checked yet" while
 * it is 0. A timestamp slightly in the future (kernel clock ahead of the
 * browser's) clamps to "0s ago" instead of going negative.
 */
export function formatCheckedAgo(lastCheckedAt: number, now: number): string {
  if (lastCheckedAt <= 0) return "not checked yet";
  return `checked ${formatDuration(now - lastCheckedAt)} ago`;
}

/**
 * What the meta line says instead of "checked … ago" once the state is stale:
 * the card must not present an old status as current while it reconnects.
 */
export function formatLastConfirmed(lastCheckedAt: number, now: number): string {
  if (lastCheckedAt <= 0) return "not confirmed yet, reconnecting\u2026";
  return `last confirmed ${formatDuration(now - lastCheckedAt)} ago, reconnecting\u2026`;
}
