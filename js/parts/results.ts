import { copyButton } from "../clipboard";
import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";

/**
 * "Fetch the results": the Python snippet Python built for a succeeded job,
 * shown as text with a copy button, so the next step is one paste away.
 */

/** Only a succeeded job has results to fetch, and only a non-empty snippet is worth a section. */
export function showsResults(status: string, snippet: string): boolean {
  return status === "succeeded" && snippet.trim() !== "";
}

export interface Results {
  root: HTMLDivElement;
  paint: (status: string, snippet: string) => void;
}

/** Builds the hidden section; the snippet goes in via textContent only. */
export function buildResults(lifetime: Lifetime): Results {
  const code = h("pre", { className: "sutro-job-card__pre", testid: "results-snippet" });
  const copy = copyButton(lifetime, {
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

  const paint = (status: string, snippet: string): void => {
    const shown = showsResults(status, snippet);
    setHidden(root, !shown);
    setText(code, shown ? snippet : "");
  };

  return { root, paint };
}
