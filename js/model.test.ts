import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model";
import { amountField, readArray, readHistory, readObject, textField } from "./model";

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
