import { copyButton } from "../clipboard";
import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";

/**
 * The "Why it failed" section. Built once per view and only re-filled, so the
 * user's open/closed choice on <details> survives every repaint. It opens by
 * itself once, when this view sees the job become failed (or first draws it
 * already failed): the reason is then what the user came for. After that the
 * user's choice wins.
 */

/** Pretty JSON for display; falls back to String() for values JSON cannot hold. */
export function prettyJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

/** True when metadata carries a usable failure_reason (absent, null and "" say nothing). */
export function hasFailureReason(metadata: Record<string, unknown>): boolean {
  const reason = metadata["failure_reason"];
  return reason !== undefined && reason !== null && reason !== "";
}

/**
 * The failure reason as one readable text. The API sends either a string or an
 * object such as {"message": "...", "code": ...}; the message is what a person
 * wants first, and anything else is shown as JSON rather than "[object Object]".
 */
export function failureReasonText(reason: unknown): string {
  if (reason === undefined || reason === null || reason === "") return "The server did not say why.";
  if (typeof reason === "string") return reason;
  if (typeof reason === "object" && !Array.isArray(reason)) {
    const message = (reason as Record<string, unknown>)["message"];
    if (typeof message === "string" && message !== "") return message;
  }
  return prettyJson(reason);
}

/** `additional_context` as text: strings verbatim, anything else as JSON; null when absent. */
export function additionalContextText(metadata: Record<string, unknown>): string | null {
  const context = metadata["additional_context"];
  if (context === undefined || context === null) return null;
  return typeof context === "string" ? context : prettyJson(context);
}

/** Whether the section shows: a failed job, or any job whose metadata names a failure reason. */
export function showsFailureDetails(status: string, metadata: Record<string, unknown>): boolean {
  return status === "failed" || hasFailureReason(metadata);
}

/**
 * Whether a paint should open the section: only on the transition into
 * `failed`. Repaints while failed (metadata updates) return false, so a user
 * who closed the section keeps it closed.
 */
export function opensOnPaint(previous: string | null, status: string): boolean {
  return status === "failed" && previous !== "failed";
}

export interface FailureDetails {
  root: HTMLDetailsElement;
  /** Refills the section from the current status and metadata. */
  paint: (status: string, metadata: Record<string, unknown>) => void;
}

/** Builds the hidden, closed section; reason first, then context, then the full metadata JSON. */
export function buildFailureDetails(lifetime: Lifetime): FailureDetails {
  const reason = h("div", { className: "sutro-job-card__reason", testid: "failure-reason" });
  const context = h("pre", { className: "sutro-job-card__pre", testid: "additional-context" });
  const contextBlock = h("div", { className: "sutro-job-card__block" }, [
    h("div", { className: "sutro-job-card__label", text: "Additional context" }),
    context,
  ]);
  const json = h("pre", { className: "sutro-job-card__pre", testid: "metadata-json" });
  const copy = copyButton(lifetime, {
    testid: "copy-metadata",
    label: "Copy JSON",
    ariaLabel: "Copy the job metadata as JSON",
    getText: () => json.textContent ?? "",
    source: () => json,
  });
  const root = h("details", { className: "sutro-job-card__details", testid: "failure-details" }, [
    h("summary", { className: "sutro-job-card__summary", text: "Why it failed" }),
    reason,
    contextBlock,
    h("div", { className: "sutro-job-card__block" }, [
      h("div", { className: "sutro-job-card__label-row" }, [
        h("span", { className: "sutro-job-card__label", text: "Metadata" }),
        copy,
      ]),
      json,
    ]),
  ]);
  root.hidden = true;

  /** The status at the previous paint; null before the first, so an already-failed job opens too. */
  let lastStatus: string | null = null;

  const paint = (status: string, metadata: Record<string, unknown>): void => {
    if (opensOnPaint(lastStatus, status)) root.open = true;
    lastStatus = status;
    const shown = showsFailureDetails(status, metadata);
    setHidden(root, !shown);
    if (!shown) return;
    setText(reason, failureReasonText(metadata["failure_reason"]));
    const contextText = additionalContextText(metadata);
    setHidden(contextBlock, contextText === null);
    setText(context, contextText ?? "");
    setText(json, prettyJson(metadata));
  };

  return { root, paint };
}
