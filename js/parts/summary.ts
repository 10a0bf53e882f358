import { h, setHidden } from "../dom";
import { formatMoney, formatRows, formatTokens, formatWhen } from "../format";
import { amountField, textField } from "../model";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isFinal } from "../states";

/**
 * The one-line job summary drawn from the `details` trait (the job summary;
 * the failure section is failure.ts): what the job is, which model, how big
 * and what it costs.
 *
 * Reads: details, state, status (stand-in before `state` syncs).
 */

/** Which fact a piece states; also its `data-piece`, for styling and tests. */
export type PieceKind = "name" | "model" | "rows" | "cost" | "tokens";

export interface Piece {
  kind: PieceKind;
  text: string;
}

/**
 * Honest cost: the actual `job_cost` when the server sent one ("cost
 * $0.084"); else the estimate, which is for the whole job and says so, and
 * only while the job can still run (a final job's estimate is no cost at all).
 */
export function costText(details: Record<string, unknown>, final: boolean): string | null {
  const cost = amountField(details, "job_cost");
  if (cost !== null) return `cost ${formatMoney(cost)}`;
  const estimate = amountField(details, "cost_estimate");
  if (estimate !== null && !final) return `est. ${formatMoney(estimate)} for the whole job`;
  return null;
}

/**
 * The pieces to show, in reading order, each only when its data is present.
 * The name falls back to the description, since some jobs only have one.
 */
export function summaryPieces(details: Record<string, unknown>, final = false): Piece[] {
  const pieces: Piece[] = [];
  const name = textField(details, "name") ?? textField(details, "description");
  if (name !== null) pieces.push({ kind: "name", text: name });
  const model = textField(details, "model");
  if (model !== null) pieces.push({ kind: "model", text: model });
  const rows = amountField(details, "num_rows");
  if (rows !== null) pieces.push({ kind: "rows", text: formatRows(rows) });
  const cost = costText(details, final);
  if (cost !== null) pieces.push({ kind: "cost", text: cost });
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
  part: Part;
}

/** Builds the hidden line; each piece is its own span, filled by textContent only. */
export function buildSummary(ctx: PartContext): Summary {
  const root = h("div", { className: "sutro-job-card__summary-line", testid: "details" });
  root.hidden = true;
  let shown = "[]";

  const part = definePart(ctx, "summary", ["details", "state", "status"] as const, (t) => {
    const details = t.details;
    const pieces = summaryPieces(details, isFinal(cardStateOf(t.state, t.status)));
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
  });

  return { root, part };
}
