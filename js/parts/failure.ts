import { copyButton } from "../clipboard";
import { h, setHidden, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf } from "../states";

/**
 * The failure section ("Why it failed"): the reason first, then the error
 * code, then a one-line next step when the reason allows one, then the
 * additional context, then the rest of the metadata as JSON. Each fact is
 * shown once: additional_context has its own block and is left out of the
 * JSON shown (the copy button still copies the full metadata). Built once per
 * view and only re-filled, so the user's open/closed choice survives repaints;
 * it opens by itself once, when this view sees the state become failed.
 *
 * Reads: state, status (stand-in before `state` syncs), metadata, details
 * (details.failure_reason when metadata has none).
 */

type Dict = Record<string, unknown>;

/** Text shown in the section is capped at this many characters (about 200 KB). */
export const TEXT_CAP = 200 * 1024;

/** Pretty JSON for display; falls back to String() for values JSON cannot hold. */
export function prettyJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

/** A text cut at `cap` characters, and how many KB were left out (0 when none). */
export function capText(text: string, cap = TEXT_CAP): { text: string; moreKb: number } {
  if (text.length <= cap) return { text, moreKb: 0 };
  return { text: text.slice(0, cap), moreKb: Math.ceil((text.length - cap) / 1024) };
}

function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function said(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** The failure reason: metadata's, else the job details'; undefined when neither says. */
export function failureReason(metadata: Dict, details: Dict): unknown {
  if (said(metadata["failure_reason"])) return metadata["failure_reason"];
  return said(details["failure_reason"]) ? details["failure_reason"] : undefined;
}

/**
 * The failure reason as one readable text. The API sends a string or an
 * object such as {"message": "...", "code": ...}; the message is what a person
 * wants first, and anything else is shown as JSON rather than "[object Object]".
 */
export function failureReasonText(reason: unknown): string {
  if (!said(reason)) return "The server did not say why.";
  if (typeof reason === "string") return reason;
  if (isDict(reason) && typeof reason["message"] === "string" && reason["message"] !== "") return reason["message"];
  return prettyJson(reason);
}

function codeOf(value: unknown): string | null {
  if (typeof value === "string" && value !== "") return value;
  return typeof value === "number" && Number.isFinite(value) ? String(value) : null;
}

/** The error code: metadata.failure_reason.code, metadata.error_code, details.failure_reason.code. */
export function failureCode(metadata: Dict, details: Dict): string | null {
  const fromReason = (reason: unknown): string | null => (isDict(reason) ? codeOf(reason["code"]) : null);
  return fromReason(metadata["failure_reason"]) ?? codeOf(metadata["error_code"]) ?? fromReason(details["failure_reason"]);
}

/** Reason words -> the one next step worth suggesting. First match wins. */
export const NEXT_STEPS: ReadonlyArray<[RegExp, string]> = [
  [/rate.?limit|quota/i, "Wait and resubmit, or lower the job's size."],
  [/schema|json/i, "Check the json_schema you passed."],
  [/time.?out|timed out/i, "Resubmit; if it repeats, split the job."],
];

/** The next step for a reason (and its code), or null when the reason does not allow one. */
export function nextStep(reasonText: string, code: string | null): string | null {
  const words = `${reasonText} ${code ?? ""}`;
  return NEXT_STEPS.find(([pattern]) => pattern.test(words))?.[1] ?? null;
}

/** `additional_context` as text: strings verbatim, anything else as JSON; null when absent. */
export function additionalContextText(metadata: Dict): string | null {
  const context = metadata["additional_context"];
  if (context === undefined || context === null) return null;
  return typeof context === "string" ? context : prettyJson(context);
}

/** The metadata JSON to show: without additional_context when that has its own block. */
export function shownMetadataJson(metadata: Dict): string {
  if (additionalContextText(metadata) === null) return prettyJson(metadata);
  const rest: Dict = { ...metadata };
  delete rest["additional_context"];
  return prettyJson(rest);
}

/** Whether the section shows: a failed job, or any job whose metadata or details name a failure reason. */
export function showsFailure(state: string, metadata: Dict, details: Dict): boolean {
  return state === "failed" || failureReason(metadata, details) !== undefined;
}

/** Open on the transition into failed only, so a user who closed the section keeps it closed. */
export function opensOnPaint(previous: string | null, state: string): boolean {
  return state === "failed" && previous !== "failed";
}

/** A capped <pre> with its "… N KB more" note. */
function cappedBlock(testid: string): { pre: HTMLPreElement; more: HTMLDivElement; fill: (text: string) => void } {
  const pre = h("pre", { className: "sutro-job-card__pre", testid });
  const more = h("div", { className: "sutro-job-card__more", testid: `${testid}-more` });
  more.hidden = true;
  const fill = (text: string): void => {
    const capped = capText(text);
    setText(pre, capped.text);
    setText(more, capped.moreKb > 0 ? `\u2026 ${capped.moreKb} KB more` : "");
    setHidden(more, capped.moreKb === 0);
  };
  return { pre, more, fill };
}

export interface Failure {
  root: HTMLDetailsElement;
  part: Part;
}

/** The section's nodes; `copy` copies whatever `fullJson()` returns at click time. */
function failureNodes(ctx: PartContext, fullJson: () => string) {
  const reason = h("div", { className: "sutro-job-card__reason", testid: "failure-reason" });
  const code = h("code", { className: "sutro-job-card__code", testid: "failure-code" });
  const codeRow = h("div", { className: "sutro-job-card__code-row" }, [
    h("span", { className: "sutro-job-card__label", text: "Error code " }),
    code,
  ]);
  const next = h("div", { className: "sutro-job-card__next-step", testid: "failure-next-step" });
  const context = cappedBlock("additional-context");
  const contextBlock = h("div", { className: "sutro-job-card__block" }, [
    h("div", { className: "sutro-job-card__label", text: "Additional context" }),
    context.pre,
    context.more,
  ]);
  const json = cappedBlock("metadata-json");
  const copy = copyButton(ctx.lifetime, {
    testid: "copy-metadata",
    label: "Copy JSON",
    ariaLabel: "Copy the full job metadata as JSON",
    getText: fullJson,
    source: () => json.pre,
  });
  const root = h("details", { className: "sutro-job-card__failure", testid: "failure-details" }, [
    h("summary", { className: "sutro-job-card__failure-title", text: "Why it failed" }),
    reason,
    codeRow,
    next,
    contextBlock,
    h("div", { className: "sutro-job-card__block" }, [
      h("div", { className: "sutro-job-card__label-row" }, [
        h("span", { className: "sutro-job-card__label", text: "Metadata" }),
        copy,
      ]),
      json.pre,
      json.more,
    ]),
  ]);
  root.hidden = true;
  return { root, reason, code, codeRow, next, context, contextBlock, json };
}

/** Builds the hidden, closed section. */
export function buildFailure(ctx: PartContext): Failure {
  let fullJson = "{}";
  const n = failureNodes(ctx, () => fullJson);
  /** The state at the previous paint; null before the first, so an already-failed job opens too. */
  let lastState: string | null = null;
  const part = definePart(ctx, "failure", ["state", "status", "metadata", "details"] as const, (t) => {
    const state = cardStateOf(t.state, t.status);
    if (opensOnPaint(lastState, state)) n.root.open = true;
    lastState = state;
    const shown = showsFailure(state, t.metadata, t.details);
    setHidden(n.root, !shown);
    if (!shown) return;
    const reasonText = failureReasonText(failureReason(t.metadata, t.details));
    const codeText = failureCode(t.metadata, t.details);
    const step = nextStep(reasonText, codeText);
    setText(n.reason, capText(reasonText).text);
    setText(n.code, codeText ?? "");
    setHidden(n.codeRow, codeText === null);
    setText(n.next, step ?? "");
    setHidden(n.next, step === null);
    const contextText = additionalContextText(t.metadata);
    setHidden(n.contextBlock, contextText === null);
    n.context.fill(contextText ?? "");
    fullJson = prettyJson(t.metadata);
    n.json.fill(shownMetadataJson(t.metadata));
  });
  return { root: n.root, part };
}
