import { Widget } from "@lumino/widgets";
import type { Row } from "../board/model";
import { formatCount } from "../format";
import { cardStateOf } from "../states";

/**
 * The status-bar item: "2 running · 1 failed" (the account's jobs the panel
 * shows), or "Sutro" when nothing runs or failed. A click, Enter or Space opens
 * the panel.
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

export class SutroStatus extends Widget {
  constructor(open: () => void) {
    super();
    this.addClass("sutro-jobs-status");
    this.node.dataset.testid = "sutro-status";
    this.node.setAttribute("role", "button");
    this.node.tabIndex = 0;
    this.node.title = "Show the Sutro jobs panel";
    this.node.textContent = "Sutro";
    this.node.addEventListener("click", open);
    this.node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open();
      }
    });
  }

  paint(rows: readonly Row[]): void {
    const text = statusText(rows);
    if (this.node.textContent !== text) this.node.textContent = text;
  }
}
