import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

const syncs = (model: FakeModel): number => model.sent.filter((m) => m.type === "sync").length;

describe("frontend sync", () => {
  it("asks once a second while the job runs, in frontend mode only", () => {
    vi.useFakeTimers();
    const threaded = new FakeModel({ state: "running", status: "running" });
    mount(threaded);
    const asking = new FakeModel({ state: "running", status: "running", sync_mode: "frontend" });
    mount(asking);
    vi.advanceTimersByTime(5_000);
    expect(syncs(threaded)).toBe(0);
    expect(syncs(asking)).toBeGreaterThanOrEqual(4);
    expect(syncs(asking)).toBeLessThanOrEqual(6);
  });

  it("asks one last time after the final state, then stops", () => {
    vi.useFakeTimers();
    const model = new FakeModel({ state: "running", status: "running", sync_mode: "frontend" });
    mount(model);
    vi.advanceTimersByTime(2_000);
    model.enter("succeeded");
    vi.advanceTimersByTime(2_000);
    const afterFinal = syncs(model);
    vi.advanceTimersByTime(10_000);
    expect(syncs(model)).toBe(afterFinal);
  });

  it("stops asking when the view is removed", () => {
    vi.useFakeTimers();
    const model = new FakeModel({ state: "running", status: "running", sync_mode: "frontend" });
    const { cleanup } = mount(model);
    vi.advanceTimersByTime(2_000);
    cleanup();
    const before = syncs(model);
    vi.advanceTimersByTime(10_000);
    expect(syncs(model)).toBe(before);
  });
});
