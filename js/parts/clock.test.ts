import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { formatTimeOfDay } from "../format";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("elapsed: the job's own time", () => {
  it("counts from details.datetime_started and ticks while live", () => {
    const details = { datetime_created: iso(NOW - 600_000), datetime_started: iso(NOW - 45_000) };
    const { part } = mount(new FakeModel({ state: "running", status: "running", details, started_at: NOW }));
    expect(part("elapsed").textContent).toBe("45s");
    expect(part("elapsed").parentElement?.textContent).toBe("elapsed 45s");
    vi.advanceTimersByTime(142_000);
    expect(part("elapsed").textContent).toBe("3m 07s");
  });

  it("falls back to datetime_created, then to the first history entry", () => {
    const model = new FakeModel({
      state: "queued",
      status: "queued",
      details: { datetime_created: iso(NOW - 10_000) },
      history: [{ status: "queued", at: NOW - 3_000 }],
    });
    const { part } = mount(model);
    expect(part("elapsed").textContent).toBe("10s");
    model.set("details", {});
    expect(part("elapsed").textContent).toBe("3s");
    model.set("history", []);
    expect(part("elapsed").parentElement?.hidden).toBe(true);
  });

  it.each(["stale", "stopped", "unreachable"])("freezes at last_checked_at while %s", (state) => {
    const model = new FakeModel({
      state: "running",
      status: "running",
      details: { datetime_started: iso(NOW - 60_000) },
      last_checked_at: NOW - 20_000,
    });
    const { part } = mount(model);
    expect(part("elapsed").textContent).toBe("1m 00s");
    model.enter(state);
    expect(part("elapsed").textContent).toBe("40s");
    vi.advanceTimersByTime(30_000);
    expect(part("elapsed").textContent).toBe("40s");
  });
});

describe("a final card", () => {
  it("says 'finished 14:03 · took 3m 12s' from the server's times, and stops ticking", () => {
    const started = NOW - 300_000;
    const completed = started + 192_000;
    const details = { datetime_started: iso(started), datetime_completed: iso(completed) };
    const model = new FakeModel({ state: "running", status: "running", details, last_checked_at: NOW });
    const { part } = mount(model);
    model.set("finished_at", NOW);
    model.enter("succeeded");
    expect(part("finished").hidden).toBe(false);
    expect(part("finished").textContent).toBe(`finished ${formatTimeOfDay(completed)} \u00B7 took 3m 12s`);
    expect(part("elapsed").parentElement?.hidden).toBe(true);
    expect(part("checked-ago").hidden).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(part("finished").textContent).toBe(`finished ${formatTimeOfDay(completed)} \u00B7 took 3m 12s`);
  });

  it("uses finished_at when the server gave no completion time", () => {
    const model = new FakeModel({
      state: "failed",
      status: "failed",
      details: { datetime_started: iso(NOW - 5_000) },
      finished_at: NOW,
    });
    const { part } = mount(model);
    expect(part("finished").textContent).toBe(`finished ${formatTimeOfDay(NOW)} \u00B7 took 5s`);
  });

  it("shows no Refresh and no checked-ago", () => {
    for (const state of ["succeeded", "failed", "cancelled"]) {
      const model = new FakeModel({ state, status: state, polling: true, last_checked_at: NOW - 1_000 });
      const { part } = mount(model);
      expect(part("refresh").hidden, state).toBe(true);
      expect(part("checked-ago").hidden, state).toBe(true);
      document.body.replaceChildren();
    }
  });
});

describe("checked ago", () => {
  it("shows only while polling a live state, ticking, clamped for clock skew", () => {
    const model = new FakeModel({ state: "running", status: "running", polling: true });
    const { part } = mount(model);
    expect(part("checked-ago").textContent).toBe("not checked yet");
    model.set("last_checked_at", NOW - 3_000);
    expect(part("checked-ago").textContent).toBe("checked 3s ago");
    vi.advanceTimersByTime(1_000);
    expect(part("checked-ago").textContent).toBe("checked 4s ago");
    model.set("last_checked_at", Date.now() + 2_000);
    expect(part("checked-ago").textContent).toBe("checked 0s ago");
    model.set("polling", false);
    expect(part("checked-ago").hidden).toBe(true);
    model.set("polling", true);
    model.enter("stale");
    expect(part("checked-ago").hidden).toBe(true);
  });
});
