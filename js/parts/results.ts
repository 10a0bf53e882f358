import { copyButton } from "../clipboard";
import { h, setHidden, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf } from "../states";

/**
 * "Fetch the results": the Python snippet Python built for a succeeded job,
 * shown as text with a copy button, so the next step is one paste away.
 *
 * Reads: state, status (stand-in before `state` syncs), results_snippet.
 */

/** Only a succeeded job has results to fetch, and only a non-empty snippet is worth a section. */
export function showsResults(state: string, snippet: string): boolean {
  return state === "succeeded" && snippet.trim() !== "";
}

export interface Results {
  root: HTMLDivElement;
  part: Part;
}

/** Builds the hidden section; the snippet goes in via textContent only. */
export function buildResults(ctx: PartContext): Results {
  const code = h("pre", { className: "sutro-job-card__pre", testid: "results-snippet" });
  const copy = copyButton(ctx.lifetime, {
    testid: "copy-results",
    label: "Copy",
    ariaLabel: "Copy the code that fetches the results",
    getText: () => code.textContent ?? "",
    source: () => code,
  });
  const root = h("div", { className: "sutro-job-card__results", testid: "results" }, [
    h("div", { className: "sutro-job-card__label-row" }, [
      h("span", { className: "sutro-job-card__label", text: "Fetch the results" }),
      copy,
    ]),
    code,
  ]);
  root.hidden = true;

  const reads = ["state", "status", "results_snippet"] as const;
  const part = definePart(ctx, "results", reads, (t) => {
    const shown = showsResults(cardStateOf(t.state, t.status), t.results_snippet);
    setHidden(root, !shown);
    setText(code, shown ? t.results_snippet : "");
  });

  return { root, part };
}
