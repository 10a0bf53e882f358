import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "./fake-model";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

/** An IntersectionObserver the test drives: `show(false)` scrolls every observed card away. */
class FakeObserver {
  static all: FakeObserver[] = [];
  constructor(private readonly callback: (entries: Array<{ isIntersecting: boolean }>) => void) {
    FakeObserver.all.push(this);
  }
  observe(): void {}
  disconnect(): void {}
  static show(visible: boolean): void {
    for (const observer of FakeObserver.all) observer.callback([{ isIntersecting: visible }]);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  FakeObserver.all = [];
  vi.stubGlobal("IntersectionObserver", FakeObserver);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("a card scrolled away", () => {
  it("stops moving its clock, and catches up when seen again", () => {
    const details = { datetime_started: new Date(NOW - 10_000).toISOString() };
    const { part } = mount(new FakeModel({ state: "running", status: "running", details }));
    expect(part("elapsed").textContent).toBe("10s");
    FakeObserver.show(false);
    vi.advanceTimersByTime(5_000);
    expect(part("elapsed").textContent).toBe("10s");
    FakeObserver.show(true);
    vi.advanceTimersByTime(1_000);
    expect(part("elapsed").textContent).toBe("16s");
  });

  it("still asks for updates in frontend sync: that is not for the eye", () => {
    const model = new FakeModel({ state: "running", status: "running", sync_mode: "frontend" });
    mount(model);
    FakeObserver.show(false);
    model.sent.length = 0;
    vi.advanceTimersByTime(3_000);
    expect(model.sent.filter((message) => message.type === "sync").length).toBeGreaterThanOrEqual(2);
  });

  it("still repaints at once what the kernel sends", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    FakeObserver.show(false);
    model.enter("succeeded");
    expect(part("status-word").textContent).toBe("Succeeded");
  });
});
