import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { phaseLabels, phasesOf, timelineText, withServerTimes } from "./timeline";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

/** queued 12s, starting 5s, then running for the last 3m 02s (until NOW). */
const HISTORY = [
  { status: "queued", at: NOW - 199_000 },
  { status: "starting", at: NOW - 187_000 },
  { status: "running", at: NOW - 182_000 },
];

function segments(card: HTMLElement): HTMLElement[] {
  return [...card.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')];
}

describe("phasesOf", () => {
  it("gives each phase the time until the next, and the open last one until end", () => {
    expect(phasesOf(HISTORY, NOW)).toEqual([
      { status: "queued", ms: 12_000 },
      { status: "starting", ms: 5_000 },
      { status: "running", ms: 182_000 },
    ]);
  });

  it("ends with a final status that has no duration", () => {
    const phases = phasesOf([...HISTORY, { status: "succeeded", at: NOW - 2_000 }], NOW);
    expect(phases[phases.length - 2]).toEqual({ status: "running", ms: 180_000 });
    expect(phases[phases.length - 1]).toEqual({ status: "succeeded", ms: null });
    expect(timelineText(phases)).toBe(
      "queued 12s \u2192 starting 5s \u2192 running 3m 00s \u2192 succeeded",
    );
  });

  it("rounds where the phases meet, so the labels add up to the whole span", () => {
    const phases = [
      { status: "queued", ms: 1_500 },
      { status: "starting", ms: 1_500 },
      { status: "running", ms: 4_000 },
      { status: "succeeded", ms: null },
    ];
    // One by one they would floor to 1 + 1 + 4 = 6 s of a 7 s job.
    expect(phaseLabels(phases)).toEqual(["queued 1s", "starting 2s", "running 4s", "succeeded"]);
  });

  it("merges repeats and clamps out-of-order times to 0", () => {
    expect(
      phasesOf(
        [
          { status: "queued", at: 1_000 },
          { status: "queued", at: 5_000 },
          { status: "running", at: 500 },
        ],
        10_000,
      ),
    ).toEqual([
      { status: "queued", ms: 0 },
      { status: "running", ms: 9_500 },
    ]);
  });
});

describe("timeline strip", () => {
  it("is hidden with fewer than two entries", () => {
    const model = new FakeModel({ state: "queued", status: "queued" });
    const { part } = mount(model);
    expect(part("timeline").hidden).toBe(true);
    model.set("history", [{ status: "queued", at: NOW - 1_000 }]);
    expect(part("timeline").hidden).toBe(true);
    model.set("history", HISTORY.slice(0, 2));
    expect(part("timeline").hidden).toBe(false);
    model.setRaw("history", "queued,running");
    expect(part("timeline").hidden).toBe(true);
  });

  it("draws one segment per phase, in order, labelled and sized by duration", () => {
    const { part, card } = mount(new FakeModel({ state: "running", status: "running", history: HISTORY }));
    const parts = segments(card);
    expect(parts.map((s) => s.dataset.status)).toEqual(["queued", "starting", "running"]);
    expect(parts.map((s) => s.dataset.tone)).toEqual(["waiting", "active", "active"]);
    expect(parts.map((s) => s.title)).toEqual(["queued 12s", "starting 5s", "running 3m 02s"]);
    const grow = parts.map((s) => Number(s.style.flexGrow));
    expect(grow[0]).toBeCloseTo(12 / 199);
    expect(grow[1]).toBeCloseTo(5 / 199);
    expect(grow[2]).toBeCloseTo(182 / 199);
    expect(part("timeline-text").textContent).toBe(
      "queued 12s \u2192 starting 5s \u2192 running 3m 02s",
    );
  });

  it("grows the open last phase with the browser clock", () => {
    const { part, card } = mount(new FakeModel({ state: "running", status: "running", history: HISTORY }));
    const running = segments(card)[2];
    const before = Number(running?.style.flexGrow);
    vi.advanceTimersByTime(3_000);
    expect(part("timeline-text").textContent).toBe(
      "queued 12s \u2192 starting 5s \u2192 running 3m 05s",
    );
    expect(running?.title).toBe("running 3m 05s");
    expect(Number(running?.style.flexGrow)).toBeGreaterThan(before);
    expect(segments(card)[2]).toBe(running); // reused, not rebuilt, on a tick
  });

  it("stops at a final status, and the final entry is a cap without duration", () => {
    const model = new FakeModel({ state: "running", status: "running", history: HISTORY });
    const { part, card } = mount(model);
    model.set("history", [...HISTORY, { status: "failed", at: NOW }]);
    model.enter("failed");
    const text = "queued 12s \u2192 starting 5s \u2192 running 3m 02s \u2192 failed";
    expect(part("timeline-text").textContent).toBe(text);
    vi.advanceTimersByTime(60_000);
    expect(part("timeline-text").textContent).toBe(text);
    const all = segments(card);
    const last = all[all.length - 1];
    expect(last?.dataset.final).toBe("true");
    expect(last?.dataset.tone).toBe("failure");
    expect(last?.style.flexGrow).toBe("0");
    expect(segments(card)).toHaveLength(4);
  });

  it("stops an open last phase at finished_at when history lags the final state", () => {
    const model = new FakeModel({ state: "running", status: "running", history: HISTORY });
    const { part } = mount(model);
    model.set("finished_at", NOW + 2_000);
    model.enter("succeeded");
    vi.advanceTimersByTime(30_000);
    expect(part("timeline-text").textContent).toBe(
      "queued 12s \u2192 starting 5s \u2192 running 3m 04s",
    );
  });

  it("shrinks back to fewer segments when history does", () => {
    const model = new FakeModel({ state: "running", status: "running", history: HISTORY });
    const { card } = mount(model);
    model.set("history", HISTORY.slice(1));
    expect(segments(card).map((s) => s.dataset.status)).toEqual(["starting", "running"]);
  });

  it("draws a phase under a second as an unlabelled tick, never as a share", () => {
    const { card } = mount(
      new FakeModel({
        state: "running",
        status: "running",
        history: [
          { status: "queued", at: NOW - 10_000 },
          { status: "starting", at: NOW - 10_000 },
          { status: "running", at: NOW - 9_500 },
        ],
      }),
    );
    const all = segments(card);
    expect(all.map((s) => s.dataset.kind)).toEqual(["tick", "tick", "share"]);
    expect(all.map((s) => s.style.flexGrow)).toEqual(["0", "0", "1"]);
    expect(all[0]?.querySelector(".sutro-job-card__segment-label")?.textContent).toBe("");
    expect(all[0]?.title).toBe("queued 0s");
  });

  it("labels each segment with its phase and duration", () => {
    const { card } = mount(new FakeModel({ state: "running", status: "running", history: HISTORY }));
    const labels = segments(card).map((s) => s.querySelector(".sutro-job-card__segment-label")?.textContent);
    expect(labels).toEqual(["queued 12s", "starting 5s", "running 3m 02s"]);
    // A labelled strip of its own, not a second progress bar.
    expect(card.querySelector('[data-testid="timeline"] [role="progressbar"]')).toBeNull();
    expect(card.querySelector(".sutro-job-card__timeline-label")?.textContent).toBe("phases");
  });

  it.each(["stale", "stopped", "unreachable"])("freezes the open phase at last_checked_at while %s", (state) => {
    const model = new FakeModel({ state: "running", status: "running", history: HISTORY, last_checked_at: NOW - 2_000 });
    const { part } = mount(model);
    model.enter(state);
    expect(part("timeline").dataset.frozen).toBe("true");
    const frozen = "queued 12s \u2192 starting 5s \u2192 running 3m 00s";
    expect(part("timeline-text").textContent).toBe(frozen);
    vi.advanceTimersByTime(60_000);
    expect(part("timeline-text").textContent).toBe(frozen);
    model.enter("running"); // live again: the clock moves on
    expect(part("timeline").dataset.frozen).toBe("false");
    expect(part("timeline-text").textContent).toBe("queued 12s \u2192 starting 5s \u2192 running 4m 02s");
  });

  it("hides the strip from screen readers (the text says it) and keeps ticks quiet", () => {
    const { part } = mount(new FakeModel({ history: HISTORY }));
    expect(part("timeline").getAttribute("aria-live")).toBe("off");
    expect(part("timeline-segment").closest('[aria-hidden="true"]')).not.toBeNull();
    expect(part("timeline-text").closest('[aria-hidden="true"]')).toBeNull();
  });
});

describe("withServerTimes", () => {
  const at = (iso: string): number => Date.parse(iso);

  it("puts the unseen queue before a job first seen running, ending at its start", () => {
    const history = [{ status: "running", at: at("2026-01-01T10:00:00Z") }];
    const details = {
      datetime_created: "2026-01-01T09:00:00Z",
      datetime_started: "2026-01-01T09:10:00Z",
    };
    expect(withServerTimes(history, details)).toEqual([
      { status: "queued", at: at("2026-01-01T09:00:00Z") },
      { status: "running", at: at("2026-01-01T09:10:00Z") },
    ]);
    expect(timelineText(phasesOf(withServerTimes(history, details), at("2026-01-01T10:00:00Z")))).toBe(
      "queued 10m 00s \u2192 running 50m 00s",
    );
  });

  it("starts a first-seen waiting phase at the creation time", () => {
    const history = [
      { status: "queued", at: at("2026-01-01T10:00:00Z") },
      { status: "running", at: at("2026-01-01T10:05:00Z") },
    ];
    const result = withServerTimes(history, { datetime_created: "2026-01-01T09:59:00Z" });
    expect(result[0]).toEqual({ status: "queued", at: at("2026-01-01T09:59:00Z") });
    expect(result).toHaveLength(2);
  });

  it("ignores missing, unparseable or later server times", () => {
    const history = [{ status: "running", at: at("2026-01-01T10:00:00Z") }];
    expect(withServerTimes(history, {})).toBe(history);
    expect(withServerTimes(history, { datetime_created: "yesterday-ish" })).toBe(history);
    expect(withServerTimes(history, { datetime_created: "2026-01-01T11:00:00Z" })).toBe(history);
    expect(withServerTimes([], { datetime_created: "2026-01-01T09:00:00Z" })).toEqual([]);
  });

  it("keeps the observed running start when the server's start time is not usable", () => {
    const history = [{ status: "running", at: at("2026-01-01T10:00:00Z") }];
    const result = withServerTimes(history, {
      datetime_created: "2026-01-01T09:00:00Z",
      datetime_started: "2026-01-01T10:30:00Z",
    });
    expect(result).toEqual([
      { status: "queued", at: at("2026-01-01T09:00:00Z") },
      { status: "running", at: at("2026-01-01T10:00:00Z") },
    ]);
  });
});
