import { Widget } from "@lumino/widgets";
import type { Row } from "../board/model";
import { statusText } from "./status-text";

/** The status-bar item (see status-text.ts); a click, Enter or Space opens the panel. */

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
