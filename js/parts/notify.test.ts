import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";

const NOW = 1_750_000_000_000;

afterEach(() => {
  vi.unstubAllGlobals();
  document.title = "";
  document.body.replaceChildren();
});

function longJob(notify: boolean): FakeModel {
  return new FakeModel({
    state: "running",
    status: "running",
    notify,
    history: [{ status: "running", at: NOW - 120_000 }],
  });
}

describe("notify when a long job ends", () => {
  it("badges the tab title once, and restores it on focus", () => {
    document.title = "demo.ipynb";
    const model = longJob(true);
    mount(model);
    model.set("finished_at", NOW);
    model.enter("succeeded");
    expect(document.title).toBe("\u2713 Succeeded \u00b7 demo.ipynb");
    window.dispatchEvent(new Event("focus"));
    expect(document.title).toBe("demo.ipynb");
  });

  it("stays quiet when off, for short jobs, and for jobs already final when shown", () => {
    document.title = "t";
    const off = longJob(false);
    mount(off);
    off.set("finished_at", NOW);
    off.enter("failed");
    const short = new FakeModel({ state: "running", status: "running", notify: true, history: [{ status: "running", at: NOW - 5_000 }] });
    mount(short);
    short.set("finished_at", NOW);
    short.enter("failed");
    mount(new FakeModel({ state: "failed", status: "failed", notify: true, finished_at: NOW, history: [{ status: "queued", at: NOW - 600_000 }] }));
    expect(document.title).toBe("t");
  });

  it("never asks for permission; notifies only where it was already granted", () => {
    const created: string[] = [];
    const requestPermission = vi.fn();
    class Granted {
      static permission = "granted";
      static requestPermission = requestPermission;
      constructor(title: string) {
        created.push(title);
      }
    }
    vi.stubGlobal("Notification", Granted);
    const model = longJob(true);
    mount(model);
    model.set("finished_at", NOW);
    model.enter("failed");
    expect(created).toEqual(["Sutro job failed"]);
    expect(requestPermission).not.toHaveBeenCalled();
  });
});
