import { describe, expect, it } from "vitest";
import { buildCard } from "../card";
import { FakeModel } from "../fake-model";
import { Lifetime } from "../lifetime";

/**
 * Each part file's doc comment says which traits its painter reads
 * ("Reads: a, b, c."); this keeps the comment as true as the code, which
 * tsc already holds to the part's `reads` list.
 */
const SOURCES = import.meta.glob("./*.ts", { query: "?raw", import: "default", eager: true });

/** The traits named on a file's "Reads:" line(s), up to the full stop, without (remarks). */
function documentedReads(source: string): string[] {
  const match = /\* Reads: ([\s\S]*?)\.\s*\n/.exec(source);
  const text = (match?.[1] ?? "").replace(/\n \* ?/g, " ").replace(/\([^)]*\)/g, " ");
  return text
    .split(/,\s*|\s+/)
    .map((word) => word.trim())
    .filter((word) => /^[a-z_]+$/.test(word) && word !== "and");
}

describe("part doc comments", () => {
  const parts = buildCard(new FakeModel(), new Lifetime()).parts;
  const fileOf = (name: string): string => `./${name.replace("-", "")}.ts`;

  it("finds one source file per part", () => {
    for (const part of parts) expect(Object.keys(SOURCES), part.name).toContain(fileOf(part.name));
  });

  it.each(parts.map((part) => [part.name, part] as const))("%s says truthfully which traits it reads", (_, part) => {
    const source = SOURCES[fileOf(part.name)] ?? "";
    expect(documentedReads(source).sort()).toEqual([...part.reads].sort());
  });
});
