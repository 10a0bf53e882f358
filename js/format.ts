/**
 * Formatting for the card's text: times, counts, money and rates. Kept pure
 * (now is passed in, no locale lookups) so it is tested without timers and
 * reads the same in every browser and in the tests.
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
 * "checked 3s ago" for the last successful answer, or "not checked yet" while
 * it is 0. A timestamp slightly in the future (kernel clock ahead of the
 * browser's) clamps to "0s ago" instead of going negative.
 */
export function formatCheckedAgo(lastCheckedAt: number, now: number): string {
  if (lastCheckedAt <= 0) return "not checked yet";
  return `checked ${formatDuration(now - lastCheckedAt)} ago`;
}

/** Clamps bad input (negative, NaN, Infinity) to 0: formatters never print "NaN" or "-3". */
function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * An integer with thousands separators: `2,000`. Written out rather than
 * toLocaleString so every browser (and the snapshot tests) prints the same.
 */
export function formatCount(n: number): string {
  return String(Math.round(nonNegative(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const COMPACT_UNITS = ["", "k", "M", "B", "T"] as const;

/** One decimal below 10 (`1.2`), whole numbers above (`12`, `340`): short and steady. */
function roundCompact(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

/**
 * A compact amount: `950`, `1.2k`, `340k`, `1.2M`. A value that would round to
 * 1000 of one unit moves up (`999,999` is `1M`, not `1000k`).
 */
export function formatCompact(n: number): string {
  let value = nonNegative(n);
  let unit = 0;
  while (unit < COMPACT_UNITS.length - 1 && roundCompact(value) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  return `${roundCompact(value)}${COMPACT_UNITS[unit] ?? ""}`;
}

/** `1 row`, `2,000 rows`. */
export function formatRows(n: number): string {
  return `${formatCount(n)} ${Math.round(nonNegative(n)) === 1 ? "row" : "rows"}`;
}

/**
 * US dollars: `$1,234.50` with cents from $1 up; below $1, a third decimal
 * when it says something (`$0.084`, `$0.08`), since batch jobs often cost
 * cents. Above zero but under a tenth of a cent shows as `<$0.001`, so a tiny
 * job never reads as free.
 */
export function formatMoney(usd: number): string {
  const value = nonNegative(usd);
  if (value > 0 && value < 0.0005) return "<$0.001";
  const mills = Math.round(value * 1000);
  if (mills < 1000) {
    const fraction = String(mills).padStart(3, "0");
    return `$0.${fraction.endsWith("0") ? fraction.slice(0, 2) : fraction}`;
  }
  const cents = Math.round(value * 100);
  return `$${formatCount(Math.floor(cents / 100))}.${pad2(cents % 100)}`;
}

/** `in 1.2M / out 340k tokens`, or just the side that is known; null when neither is. */
export function formatTokens(input: number | null, output: number | null): string | null {
  // Zero tokens before the job has run says nothing worth the space.
  const sides: string[] = [];
  if (input !== null && input > 0) sides.push(`in ${formatCompact(input)}`);
  if (output !== null && output > 0) sides.push(`out ${formatCompact(output)}`);
  return sides.length === 0 ? null : `${sides.join(" / ")} tokens`;
}

/**
 * A rate's number: one decimal below 100 (`10.7`, `3`), compact above
 * (`340`, `1.2k`), like tqdm's `10.70row/s` but steadier.
 */
export function formatRateNumber(perSecond: number): string {
  const value = nonNegative(perSecond);
  return value < 99.95 ? String(Math.round(value * 10) / 10) : formatCompact(value);
}

/** Token throughput: `1.2k tok/s`, `3.4 tok/s`. */
export function formatRate(tokensPerSecond: number): string {
  return `${formatRateNumber(tokensPerSecond)} tok/s`;
}

/** Row throughput: `10.7 rows/s`, `1.2k rows/s`. */
export function formatRowRate(rowsPerSecond: number): string {
  return `${formatRateNumber(rowsPerSecond)} rows/s`;
}

/** A tqdm-style clock: `01:01`, `59:59`, `1:02:03`. */
export function formatClock(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const hours = Math.floor(total / 3600);
  const rest = `${pad2(Math.floor((total % 3600) / 60))}:${pad2(total % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

/**
 * How long ago, coarse, for a sentence: `just now`, `40 s ago`, `2 min ago`,
 * `3 h ago`. Used where a ticking second would only distract.
 */
export function formatAgo(ms: number): string {
  const seconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

/** The local time of day, `14:03`, for "finished 14:03". */
export function formatTimeOfDay(ms: number): string {
  const date = new Date(ms);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/**
 * Time left: `about 1m 20s left`. "about" because it is the server's estimate;
 * under a second it says "almost done" rather than "about 0s left".
 */
export function formatEta(seconds: number): string {
  const value = nonNegative(seconds);
  return value < 1 ? "almost done" : `about ${formatDuration(value * 1000)} left`;
}

/**
 * An ISO-8601 timestamp in the reader's local time for tooltips, or null when
 * it does not parse (a server string is never shown as a date it is not).
 */
export function formatWhen(iso: string): string | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toLocaleString() : null;
}
