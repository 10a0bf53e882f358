import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import { compactView, lineReason, tqdmText } from "./compact";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString();
const RUNNING = {
  state: "running",
  status: "running",
  details: { name: "Summarise tickets", datetime_started: iso(NOW - 61_000) },
  progress: { rows_done: 673, rows_total: 2000, rows_per_second: 10.7, tokens_per_second: 900, eta_seconds: 124 },
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("tqdmText", () => {
  const rates = { rows: 10.7, tokens: 900, eta: 124 };
  it("reads like tqdm while the job moves", () => {
    expect(tqdmText({ done: 673, total: 2000, percent: 33, showRates: true }, rates, 61_000)).toBe(
      "673/2000 [01:01<02:04, 10.7 rows/s]",
    );
  });
  it("falls back to tokens/s, and '?' for what is unknown", () => {
    const counts = { done: 5, total: null, percent: null, showRates: true };
    expect(tqdmText(counts, { rows: null, tokens: 900, eta: null }, null)).toBe("5 [?<?, 900 tok/s]");
  });
  it("shows only counts and elapsed when nothing moves", () => {
    expect(tqdmText({ done: 2000, total: 2000, percent: 100, showRates: false }, rates, 192_000)).toBe(
      "2000/2000 [03:12]",
    );
    expect(tqdmText(null, rates, 3_723_000)).toBe("[1:02:03]");
    expect(tqdmText(null, rates, null)).toBe("");
  });
});

describe("compactView (shared with the board's rows)", () => {
  it("gives percent, counts and the tqdm text from a progress record", () => {
    const view = compactView(RUNNING.progress, "running", 61_000);
    expect(view.percent).toBe("33%");
    expect(view.counts?.total).toBe(2000);
    expect(view.text).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
  });
  it("shows a succeeded job full and a job without rows as elapsed only", () => {
    expect(compactView({ rows_total: 10 }, "succeeded", 5_000)).toMatchObject({ percent: "100%", text: "10/10 [00:05]" });
    expect(compactView({}, "queued", null)).toEqual({ counts: null, percent: "", text: "" });
  });
  it("cuts a reason for one line", () => {
    expect(lineReason("x".repeat(1000))).toHaveLength(300);
  });
});

describe("fold", () => {
  it("starts folded when `compact` is true, and the button toggles this view only", () => {
    const model = new FakeModel({ ...RUNNING, compact: true });
    const a = mount(model);
    const b = mount(model);
    expect(a.card.classList).toContain("sutro-job-card--folded");
    expect(a.card.dataset.folded).toBe("true");
    expect(a.part("fold").getAttribute("aria-expanded")).toBe("false");
    a.part("fold").click();
    expect(a.card.classList).not.toContain("sutro-job-card--folded");
    expect(a.part("fold").getAttribute("aria-expanded")).toBe("true");
    expect(b.card.classList).toContain("sutro-job-card--folded");
    expect(model.sent).toEqual([]); // folding is local: no message, no trait
  });

  it("starts open when `compact` is false, and follows a later change of the trait", () => {
    const model = new FakeModel(RUNNING);
    const { card, part } = mount(model);
    expect(card.dataset.folded).toBe("false");
    expect(part("fold").getAttribute("aria-expanded")).toBe("true");
    model.set("compact", true);
    expect(card.dataset.folded).toBe("true");
    part("fold").click();
    model.set("progress", { rows_done: 700, rows_total: 2000 }); // unrelated repaint keeps the user's choice
    expect(card.dataset.folded).toBe("false");
  });
});

describe("compact line", () => {
  it("holds name, percent, a bar and the tqdm text", () => {
    const { part } = mount(new FakeModel({ ...RUNNING, compact: true }));
    expect(part("compact-name").textContent).toBe("Summarise tickets");
    expect(part("compact-percent").textContent).toBe("33%");
    expect(part("compact-bar").hidden).toBe(false);
    expect((part("compact-bar").firstElementChild as HTMLElement).style.width).toBe("33%");
    expect(part("compact-progress").textContent).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
    expect(part("compact-reason").hidden).toBe(true);
    // The headline's icon and word start the same line (one head row).
    const head = part("compact-line").parentElement;
    expect(head?.contains(part("status-word"))).toBe(true);
    expect(head?.contains(part("fold"))).toBe(true);
  });

  it("falls back to the job id and hides the bar while progress is unknown", () => {
    const { part } = mount(new FakeModel({ state: "queued", status: "queued", job_id: "job-9" }));
    expect(part("compact-name").textContent).toBe("job-9");
    expect(part("compact-bar").hidden).toBe(true);
    expect(part("compact-percent").hidden).toBe(true);
  });

  it("puts a failed job's reason on the same line", () => {
    const model = new FakeModel({ ...RUNNING, metadata: { failure_reason: { message: "Invalid JSON on row 17" } } });
    const { part } = mount(model);
    model.set("finished_at", NOW);
    model.enter("failed");
    expect(part("compact-reason").hidden).toBe(false);
    expect(part("compact-reason").textContent).toBe("Invalid JSON on row 17");
    expect(part("compact-progress").textContent).toBe("673/2000 [01:01]");
  });

  it("keeps its clock still once the state is not live", () => {
    const model = new FakeModel({ ...RUNNING, last_checked_at: NOW });
    const { part } = mount(model);
    model.enter("stale");
    vi.advanceTimersByTime(30_000);
    expect(part("compact-progress").textContent).toBe("673/2000 [01:01<02:04, 10.7 rows/s]");
    expect(part("compact-progress").classList).toContain("sutro-job-card__live");
  });
});
