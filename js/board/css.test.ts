import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";

/** Read from disk: vitest hands CSS imports over empty, even with `?raw`. */
const here = decodeURIComponent(import.meta.url.replace(/^file:\/\//, ""));
const css = readFileSync(here.replace(/board\/css\.test\.ts$/, "widget.css"), "utf8");

/** Each rule's selector list, comments and @media wrappers left out. */
function selectors(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/@media[^{]*\{/g, "");
  return [...text.matchAll(/([^{}]+)\{[^{}]*\}/g)].flatMap((match) => (match[1] ?? "").split(",").map((s) => s.trim()));
}

describe("one stylesheet for the card and the board", () => {
  it("scopes every rule under the card's or the board's root class", () => {
    const loose = selectors(css).filter((s) => s !== "" && !/\.sutro-job-(card|board)\b/.test(s));
    expect(loose).toEqual([]);
  });

  it("has board rules for light and dark hosts, with theme fallback chains", () => {
    // The card and the board share one theme block per host kind.
    expect(css).toMatch(/body\[data-jp-theme-light="false"\] :is\(\.sutro-job-card, \.sutro-job-board\)/);
    expect(css).toMatch(/prefers-color-scheme: dark[\s\S]*:is\(\.sutro-job-card, \.sutro-job-board\) \{/);
    for (const match of css.matchAll(/var\(--jp-[\w-]+,\s*([^;]*)/g)) expect(match[1]).toMatch(/^var\(--vscode-/);
  });

  it("reads VS Code's own variables first inside VS Code, where the --jp-* ones are always light", () => {
    const block = /body\.vscode-light :is[^{]*\{([^}]*)\}/.exec(css)?.[1] ?? "";
    for (const name of ["fg", "muted", "bg", "bg-subtle", "border", "focus", "font", "mono"]) {
      expect(block, name).toMatch(new RegExp(`--sutro-${name}: var\\(--vscode-`));
    }
    expect(block).not.toMatch(/--jp-/);
  });

  it("keeps a row's line within 32px", () => {
    const rule = /\.sutro-job-board \.sutro-job-board__line \{([^}]*)\}/.exec(css)?.[1] ?? "";
    expect(rule).toMatch(/height: 28px/);
    expect(rule).toMatch(/max-height: 32px/);
  });
});
