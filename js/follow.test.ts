import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "./fake-model";
import { HUB_KEY, type HandedModel, type Hub } from "./lab-hub";
import type { ChangeEvent, TraitName } from "./model";

/** A Lumino-like signal a test can emit. */
class Signal<T> {
  private readonly slots = new Set<(sender: unknown, value: T) => void>();
  connect(slot: (sender: unknown, value: T) => void): void {
    this.slots.add(slot);
  }
  disconnect(slot: (sender: unknown, value: T) => void): void {
    this.slots.delete(slot);
  }
  emit(value: T): void {
    for (const slot of [...this.slots]) slot(null, value);
  }
}

/** A card model with a widget manager whose kernel the test can restart, kill or dispose. */
function cardOnKernel(traits: ConstructorParameters<typeof FakeModel>[0]) {
  const kernel = { status: "idle", isDisposed: false, statusChanged: new Signal<string>(), disposed: new Signal<void>() };
  const manager = { kernel, isDisposed: false };
  const model = Object.assign(new FakeModel(traits), { widget_manager: manager });
  return { model, kernel, manager };
}

const RUNNING = { state: "running", status: "running", deployment: "https://d/v1", last_checked_at: Date.now() };

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  delete (globalThis as Record<string, unknown>)[HUB_KEY];
  document.body.replaceChildren();
});

describe("a card whose kernel is gone", () => {
  it.each([
    ["restarting", "The kernel restarted"],
    ["autorestarting", "The kernel died"],
    ["dead", "The kernel was shut down"],
  ])("says so when the kernel is %s: not followed, last seen, no buttons", (status, says) => {
    const { model, kernel } = cardOnKernel(RUNNING);
    const { card, part } = mount(model);
    kernel.statusChanged.emit(status);
    expect(card.dataset.state).toBe("unfollowed");
    expect(part("status-word").textContent).toBe("Not followed");
    expect(part("headline-secondary").textContent).toMatch(/^last seen running/);
    expect(part("error").textContent).toContain(says);
    for (const button of ["refresh", "stop-resume", "retry", "cancel"]) expect(part(button).hidden).toBe(true);
    part("cancel").click();
    expect(model.sent).toEqual([]);
  });

  it("notices a widget manager disposed without a word (VS Code's restart)", () => {
    const { model, manager } = cardOnKernel(RUNNING);
    const { card } = mount(model);
    manager.isDisposed = true;
    vi.advanceTimersByTime(1_000);
    expect(card.dataset.state).toBe("unfollowed");
  });

  it("leaves a final card as it is", () => {
    const { model, kernel } = cardOnKernel({ ...RUNNING, state: "succeeded", status: "succeeded" });
    const { card } = mount(model);
    kernel.statusChanged.emit("restarting");
    expect(card.dataset.state).toBe("succeeded");
  });

  it("goes on, live, from JupyterLab's server where the page has the hub for its deployment", () => {
    const handedTraits: Record<string, unknown> = { ...RUNNING, job_id: "job-123", polling: true };
    const listeners = new Map<string, Set<() => void>>();
    const sent: unknown[] = [];
    const handed: HandedModel = {
      get: (name: TraitName) => handedTraits[name],
      on: (event: ChangeEvent, callback: () => void) => listeners.set(event, (listeners.get(event) ?? new Set()).add(callback)),
      off: (event: ChangeEvent, callback: () => void) => listeners.get(event)?.delete(callback),
      send: (content) => sent.push(content),
      dispose: () => undefined,
    };
    const asked: string[] = [];
    const hub: Hub = {
      version: 1,
      report: () => undefined,
      follow: (jobId, deployment) => (asked.push(`${jobId} ${deployment}`), deployment === "https://d/v1" ? handed : null),
    };
    (globalThis as Record<string, unknown>)[HUB_KEY] = hub;
    const { model, kernel } = cardOnKernel(RUNNING);
    const { card, part } = mount(model);
    kernel.statusChanged.emit("restarting");
    expect(asked).toEqual(["job-123 https://d/v1"]);
    expect(card.dataset.state).toBe("running");
    expect(part("message").textContent).toBe("Followed by JupyterLab: the kernel restarted.");
    expect(part("refresh").hidden).toBe(true);
    handedTraits["state"] = handedTraits["status"] = "succeeded";
    for (const name of ["state", "status"]) for (const callback of listeners.get(`change:${name}`) ?? []) callback();
    expect(card.dataset.state).toBe("succeeded");
    expect(model.sent).toEqual([]); // nothing ever went to the dead kernel
  });
});

describe("a card on a page with JupyterLab's extension", () => {
  it("reports its job on every change of state, once per change", () => {
    const reports: string[] = [];
    const hub: Hub = { version: 1, report: (c) => reports.push(`${c.job_id} ${c.state}/${c.status} ${c.name} ${c.deployment}`), follow: () => null };
    (globalThis as Record<string, unknown>)[HUB_KEY] = hub;
    const model = new FakeModel({ ...RUNNING, details: { name: "Tickets" } });
    mount(model);
    model.set("state", "succeeded");
    model.set("status", "succeeded");
    model.set("message", "done"); // not a change of what is reported
    expect(reports).toEqual([
      "job-123 running/running Tickets https://d/v1",
      "job-123 succeeded/running Tickets https://d/v1",
      "job-123 succeeded/succeeded Tickets https://d/v1",
    ]);
  });
});
