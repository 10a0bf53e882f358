import { h, setHidden, setText } from "../dom";
import { formatCount, formatEta, formatRate, formatRows, formatTokens } from "../format";
import { amountField } from "../model";
import { isFinal } from "../states";

/**
 * The progress bar and its line of text, drawn from the `progress` trait and
 * the status. The numbers come from the server; the bar's width is computed
 * here from them, so no server string ever reaches a style.
 */

/**
 * Whole percent done, floored so 99.9% never reads as finished; exactly 100
 * once rows_done reaches rows_total. Null without a usable total (absent or
 * 0: nothing to divide by), which the bar shows as indeterminate.
 */
export function percentDone(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  // done / total is exactly 1 when they are equal, so the floor cannot land at 99.
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** What the progress part shows; null hides it. */
export interface ProgressView {
  done: number;
  /** Null when unknown: the bar is indeterminate. */
  total: number | null;
  percent: number | null;
  text: string;
  /** Tooltip: tokens so far and where the numbers come from. */
  title: string;
  /** The status is final, so rate and ETA are left out: they describe a run that is over. */
  final: boolean;
  streaming: boolean;
}

const SEPARATOR = " \u00B7 "; // " · "

/**
 * Decides what to show. Rules, in order:
 * - `succeeded`: full, at 100%, because the last progress update may lag the
 *   final status. The total is rows_total, else rows_done (all that was done
 *   is all there was); hidden when neither is known.
 * - otherwise hidden until rows_done is a count (absent, negative or a string
 *   is not one);
 * - `failed` / `cancelled`: the last counts stay visible (rows already
 *   processed are kept), without rate or ETA;
 * - any other status: counts, percent, rate and ETA, each when known.
 */
export function progressView(progress: Record<string, unknown>, status: string): ProgressView | null {
  let done = amountField(progress, "rows_done");
  const sentTotal = amountField(progress, "rows_total");
  let total = sentTotal !== null && sentTotal > 0 ? sentTotal : null;
  const final = isFinal(status);
  let percent: number | null;
  if (status === "succeeded") {
    total = total ?? done;
    if (total === null) return null;
    done = total;
    percent = 100;
  } else {
    if (done === null) return null;
    percent = percentDone(done, total);
  }

  const pieces = [total === null ? formatRows(done) : `${formatCount(done)} / ${formatRows(total)}`];
  if (percent !== null) pieces.push(`${percent}%`);
  if (!final) {
    const rate = amountField(progress, "tokens_per_second");
    if (rate !== null && rate > 0) pieces.push(formatRate(rate));
    const eta = amountField(progress, "eta_seconds");
    if (eta !== null && percent !== 100) pieces.push(formatEta(eta));
  }

  const streaming = progress["streaming"] === true && !final;
  const titleLines: string[] = [];
  const tokens = formatTokens(amountField(progress, "input_tokens"), amountField(progress, "output_tokens"));
  if (tokens !== null) titleLines.push(`${tokens} so far`);
  if (!final) {
    titleLines.push(streaming ? "Live progress from Sutro" : "Progress as of the last status check");
  }

  return {
    done,
    total,
    percent,
    text: pieces.join(SEPARATOR),
    title: titleLines.join("\n"),
    final,
    streaming,
  };
}

export interface Progress {
  root: HTMLDivElement;
  paint: (progress: Record<string, unknown>, status: string) => void;
}

/** Builds the hidden bar and text. */
export function buildProgress(): Progress {
  const fill = h("div", { className: "sutro-job-card__progress-fill" });
  const bar = h(
    "div",
    {
      className: "sutro-job-card__progress-bar",
      testid: "progress-bar",
      attrs: { role: "progressbar", "aria-valuemin": "0", "aria-label": "Rows processed" },
    },
    [fill],
  );
  const text = h("div", { className: "sutro-job-card__progress-text", testid: "progress-text" });
  // Progress can change every second while streaming; aria-live="off" keeps
  // screen readers from announcing each update inside the card's live region.
  const root = h(
    "div",
    { className: "sutro-job-card__progress", testid: "progress", attrs: { "aria-live": "off" } },
    [bar, text],
  );
  root.hidden = true;

  const paint = (progress: Record<string, unknown>, status: string): void => {
    const view = progressView(progress, status);
    setHidden(root, view === null);
    if (view === null) return;
    if (view.percent === null || view.total === null) {
      // Indeterminate: ARIA says leave out valuenow (and a max we do not know).
      bar.removeAttribute("aria-valuemax");
      bar.removeAttribute("aria-valuenow");
      bar.dataset.indeterminate = "true";
      fill.style.width = "";
    } else {
      bar.setAttribute("aria-valuemax", String(view.total));
      bar.setAttribute("aria-valuenow", String(Math.min(view.done, view.total)));
      delete bar.dataset.indeterminate;
      fill.style.width = `${view.percent}%`;
    }
    bar.setAttribute("aria-valuetext", view.text);
    root.dataset.final = String(view.final);
    root.dataset.streaming = String(view.streaming);
    setText(text, view.text);
    if (root.title !== view.title) root.title = view.title;
  };

  return { root, paint };
}
