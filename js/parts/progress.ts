import { h, setHidden, setText } from "../dom";
import { formatCount, formatEta, formatRate, formatRowRate, formatRows, formatTokens } from "../format";
import { amountField } from "../model";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isFinal } from "../states";

/**
 * The one progress bar (rows_done / rows_total) and its line of text. The
 * numbers come from the server; the bar's width is computed here from them,
 * so no server string ever reaches a style. The bar and text carry the
 * `__live` class: the card dims them while its state is not live.
 *
 * Reads: progress, state, status (stand-in before `state` syncs).
 */

/**
 * Whole percent done, floored so 99.9% never reads as finished; exactly 100
 * once rows_done reaches rows_total. Null without a usable total (absent or
 * 0: nothing to divide by), which the bar shows as indeterminate.
 */
export function percentDone(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** The counts to draw; null hides the progress. */
export interface Counts {
  done: number;
  /** Null when unknown: the bar is indeterminate. */
  total: number | null;
  percent: number | null;
  /** Rate and ETA describe a run in motion: none on a final card or while cancelling. */
  showRates: boolean;
}

/**
 * Rules, in order: `succeeded` is full at 100% (the last progress update may
 * lag the final status; the total is rows_total, else rows_done); otherwise
 * hidden until rows_done is a count; failed / cancelled keep their last counts.
 */
export function countsOf(progress: Record<string, unknown>, state: string): Counts | null {
  let done = amountField(progress, "rows_done");
  const sentTotal = amountField(progress, "rows_total");
  let total = sentTotal !== null && sentTotal > 0 ? sentTotal : null;
  const showRates = !isFinal(state) && state !== "cancelling";
  if (state === "succeeded") {
    total = total ?? done;
    if (total === null) return null;
    return { done: total, total, percent: 100, showRates };
  }
  if (done === null) return null;
  done = Math.max(0, done);
  return { done, total, percent: percentDone(done, total), showRates };
}

/** The positive rates and ETA the server sent, each null when unknown. */
export function ratesOf(progress: Record<string, unknown>): {
  rows: number | null;
  tokens: number | null;
  eta: number | null;
} {
  const positive = (key: string): number | null => {
    const value = amountField(progress, key);
    return value !== null && value > 0 ? value : null;
  };
  return { rows: positive("rows_per_second"), tokens: positive("tokens_per_second"), eta: amountField(progress, "eta_seconds") };
}

/** What the progress part shows; null hides it. */
export interface ProgressView extends Counts {
  text: string;
  /** Tooltip: tokens so far and where the numbers come from. */
  title: string;
  streaming: boolean;
}

const SEPARATOR = " \u00B7 "; // " · "

/** `1,234 / 2,000 rows · 61% · 10.7 rows/s · 1.2k tok/s · about 1m 20s left`, each piece when known. */
export function progressView(progress: Record<string, unknown>, state: string): ProgressView | null {
  const counts = countsOf(progress, state);
  if (counts === null) return null;
  const { done, total, percent, showRates } = counts;
  const pieces = [total === null ? formatRows(done) : `${formatCount(done)} / ${formatRows(total)}`];
  if (percent !== null) pieces.push(`${percent}%`);
  if (showRates) {
    const rates = ratesOf(progress);
    if (rates.rows !== null) pieces.push(formatRowRate(rates.rows));
    if (rates.tokens !== null) pieces.push(formatRate(rates.tokens));
    if (rates.eta !== null && percent !== 100) pieces.push(formatEta(rates.eta));
  }
  const streaming = progress["streaming"] === true && showRates;
  const titleLines: string[] = [];
  const tokens = formatTokens(amountField(progress, "input_tokens"), amountField(progress, "output_tokens"));
  if (tokens !== null) titleLines.push(`${tokens} so far`);
  if (!isFinal(state)) {
    titleLines.push(streaming ? "Live progress from Sutro" : "Progress as of the last status check");
  }
  return { ...counts, text: pieces.join(SEPARATOR), title: titleLines.join("\n"), streaming };
}

/** Sets a bar's fill and ARIA values; shared with the compact line's small bar. */
export function paintBar(bar: HTMLElement, fill: HTMLElement, counts: Counts, text: string): void {
  if (counts.percent === null || counts.total === null) {
    // Indeterminate: ARIA says leave out valuenow (and a max we do not know).
    bar.removeAttribute("aria-valuemax");
    bar.removeAttribute("aria-valuenow");
    bar.dataset.indeterminate = "true";
    fill.style.width = "";
  } else {
    bar.setAttribute("aria-valuemax", String(counts.total));
    bar.setAttribute("aria-valuenow", String(Math.min(counts.done, counts.total)));
    delete bar.dataset.indeterminate;
    fill.style.width = `${counts.percent}%`;
  }
  bar.setAttribute("aria-valuetext", text);
}

/** A progressbar element with its fill. */
export function barNodes(className: string, testid: string): { bar: HTMLDivElement; fill: HTMLDivElement } {
  const fill = h("div", { className: "sutro-job-card__progress-fill" });
  const bar = h(
    "div",
    {
      className: `${className} sutro-job-card__live`,
      testid,
      attrs: { role: "progressbar", "aria-valuemin": "0", "aria-label": "Rows processed" },
    },
    [fill],
  );
  return { bar, fill };
}

/** Builds the hidden bar and text. */
export function buildProgress(ctx: PartContext): { root: HTMLDivElement; part: Part } {
  const { bar, fill } = barNodes("sutro-job-card__progress-bar", "progress-bar");
  const text = h("div", {
    className: "sutro-job-card__progress-text sutro-job-card__live",
    testid: "progress-text",
  });
  // Progress can change every second while streaming; aria-live="off" keeps
  // screen readers from announcing each update inside the card's live region.
  const root = h(
    "div",
    { className: "sutro-job-card__progress", testid: "progress", attrs: { "aria-live": "off" } },
    [bar, text],
  );
  root.hidden = true;

  const part = definePart(ctx, "progress", ["progress", "state", "status"] as const, (t) => {
    const state = cardStateOf(t.state, t.status);
    const view = progressView(t.progress, state);
    setHidden(root, view === null);
    if (view === null) return;
    paintBar(bar, fill, view, view.text);
    root.dataset.final = String(isFinal(state));
    root.dataset.streaming = String(view.streaming);
    setText(text, view.text);
    if (root.title !== view.title) root.title = view.title;
  });
  return { root, part };
}
