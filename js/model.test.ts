import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model";
import modelSource from "./model.ts?raw";
import { TRAIT_NAMES, amountField, readArray, readHistory, readObject, readTrait, readTraits, textField } from "./model";

function withRaw(name: "details" | "history", value: unknown): FakeModel {
  const model = new FakeModel();
  model.setRaw(name, value);
  return model;
}

describe("readObject", () => {
  it("passes a plain object through", () => {
    expect(readObject(withRaw("details", { name: "x" }), "details")).toEqual({ name: "x" });
  });
  it.each([[null], [undefined], [[1, 2]], ["{}"], [42], [true]])("reads %j as {}", (value) => {
    expect(readObject(withRaw("details", value), "details")).toEqual({});
  });
});

describe("readArray", () => {
  it("passes an array through and reads anything else as []", () => {
    expect(readArray(withRaw("history", [1, "a"]), "history")).toEqual([1, "a"]);
    for (const value of [null, undefined, {}, "[]", 3]) {
      expect(readArray(withRaw("history", value), "history")).toEqual([]);
    }
  });
});

describe("readHistory", () => {
  it("keeps well-formed entries in order and drops the rest", () => {
    const model = withRaw("history", [
      { status: "queued", at: 1_000 },
      null,
      "running",
      [],
      { status: "", at: 2_000 },
      { status: 5, at: 2_000 },
      { status: "starting" },
      { status: "starting", at: "2000" },
      { status: "starting", at: Number.NaN },
      { status: "starting", at: -1 },
      { status: "running", at: 3_000, extra: true },
    ]);
    expect(readHistory(model)).toEqual([
      { status: "queued", at: 1_000 },
      { status: "running", at: 3_000 },
    ]);
  });
  it("never throws on a non-array", () => {
    expect(readHistory(withRaw("history", { 0: { status: "x", at: 1 } }))).toEqual([]);
  });
});

describe("fields", () => {
  it("textField reads non-empty strings only", () => {
    expect(textField({ a: "x" }, "a")).toBe("x");
    expect(textField({ a: "" }, "a")).toBeNull();
    expect(textField({ a: null }, "a")).toBeNull();
    expect(textField({ a: 1 }, "a")).toBeNull();
    expect(textField({}, "a")).toBeNull();
  });
  it("amountField reads finite non-negative numbers only", () => {
    expect(amountField({ a: 0 }, "a")).toBe(0);
    expect(amountField({ a: 2.5 }, "a")).toBe(2.5);
    expect(amountField({ a: -1 }, "a")).toBeNull();
    expect(amountField({ a: "12" }, "a")).toBeNull();
    expect(amountField({ a: Number.POSITIVE_INFINITY }, "a")).toBeNull();
    expect(amountField({ a: null }, "a")).toBeNull();
    expect(amountField({}, "a")).toBeNull();
  });
});

describe("the Traits interface as the Python contract test reads it", () => {
  it("has one `name: type;` line per trait, matching TRAIT_DEFAULTS", () => {
    const block = /export interface Traits \{\n([\s\S]*?)\n\}/.exec(modelSource)?.[1] ?? "";
    const fields = block
      .split("\n")
      .map((line) => /^\s*(\w+)\??:\s*([^;]+);/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]?.trim()]);
    expect(fields.map(([name]) => name)).toEqual(TRAIT_NAMES);
    expect(Object.fromEntries(fields)).toMatchObject({
      job_id: "string",
      state: "string",
      polling: "boolean",
      last_checked_at: "number",
      stopped_at: "number",
      metadata: "Record<string, unknown>",
      history: "HistoryEntry[]",
      compact: "boolean",
    });
  });
});

describe("readTrait", () => {
  it("reads each trait as its contract type, and a wrong type as that type's empty value", () => {
    const model = new FakeModel({}, { empty: true });
    for (const name of TRAIT_NAMES) model.setRaw(name, Symbol("wrong"));
    expect(readTraits(model, TRAIT_NAMES)).toEqual({
      ...Object.fromEntries(TRAIT_NAMES.map((name) => [name, ""])),
      metadata: {},
      details: {},
      progress: {},
      history: [],
      polling: false,
      stale: false,
      compact: false,
      notify: false,
      started_at: 0,
      finished_at: 0,
      last_checked_at: 0,
      stopped_at: 0,
    });
  });
  it("never reads Python's default for a missing trait (an unsynced card is not 'connecting' by accident)", () => {
    const model = new FakeModel({}, { empty: true });
    expect(readTrait(model, "state")).toBe("");
    expect(readTrait(model, "polling")).toBe(false);
  });
});
