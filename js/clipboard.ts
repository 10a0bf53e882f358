import { h } from "./dom";
import type { Lifetime } from "./lifetime";

/** What a copy attempt achieved; the button tells the user which. */
export type CopyOutcome = "copied" | "selected" | "failed";

/** Selects a node's text so the user can copy it by hand. */
function selectContents(node: Node): boolean {
  const selection = typeof window.getSelection === "function" ? window.getSelection() : null;
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(node);
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}

/** The legacy copy command; absent or refused in many hosts, so any failure is just "no". */
function legacyCopy(): boolean {
  try {
    return typeof document.execCommand === "function" && document.execCommand("copy");
  } catch {
    return false;
  }
}

/**
 * Copies `text`, preferring the async Clipboard API. Notebook outputs are often
 * served from insecure origins or iframes where that API is missing or denied,
 * so the fallback selects `node`'s text (and tries the legacy copy command).
 * Never throws: a copy button must not break the card.
 */
export async function copyText(text: string, node: Node): Promise<CopyOutcome> {
  try {
    const clipboard = typeof navigator !== "undefined" ? navigator.clipboard : undefined;
    if (clipboard && typeof clipboard.writeText === "function") {
      await clipboard.writeText(text);
      return "copied";
    }
  } catch {
    // Denied or unavailable: fall back to selecting the text below.
  }
  try {
    if (!selectContents(node)) return "failed";
    return legacyCopy() ? "copied" : "selected";
  } catch {
    return "failed";
  }
}

const FEEDBACK: Record<CopyOutcome, string> = {
  copied: "Copied",
  selected: "Selected",
  failed: "Copy failed",
};

const FEEDBACK_TITLE: Record<CopyOutcome, string> = {
  copied: "Copied to the clipboard",
  selected: "The clipboard is not available here: the text is selected, copy it with Ctrl+C / \u2318C",
  failed: "Could not copy: select the text and copy it by hand",
};

export interface CopyButtonOptions {
  testid: string;
  label: string;
  ariaLabel: string;
  /** Read at click time so the latest trait value is copied. */
  getText: () => string;
  /** The node to select when the clipboard is unavailable. */
  source: () => Node;
}

/**
 * A small "Copy" button that shows a brief outcome ("Copied") and then restores
 * its label. Its listener and feedback timer belong to the view's Lifetime.
 */
export function copyButton(lifetime: Lifetime, options: CopyButtonOptions): HTMLButtonElement {
  const button = h("button", {
    className: "sutro-job-card__copy",
    testid: options.testid,
    text: options.label,
    attrs: { type: "button", "aria-label": options.ariaLabel, title: options.ariaLabel },
  });
  let cancelRestore: (() => void) | null = null;
  lifetime.listen(button, "click", () => {
    void copyText(options.getText(), options.source()).then((outcome) => {
      if (lifetime.disposed) return;
      cancelRestore?.();
      button.textContent = FEEDBACK[outcome];
      button.title = FEEDBACK_TITLE[outcome];
      button.dataset.feedback = outcome;
      cancelRestore = lifetime.timeout(() => {
        button.textContent = options.label;
        button.title = options.ariaLabel;
        delete button.dataset.feedback;
        cancelRestore = null;
      }, 1500);
    });
  });
  return button;
}
