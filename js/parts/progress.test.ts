import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { percentDone, progressView } from "./progress";

afterEach(() => {
  document.body.replaceChildren();
});

const RUNNING = {
  rows_done: 1_234,
  rows_total: 2_000,
  input_tokens: 1_200_000,
  output_tokens: 340_000,
  tokens_per_second: 1_234,
  eta_seconds: 80,
  streaming: true,
};

describe("percentDone", () => {
  it("floors, so a job is never shown finished early", () => {
    expect(percentDone(1_234, 2_000)).toBe(61);
    expect(percentDone(1_999, 2_000)).toBe(99);
    expect(percentDone(0, 2_000)).toBe(0);
  });
  it("is exactly 100 once rows_done reaches rows_total, and clamps above", () => {
    expect(percentDone(2_000, 2_000)).toBe(100);
    expect(percentDone(2_500, 2_000)).toBe(100);
  });
  it("is null without a usable total", () => {
    expect(percentDone(5, null)).toBeNull();
    expect(percentDone(5, 0)).toBeNull();
  });
});

describe("progressView", () => {
  it("states counts, percent, rate and ETA while running", () => {
    const view = progressView(RUNNING, "running");
    expect(view?.text).toBe("1,234 / 2,000 rows \u00B7 61% \u00B7 1.2k tok/s \u00B7 about 1m 20s left");
    expect(view?.title).toBe("in 1.2M / out 340k tokens so far\nLive progress from Sutro");
    expect(view?.streaming).toBe(true);
  });

  it("leaves out each piece that is unknown", () => {
    expect(progressView({ rows_done: 10 }, "running")?.text).toBe("10 rows");
    expect(progressView({ rows_done: 10, rows_total: null, eta_seconds: 5 }, "running")?.text).toBe(
      "10 rows \u00B7 about 5s left",
    );
    expect(progressView({ rows_done: 10, rows_total: 40, tokens_per_second: 0 }, "running")?.text).toBe(
      "10 / 40 rows \u00B7 25%",
    );
    expect(progressView({ rows_done: 1 }, "running")?.title).toBe("Progress as of the last status check");
  });

  it("is hidden until rows_done is a count", () => {
    expect(progressView({}, "running")).toBeNull();
    expect(progressView({ rows_total: 10 }, "queued")).toBeNull();
    expect(progressView({ rows_done: -3, rows_total: 10 }, "running")).toBeNull();
    expect(progressView({ rows_done: "5", rows_total: 10 }, "running")).toBeNull();
  });

  it("drops the ETA once every row is done, and never says more than 100%", () => {
    expect(progressView({ rows_done: 2_100, rows_total: 2_000, eta_seconds: 3 }, "running")?.text).toBe(
      "2,100 / 2,000 rows \u00B7 100%",
    );
  });

  it("shows succeeded at 100% even when the last update lagged", () => {
    const view = progressView({ ...RUNNING, rows_done: 1_990 }, "succeeded");
    expect(view?.percent).toBe(100);
    expect(view?.text).toBe("2,000 / 2,000 rows \u00B7 100%");
    expect(view?.showRates).toBe(false);
    expect(view?.streaming).toBe(false);
    expect(progressView({}, "succeeded")).toBeNull();
    expect(progressView({ rows_done: 7 }, "succeeded")?.text).toBe("7 / 7 rows \u00B7 100%");
  });

  it("keeps the last counts for failed and cancelled jobs, without rate or ETA", () => {
    expect(progressView(RUNNING, "cancelled")?.text).toBe("1,234 / 2,000 rows \u00B7 61%");
    expect(progressView(RUNNING, "failed")?.title).toBe("in 1.2M / out 340k tokens so far");
    expect(progressView({}, "failed")).toBeNull();
  });
});

describe("progress bar", () => {
  it("is hidden while progress is {}", () => {
    const { part } = mount(new FakeModel({ state: "running", status: "running" }));
    expect(part("progress").hidden).toBe(true);
  });

  it("sets the ARIA values, the fill width and the text", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    model.set("progress", RUNNING);
    const bar = part("progress-bar");
    expect(part("progress").hidden).toBe(false);
    expect(bar.getAttribute("role")).toBe("progressbar");
    expect(bar.getAttribute("aria-valuemin")).toBe("0");
    expect(bar.getAttribute("aria-valuemax")).toBe("2000");
    expect(bar.getAttribute("aria-valuenow")).toBe("1234");
    expect(bar.getAttribute("aria-valuetext")).toBe(part("progress-text").textContent);
    expect((bar.firstElementChild as HTMLElement).style.width).toBe("61%");
    expect(part("progress-text").textContent).toBe(
      "1,234 / 2,000 rows \u00B7 61% \u00B7 1.2k tok/s \u00B7 about 1m 20s left",
    );
    expect(part("progress").dataset.streaming).toBe("true");
  });

  it("is indeterminate without a total (or with a total of 0)", () => {
    const model = new FakeModel({ state: "running", status: "running", progress: { rows_done: 40, rows_total: 100 } });
    const { part } = mount(model);
    const bar = part("progress-bar");
    const fill = bar.firstElementChild as HTMLElement;
    expect(fill.style.width).toBe("40%");
    model.set("progress", { rows_done: 40, rows_total: 0 });
    expect(bar.dataset.indeterminate).toBe("true");
    expect(bar.hasAttribute("aria-valuenow")).toBe(false);
    expect(bar.hasAttribute("aria-valuemax")).toBe(false);
    expect(fill.style.width).toBe("");
    expect(part("progress-text").textContent).toBe("40 rows");
    model.set("progress", { rows_done: 41, rows_total: 100 });
    expect(bar.dataset.indeterminate).toBeUndefined();
    expect(fill.style.width).toBe("41%");
  });

  it("clamps aria-valuenow and the width when rows_done exceeds rows_total", () => {
    const { part } = mount(
      new FakeModel({ state: "running", status: "running", progress: { rows_done: 2_500, rows_total: 2_000 } }),
    );
    expect(part("progress-bar").getAttribute("aria-valuenow")).toBe("2000");
    expect((part("progress-bar").firstElementChild as HTMLElement).style.width).toBe("100%");
  });

  it("hides on bad data instead of drawing nonsense", () => {
    const model = new FakeModel({ state: "running", status: "running", progress: { rows_done: 5, rows_total: 10 } });
    const { part } = mount(model);
    expect(part("progress").hidden).toBe(false);
    model.setRaw("progress", { rows_done: -5, rows_total: 10 });
    expect(part("progress").hidden).toBe(true);
    model.setRaw("progress", { rows_done: "5", rows_total: "10" });
    expect(part("progress").hidden).toBe(true);
    model.setRaw("progress", "50%");
    expect(part("progress").hidden).toBe(true);
    model.setRaw("progress", null);
    expect(part("progress").hidden).toBe(true);
  });

  it("jumps to 100% when the status becomes succeeded", () => {
    const model = new FakeModel({ state: "running", status: "running", progress: { rows_done: 1_990, rows_total: 2_000 } });
    const { part } = mount(model);
    expect(part("progress-bar").getAttribute("aria-valuenow")).toBe("1990");
    model.enter("succeeded");
    expect(part("progress-bar").getAttribute("aria-valuenow")).toBe("2000");
    expect((part("progress-bar").firstElementChild as HTMLElement).style.width).toBe("100%");
    expect(part("progress-text").textContent).toBe("2,000 / 2,000 rows \u00B7 100%");
    expect(part("progress").dataset.final).toBe("true");
  });

  it("keeps its updates out of the card's live announcements", () => {
    const { part } = mount(new FakeModel());
    expect(part("progress").getAttribute("aria-live")).toBe("off");
  });

  it("shows rows/s as well as tokens/s while running", () => {
    const view = progressView({ ...RUNNING, rows_per_second: 10.7 }, "running");
    expect(view?.text).toBe(
      "1,234 / 2,000 rows \u00B7 61% \u00B7 10.7 rows/s \u00B7 1.2k tok/s \u00B7 about 1m 20s left",
    );
  });

  it("shows nothing live (rate, ETA) while cancelling", () => {
    const view = progressView({ ...RUNNING, rows_per_second: 10.7 }, "cancelling");
    expect(view?.text).toBe("1,234 / 2,000 rows \u00B7 61%");
    expect(view?.streaming).toBe(false);
  });

  it("marks bar and text as live numbers, dimmed while the state is not live", () => {
    const model = new FakeModel({ state: "running", status: "running", progress: RUNNING });
    const { part, card } = mount(model);
    expect(part("progress-bar").classList).toContain("sutro-job-card__live");
    expect(part("progress-text").classList).toContain("sutro-job-card__live");
    expect(card.classList).not.toContain("sutro-job-card--dimmed");
    model.enter("stale");
    expect(card.classList).toContain("sutro-job-card--dimmed");
    // The last numbers stay, dimmed, rather than vanish: they are still the best known.
    expect(part("progress-text").textContent).toContain("1,234 / 2,000 rows");
    model.enter("running");
    expect(card.classList).not.toContain("sutro-job-card--dimmed");
  });
});
