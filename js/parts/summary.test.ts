import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { summaryPieces, summaryTitle } from "./summary";

afterEach(() => {
  document.body.replaceChildren();
});

const FULL = {
  name: "Summarise support tickets",
  description: "Weekly batch",
  model: "qwen-3-4b",
  num_rows: 2_000,
  input_tokens: 1_234_567,
  output_tokens: 340_000,
  cost_estimate: 0.42,
  job_cost: null,
  datetime_created: "2025-01-15T12:00:00Z",
  datetime_started: null,
  datetime_completed: "not a date",
};

describe("summaryPieces", () => {
  it("shows every piece that is present, in order", () => {
    expect(summaryPieces(FULL)).toEqual([
      { kind: "name", text: "Summarise support tickets" },
      { kind: "model", text: "qwen-3-4b" },
      { kind: "rows", text: "2,000 rows" },
      { kind: "cost", text: "est. $0.42 for the whole job" },
      { kind: "tokens", text: "in 1.2M / out 340k tokens" },
    ]);
  });

  it("shows the final cost instead of the estimate once it is a number", () => {
    const pieces = summaryPieces({ ...FULL, job_cost: 0.4 });
    expect(pieces.filter((p) => p.kind === "cost")).toEqual([{ kind: "cost", text: "cost $0.40" }]);
    expect(summaryPieces({ job_cost: 0 })).toEqual([{ kind: "cost", text: "cost $0.00" }]);
  });

  it("labels the estimate as the whole job's, and drops it once the job is final", () => {
    expect(summaryPieces({ cost_estimate: 0.08 })).toEqual([{ kind: "cost", text: "est. $0.08 for the whole job" }]);
    expect(summaryPieces({ cost_estimate: 0.08 }, true)).toEqual([]);
    expect(summaryPieces({ cost_estimate: 0.08, job_cost: 0.084 }, true)).toEqual([{ kind: "cost", text: "cost $0.084" }]);
  });

  it("shows the actual cost on the card, and no estimate on a final card without one", () => {
    const model = new FakeModel({ state: "running", status: "running", details: { cost_estimate: 0.08 } });
    const { card } = mount(model);
    const cost = (): string | null => card.querySelector('[data-piece="cost"]')?.textContent ?? null;
    expect(cost()).toBe("est. $0.08 for the whole job");
    model.enter("succeeded");
    expect(cost()).toBeNull();
    model.set("details", { cost_estimate: 0.08, job_cost: 0.084 });
    expect(cost()).toBe("cost $0.084");
  });

  it("leaves out what is missing, null or malformed", () => {
    expect(summaryPieces({})).toEqual([]);
    expect(
      summaryPieces({
        name: null,
        model: "",
        num_rows: "2000",
        cost_estimate: -1,
        input_tokens: null,
        output_tokens: Number.NaN,
      }),
    ).toEqual([]);
    expect(summaryPieces({ model: "m", output_tokens: 5 })).toEqual([
      { kind: "model", text: "m" },
      { kind: "tokens", text: "out 5 tokens" },
    ]);
  });

  it("uses the description when there is no name", () => {
    expect(summaryPieces({ description: "Only a description" })).toEqual([
      { kind: "name", text: "Only a description" },
    ]);
  });
});

describe("summaryTitle", () => {
  it("lists the description (when the name took the line) and parseable times", () => {
    const created = new Date(Date.UTC(2025, 0, 15, 12)).toLocaleString();
    expect(summaryTitle(FULL)).toBe(`Weekly batch\nCreated: ${created}`);
    expect(summaryTitle({ description: "d" })).toBe("");
    expect(summaryTitle({})).toBe("");
  });
});

describe("details line", () => {
  it("is hidden while details is {} and fills in when it arrives", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    expect(part("details").hidden).toBe(true);
    model.set("details", FULL);
    expect(part("details").hidden).toBe(false);
    expect(part("details").textContent).toBe(
      "Summarise support tickets \u00B7 qwen-3-4b \u00B7 2,000 rows \u00B7 est. $0.42 for the whole job \u00B7 in 1.2M / out 340k tokens",
    );
    expect(part("details").title).toContain("Created: ");
    model.set("details", { ...FULL, job_cost: 0.4 });
    expect(part("details").textContent).toContain("cost $0.40");
    expect(part("details").textContent).not.toContain("est.");
    model.set("details", {});
    expect(part("details").hidden).toBe(true);
  });

  it("marks each piece so it can be styled, and survives bad data", () => {
    const model = new FakeModel({ details: { name: "n", model: "m" } });
    const { part } = mount(model);
    const kinds = [...part("details").querySelectorAll("[data-piece]")].map(
      (node) => (node as HTMLElement).dataset.piece,
    );
    expect(kinds).toEqual(["name", "model"]);
    model.setRaw("details", null);
    expect(part("details").hidden).toBe(true);
    model.setRaw("details", ["name"]);
    expect(part("details").hidden).toBe(true);
  });

  it("does not rebuild the line when a repaint changes nothing", () => {
    const model = new FakeModel({ details: { name: "n", model: "m" } });
    const { part } = mount(model);
    const first = part("details").firstElementChild;
    model.set("details", { name: "n", model: "m" });
    expect(part("details").firstElementChild).toBe(first);
    model.set("details", { name: "n2", model: "m" });
    expect(part("details").firstElementChild).not.toBe(first);
  });
});
