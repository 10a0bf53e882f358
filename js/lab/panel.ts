import { Widget } from "@lumino/widgets";
import { createRow, type RowOptions, type RowView } from "../board/row";
import type { Row } from "../board/model";
import { startBoard } from "../board/view";
import { h } from "../dom";
import { Lifetime } from "../lifetime";
import type { Pins } from "./pins";
import type { ServerBoard } from "./server-board";

/** The sidebar's id: the status bar item and the notifications open it by this. */
export const PANEL_ID = "sutro-jobs";

/**
 * The left-sidebar "Sutro jobs" panel: a filter box over the board of the
 * account's newest jobs (js/board/, drawn from the server's model). Each row
 * gets a pin (a watched job: its end is announced) beside its fold; unfolding a
 * row shows the full card. Showing a job scrolls to its row and unfolds it.
 */
export class SutroPanel extends Widget {
  private readonly lifetime = new Lifetime();

  constructor(
    private readonly board: ServerBoard,
    private readonly pins: Pins,
  ) {
    super();
    this.id = PANEL_ID;
    this.addClass("sutro-jobs-panel");
    this.title.caption = "Sutro jobs";
    const filter = h("input", {
      className: "sutro-jobs-panel__filter",
      testid: "panel-filter",
      attrs: { type: "search", placeholder: "Filter by name, id or state", "aria-label": "Filter the Sutro jobs" },
    });
    this.lifetime.listen(filter, "input", () => board.setFilter(filter.value));
    const factory = (row: Row, options: RowOptions, now: number): RowView => this.pinned(createRow(row, options, now));
    this.node.append(filter, startBoard(board, this.lifetime, factory));
  }

  /** Scroll to `jobId`'s row and unfold it (a notification's "Show"). */
  showJob(jobId: string): void {
    const row = this.node.querySelector<HTMLElement>(`[data-testid="board-row"][data-job-id="${CSS.escape(jobId)}"]`);
    if (row === null) return;
    row.scrollIntoView({ block: "center" });
    if (row.dataset.expanded !== "true") row.querySelector<HTMLButtonElement>('[data-testid="row-fold"]')?.click();
    row.querySelector<HTMLButtonElement>('[data-testid="row-fold"]')?.focus();
  }

  override dispose(): void {
    this.lifetime.dispose();
    super.dispose();
  }

  private pinned(view: RowView): RowView {
    const pin = h("button", { className: "sutro-job-board__pin", testid: "row-pin", attrs: { type: "button" } });
    const paint = (on: boolean): void => {
      pin.textContent = on ? "\u2605" : "\u2606";
      pin.setAttribute("aria-pressed", String(on));
      const label = on ? "Stop watching this job" : "Watch this job: announce its end";
      pin.setAttribute("aria-label", label);
      pin.title = label;
    };
    paint(this.pins.has(view.jobId));
    pin.addEventListener("click", () => paint(this.pins.toggle(view.jobId)));
    view.root.querySelector(".sutro-job-board__line")?.append(pin);
    return view;
  }
}
