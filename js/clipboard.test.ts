import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "./fake-model";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  document.body.replaceChildren();
});

function stubClipboard(clipboard: unknown): void {
  vi.stubGlobal("navigator", { ...navigator, clipboard });
}

describe("copy buttons", () => {
  it("copies the job id and shows brief feedback", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    stubClipboard({ writeText });
    const { part } = mount(new FakeModel({ job_id: "job-abc" }));
    const button = part("copy-job-id");
    expect(button.textContent).toBe("Copy");
    button.click();
    await vi.waitFor(() => expect(button.textContent).toBe("Copied"));
    expect(writeText).toHaveBeenCalledWith("job-abc");
    vi.advanceTimersByTime(1_600);
    expect(button.textContent).toBe("Copy");
  });

  it("copies the metadata JSON exactly as shown", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    stubClipboard({ writeText });
    const metadata = { failure_reason: { message: "boom" }, n: [1, 2] };
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata }));
    part("copy-metadata").click();
    await vi.waitFor(() => expect(writeText).toHaveBeenCalled());
    expect(writeText).toHaveBeenCalledWith(JSON.stringify(metadata, null, 2));
  });

  it("falls back to selecting the text when the clipboard is missing", async () => {
    stubClipboard(undefined);
    const { part } = mount(new FakeModel({ job_id: "job-sel" }));
    const button = part("copy-job-id");
    expect(() => button.click()).not.toThrow();
    await vi.waitFor(() => expect(button.dataset.feedback).toBeDefined());
    expect(["Selected", "Copied"]).toContain(button.textContent);
    expect(window.getSelection()?.toString()).toBe("job-sel");
  });

  it("does not throw when the clipboard is denied", async () => {
    const writeText = vi.fn(() => Promise.reject(new DOMException("denied", "NotAllowedError")));
    stubClipboard({ writeText });
    const { part } = mount(new FakeModel({ job_id: "job-denied" }));
    const button = part("copy-job-id");
    button.click();
    await vi.waitFor(() => expect(button.dataset.feedback).toBeDefined());
    expect(writeText).toHaveBeenCalled();
    expect(button.textContent).not.toBe("Copy");
    expect(window.getSelection()?.toString()).toBe("job-denied");
  });

  it("does not touch a removed view when the clipboard answers late", async () => {
    let resolve: () => void = () => {};
    stubClipboard({ writeText: () => new Promise<void>((r) => (resolve = r)) });
    const { part, cleanup } = mount(new FakeModel());
    const button = part("copy-job-id");
    button.click();
    cleanup();
    resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(button.textContent).toBe("Copy");
    expect(vi.getTimerCount()).toBe(0);
  });
});
