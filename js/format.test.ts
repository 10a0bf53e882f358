import { describe, expect, it } from "vitest";
import {
  formatCheckedAgo,
  formatCompact,
  formatCount,
  formatDuration,
  formatEta,
  formatAgo,
  formatClock,
  formatMoney,
  formatRateNumber,
  formatRowRate,
  formatTimeOfDay,
  formatRate,
  formatRows,
  formatTokens,
  formatWhen,
} from "./format";

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

describe("formatCount", () => {
  it.each([
    [0, "0"],
    [7, "7"],
    [999, "999"],
    [1_000, "1,000"],
    [2_000, "2,000"],
    [1_234_567, "1,234,567"],
    [12.6, "13"],
  ])("%d -> %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
  it("clamps negative and non-finite input to 0", () => {
    expect(formatCount(-5)).toBe("0");
    expect(formatCount(Number.NaN)).toBe("0");
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe("0");
  });
});

describe("formatCompact", () => {
  it.each([
    [0, "0"],
    [5, "5"],
    [3.44, "3.4"],
    [12.7, "13"],
    [950, "950"],
    [999.6, "1k"],
    [1_000, "1k"],
    [1_234, "1.2k"],
    [12_345, "12k"],
    [340_000, "340k"],
    [999_999, "1M"],
    [1_200_000, "1.2M"],
    [2_500_000_000, "2.5B"],
    [4e15, "4000T"],
  ])("%d -> %s", (n, text) => {
    expect(formatCompact(n)).toBe(text);
  });
  it("clamps bad input to 0", () => {
    expect(formatCompact(-1_000)).toBe("0");
    expect(formatCompact(Number.NaN)).toBe("0");
  });
});

describe("formatRows", () => {
  it("says row or rows with separators", () => {
    expect(formatRows(1)).toBe("1 row");
    expect(formatRows(0)).toBe("0 rows");
    expect(formatRows(2_000)).toBe("2,000 rows");
  });
});

describe("formatMoney", () => {
  it.each([
    [0, "$0.00"],
    [0.42, "$0.42"],
    [0.4, "$0.40"],
    [0.084, "$0.084"],
    [0.08, "$0.08"],
    [0.005, "$0.005"],
    [0.0012, "$0.001"],
    [0.0004, "<$0.001"],
    [0.9996, "$1.00"],
    [3, "$3.00"],
    [1_234.5, "$1,234.50"],
    [19.999, "$20.00"],
  ])("%d -> %s", (usd, text) => {
    expect(formatMoney(usd)).toBe(text);
  });
  it("clamps bad input to $0.00", () => {
    expect(formatMoney(-1)).toBe("$0.00");
    expect(formatMoney(Number.NaN)).toBe("$0.00");
  });
});

describe("formatTokens", () => {
  it("shows both sides, one side, or nothing", () => {
    expect(formatTokens(1_200_000, 340_000)).toBe("in 1.2M / out 340k tokens");
    expect(formatTokens(1_200_000, null)).toBe("in 1.2M tokens");
    expect(formatTokens(null, 340_000)).toBe("out 340k tokens");
    expect(formatTokens(0, 0)).toBeNull();
    expect(formatTokens(null, null)).toBeNull();
  });
});

describe("formatRate", () => {
  it("is compact per second", () => {
    expect(formatRate(1_234)).toBe("1.2k tok/s");
    expect(formatRate(3.44)).toBe("3.4 tok/s");
    expect(formatRate(87)).toBe("87 tok/s");
  });
});

describe("formatEta", () => {
  it("says about how long is left", () => {
    expect(formatEta(80)).toBe("about 1m 20s left");
    expect(formatEta(45.9)).toBe("about 45s left");
    expect(formatEta(7_500)).toBe("about 2h 05m left");
  });
  it("says almost done under a second, and for bad input", () => {
    expect(formatEta(0)).toBe("almost done");
    expect(formatEta(0.4)).toBe("almost done");
    expect(formatEta(-3)).toBe("almost done");
    expect(formatEta(Number.NaN)).toBe("almost done");
  });
});

describe("formatWhen", () => {
  it("shows a parseable ISO time in local time", () => {
    const iso = "2025-01-15T12:00:00Z";
    expect(formatWhen(iso)).toBe(new Date(Date.UTC(2025, 0, 15, 12)).toLocaleString());
  });
  it("is null for text that is not a time", () => {
    expect(formatWhen("yesterday-ish")).toBeNull();
    expect(formatWhen("")).toBeNull();
  });
});

describe("formatClock", () => {
  it.each([
    [0, "00:00"],
    [61_000, "01:01"],
    [3_599_000, "59:59"],
    [3_723_000, "1:02:03"],
    [-5, "00:00"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe("formatAgo", () => {
  it.each([
    [1_000, "just now"],
    [40_000, "40 s ago"],
    [125_000, "2 min ago"],
    [3 * 3_600_000 + 5, "3 h ago"],
    [-10_000, "just now"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatAgo(ms)).toBe(text);
  });
});

describe("rates", () => {
  it("keeps one decimal below 100 and goes compact above", () => {
    expect(formatRateNumber(10.7)).toBe("10.7");
    expect(formatRateNumber(3)).toBe("3");
    expect(formatRateNumber(99.96)).toBe("100");
    expect(formatRateNumber(1_234)).toBe("1.2k");
    expect(formatRowRate(10.74)).toBe("10.7 rows/s");
  });
});

describe("formatTimeOfDay", () => {
  it("gives the local hours and minutes, zero-padded", () => {
    const at = new Date(2025, 0, 15, 9, 3, 59).getTime();
    expect(formatTimeOfDay(at)).toBe("09:03");
  });
});
