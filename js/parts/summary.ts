import { h, setHidden } from "../dom";
import { formatMoney, formatRows, formatTokens, formatWhen } from "../format";
import { amountField, textField } from "../model";

/**
 * The one-line job summary drawn from the `details` trait: what the job is,
 * which model, how big and what it costs. Named "summary" so it is not
 * mistaken for details.ts, the failure section.
 */

/** Which fact a piece states; also its `data-piece`, for styling and tests. */
export type PieceKind = "name" | "model" | "rows" | "cost" | "tokens";

export interface Piece {
  kind: PieceKind;
  text: string;
}

/**
 * The pieces to show, in reading order, each only when its data is present.
 * The final `job_cost` replaces the estimate as soon as it is a number: once
 * the job is billed, an estimate beside it would only invite confusion.
 * The name falls back to the description, since some jobs only have one.
 */
export function summaryPieces(details: Record<string, unknown>): Piece[] {
  const pieces: Piece[] = [];
  const name = textField(details, "name") ?? textField(details, "description");
  if (name !== null) pieces.push({ kind: "name", text: name });
  const model = textField(details, "model");
  if (model !== null) pieces.push({ kind: "model", text: model });
  const rows = amountField(details, "num_rows");
  if (rows !== null) pieces.push({ kind: "rows", text: formatRows(rows) });
  const cost = amountField(details, "job_cost");
  const estimate = amountField(details, "cost_estimate");
  if (cost !== null) pieces.push({ kind: "cost", text: `cost ${formatMoney(cost)}` });
  else if (estimate !== null) pieces.push({ kind: "cost", text: `est. ${formatMoney(estimate)}` });
  const tokens = formatTokens(amountField(details, "input_tokens"), amountField(details, "output_tokens"));
  if (tokens !== null) pieces.push({ kind: "tokens", text: tokens });
  return pieces;
}

const WHEN_FIELDS: Array<[string, string]> = [
  ["datetime_created", "Created"],
  ["datetime_started", "Started"],
  ["datetime_completed", "Completed"],
];

/**
 * The hover text: the description when the name took the line, then the
 * server's timestamps in local time. Unparseable timestamps are left out.
 */
export function summaryTitle(details: Record<string, unknown>): string {
  const lines: string[] = [];
  const description = textField(details, "description");
  if (description !== null && textField(details, "name") !== null) lines.push(description);
  for (const [key, label] of WHEN_FIELDS) {
    const iso = textField(details, key);
    const when = iso === null ? null : formatWhen(iso);
    if (when !== null) lines.push(`${label}: ${when}`);
  }
  return lines.join("\n");
}

const SEPARATOR = " \u00B7 "; // " · "

export interface Summary {
  root: HTMLDivElement;
  paint: (details: Record<string, unknown>) => void;
}

/** Builds the hidden line; each piece is its own span, filled by textContent only. */
export function buildSummary(): Summary {
  const root = h("div", { className: "sutro-job-card__summary-line", testid: "details" });
  root.hidden = true;
  let shown = "[]";

  const paint = (details: Record<string, unknown>): void => {
    const pieces = summaryPieces(details);
    const title = summaryTitle(details);
    if (root.title !== title) root.title = title;
    setHidden(root, pieces.length === 0);
    // Rebuild only when the words change: each mutation inside the card's
    // live region is re-announced by screen readers.
    const key = JSON.stringify(pieces);
    if (key === shown) return;
    shown = key;
    const nodes: Node[] = [];
    pieces.forEach((piece, index) => {
      if (index > 0) nodes.push(document.createTextNode(SEPARATOR));
      nodes.push(
        h("span", {
          className: `sutro-job-card__piece sutro-job-card__piece--${piece.kind}`,
          attrs: { "data-piece": piece.kind },
          text: piece.text,
        }),
      );
    });
    root.replaceChildren(...nodes);
  };

  return { root, paint };
}
