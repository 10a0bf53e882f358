import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { SERVER_STATUSES } from "../states";

const SNIPPET = 'import sutro as so\n\nresults = so.get_job_results("job-123")';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe("results snippet", () => {
  it("shows only for a succeeded job with a snippet", () => {
    const model = new FakeModel({ results_snippet: SNIPPET });
    const { part } = mount(model);
    for (const status of SERVER_STATUSES) {
      model.enter(status);
      expect(part("results").hidden, status).toBe(status !== "succeeded");
    }
    model.enter("succeeded");
    expect(part("results").textContent).toContain("Fetch the results");
    expect(part("results-snippet").tagName).toBe("PRE");
    expect(part("results-snippet").textContent).toBe(SNIPPET);
    model.set("results_snippet", "");
    expect(part("results").hidden).toBe(true);
  });

  it("appears when the snippet arrives after the final status", () => {
    const model = new FakeModel({ state: "succeeded", status: "succeeded" });
    const { part } = mount(model);
    expect(part("results").hidden).toBe(true);
    model.set("results_snippet", SNIPPET);
    expect(part("results").hidden).toBe(false);
  });

  it("copies the snippet exactly", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    try {
      const { part } = mount(new FakeModel({ state: "succeeded", status: "succeeded", results_snippet: SNIPPET }));
      part("copy-results").click();
      await vi.waitFor(() => expect(part("copy-results").textContent).toBe("Copied"));
      expect(writeText).toHaveBeenCalledWith(SNIPPET);
    } finally {
      vi.useRealTimers();
    }
  });
});
