import type { Row } from "../board/model";
import { formatCount } from "../format";
import { cardStateOf } from "../states";

/**
 * What the status-bar item says: "Sutro: 2 running · 1 failed" (the account's
 * jobs the panel shows), or "Sutro" when nothing runs or failed.
 */
export function statusText(rows: readonly Row[]): string {
  let running = 0;
  let failed = 0;
  for (const row of rows) {
    const state = cardStateOf(row.state, row.status);
    if (state === "running") running += 1;
    else if (state === "failed") failed += 1;
  }
  const parts = [];
  if (running > 0) parts.push(`${formatCount(running)} running`);
  if (failed > 0) parts.push(`${formatCount(failed)} failed`);
  return parts.length === 0 ? "Sutro" : `Sutro: ${parts.join(" \u00B7 ")}`;
}
