import { describe, expect, it } from "vitest";
import { CANONICAL_STATUSES, isFinal, lookFor, statusWord } from "./states";

describe("status table", () => {
  it("gives every canonical status its own icon and its own word", () => {
    const icons = new Set(CANONICAL_STATUSES.map((s) => lookFor(s).icon));
    const words = new Set(CANONICAL_STATUSES.map((s) => lookFor(s).word));
    expect(icons.size).toBe(CANONICAL_STATUSES.length);
    expect(words.size).toBe(CANONICAL_STATUSES.length);
  });

  it("capitalises the word", () => {
    expect(statusWord("running", "RUNNING")).toBe("Running");
    expect(statusWord("cancelling", "")).toBe("Cancelling");
  });

  it("maps statuses to the agreed colour families", () => {
    expect(lookFor("succeeded").tone).toBe("success");
    expect(lookFor("failed").tone).toBe("failure");
    expect(lookFor("cancelling").tone).toBe("warning");
    expect(lookFor("cancelled").tone).toBe("warning");
    expect(lookFor("running").tone).toBe("active");
    expect(lookFor("queued").tone).toBe("waiting");
  });

  it("shows the server's word verbatim for unknown", () => {
    expect(statusWord("unknown", "PAUSED")).toBe("Unknown: PAUSED");
    expect(statusWord("unknown", "weird <b>x</b>")).toBe("Unknown: weird <b>x</b>");
  });

  it("does not repeat 'unknown' or show an empty raw value", () => {
    expect(statusWord("unknown", "UNKNOWN")).toBe("Unknown");
    expect(statusWord("unknown", "")).toBe("Unknown");
  });

  it("treats a non-canonical status as unknown instead of breaking", () => {
    expect(lookFor("paused")).toBe(lookFor("unknown"));
    expect(statusWord("paused", "")).toBe("Unknown: paused");
  });

  it("knows which statuses are final", () => {
    expect(CANONICAL_STATUSES.filter(isFinal)).toEqual(["succeeded", "failed", "cancelled"]);
  });
});
