import { describe, expect, it } from "vitest";
import { elapsedMs, formatCheckedAgo, formatDuration, formatLastConfirmed } from "./format";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [999, "0s"],
    [45_000, "45s"],
    [59_999, "59s"],
    [60_000, "1m 00s"],
    [187_000, "3m 07s"],
    [3_599_000, "59m 59s"],
    [3_600_000, "1h 00m"],
    [(2 * 3600 + 5 * 60 + 59) * 1000, "2h 05m"],
    [30 * 3600 * 1000, "30h 00m"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("clamps negative and non-finite input to 0s", () => {
    expect(formatDuration(-5_000)).toBe("0s");
    expect(formatDuration(Number.NaN)).toBe("0s");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("0s");
  });
});

describe("elapsedMs", () => {
  it("is null before the card starts following", () => {
    expect(elapsedMs(0, 0, 10_000)).toBeNull();
  });
  it("counts to now while unfinished and stops at finished_at", () => {
    expect(elapsedMs(1_000, 0, 46_000)).toBe(45_000);
    expect(elapsedMs(1_000, 11_000, 99_000)).toBe(10_000);
  });
  it("never goes negative under clock skew", () => {
    expect(elapsedMs(50_000, 0, 40_000)).toBe(0);
  });
});

describe("formatCheckedAgo", () => {
  it("says not checked yet while 0", () => {
    expect(formatCheckedAgo(0, 5_000)).toBe("not checked yet");
  });
  it("formats the age of the last answer", () => {
    expect(formatCheckedAgo(10_000, 13_000)).toBe("checked 3s ago");
    expect(formatCheckedAgo(10_000, 200_000)).toBe("checked 3m 10s ago");
  });
  it("clamps a future timestamp (clock skew) to 0s", () => {
    expect(formatCheckedAgo(20_000, 13_000)).toBe("checked 0s ago");
  });
});

describe("formatLastConfirmed", () => {
  it("says how old the last good answer is, and that it is reconnecting", () => {
    expect(formatLastConfirmed(10_000, 190_000)).toBe("last confirmed 3m 00s ago, reconnecting\u2026");
    expect(formatLastConfirmed(0, 5_000)).toBe("not confirmed yet, reconnecting\u2026");
  });
});
