import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "./fake-model";
import { TRAIT_DEFAULTS, TRAIT_NAMES, type TraitName, type Traits } from "./model";
import * as entry from "./widget";
import widget from "./widget";
import { buildCard, paintersByTrait } from "./card";
import { Lifetime } from "./lifetime";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
/** Every trait but started_at (which no painter reads) has one listener per view. */
const TRAIT_COUNT = TRAIT_NAMES.length - 1;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("module shape", () => {
  it("exports default { render } as anywidget expects, and no named render", () => {
    expect(typeof widget.render).toBe("function");
    expect(Object.keys(widget)).toEqual(["render"]);
    expect("render" in entry).toBe(false);
    expect(Object.keys(entry)).toEqual(["default"]);
  });

  it("renders one scoped live-region card", () => {
    const { el, card } = mount(new FakeModel());
    expect(el.querySelectorAll(".sutro-job-card")).toHaveLength(1);
    expect(card.getAttribute("role")).toBe("status");
    expect(card.getAttribute("aria-live")).toBe("polite");
  });

  it("survives a model whose traits have not synced yet", () => {
    const { part, card } = mount(new FakeModel({}, { empty: true }));
    expect(part("status-word").textContent).toBe("Connecting");
    expect(card.dataset.status).toBe("");
    expect(part("checked-ago").hidden).toBe(true); // polling reads false until synced
  });
});

describe("trait -> painters map", () => {
  it("knows the contract's 22 traits, one list derived from TRAIT_DEFAULTS", () => {
    expect(TRAIT_NAMES).toEqual(Object.keys(TRAIT_DEFAULTS));
    expect(TRAIT_NAMES).toHaveLength(22);
  });

  it("subscribes every trait to exactly the parts that declare they read it", () => {
    const card = buildCard(new FakeModel(), new Lifetime());
    const map = paintersByTrait(card.parts);
    expect([...map.keys()].sort()).toEqual(TRAIT_NAMES.filter((name) => name !== "started_at").sort());
    for (const [trait, parts] of map) {
      for (const part of card.parts) expect(parts.includes(part), `${trait} / ${part.name}`).toBe(part.reads.includes(trait));
    }
  });

  it("hands each painter only the traits it declared", () => {
    const model = new FakeModel();
    const card = buildCard(model, new Lifetime());
    const get = vi.spyOn(model, "get");
    for (const part of card.parts) {
      get.mockClear();
      part.paint();
      const read = new Set(get.mock.calls.map(([name]) => name));
      expect([...read].sort(), part.name).toEqual([...part.reads].sort());
    }
  });

  /**
   * For every trait: a card in a state where the trait matters, a new value,
   * and what must change on screen. If a painter stopped being subscribed to
   * a trait it depends on, the change would not show and this would fail.
   */
  const SCENARIOS: { [K in TraitName]: { base: Partial<Traits>; value: Traits[K]; shows: string } } = {
    job_id: { base: {}, value: "job-new", shows: "job-new" },
    state: { base: { status: "running" }, value: "stale", shows: "Contact lost" },
    status: { base: { state: "stale", status: "running", last_checked_at: NOW }, value: "queued", shows: "last seen queued" },
    raw_status: { base: { state: "unknown", status: "unknown" }, value: "PAUSED", shows: "Unknown: PAUSED" },
    message: { base: {}, value: "Halfway there", shows: "Halfway there" },
    metadata: { base: { state: "failed", status: "failed" }, value: { failure_reason: "Out of memory" }, shows: "Out of memory" },
    error: { base: {}, value: "Could not reach the API", shows: "Could not reach the API" },
    polling: { base: { state: "running", status: "running", polling: false }, value: true, shows: "not checked yet" },
    started_at: { base: {}, value: NOW - 5_000, shows: "" },
    finished_at: {
      base: { state: "succeeded", status: "succeeded", details: { datetime_started: new Date(NOW - 9_000).toISOString() } },
      value: NOW,
      shows: "took 9s",
    },
    last_checked_at: { base: { state: "running", status: "running" }, value: NOW - 3_000, shows: "checked 3s ago" },
    stopped_at: {
      base: { state: "stopped", status: "running", last_checked_at: NOW - 5_000, details: { datetime_started: new Date(NOW - 9_000).toISOString() } },
      value: NOW - 2_000,
      shows: "7s",
    },
    stale: { base: { state: "running", status: "running" }, value: true, shows: 'data-stale="true"' },
    details: { base: {}, value: { name: "Weekly tickets" }, shows: "Weekly tickets" },
    progress: { base: { state: "running", status: "running" }, value: { rows_done: 5, rows_total: 10 }, shows: "5 / 10 rows" },
    history: {
      base: { state: "running", status: "running" },
      value: [
        { status: "queued", at: NOW - 4_000 },
        { status: "running", at: NOW - 1_000 },
      ],
      shows: "queued 3s",
    },
    cancel_error: { base: { state: "running", status: "running" }, value: "Sutro refused", shows: "Sutro refused" },
    results_snippet: { base: { state: "succeeded", status: "succeeded" }, value: "so.get_job_results()", shows: "so.get_job_results()" },
    compact: { base: {}, value: true, shows: 'data-folded="true"' },
    // Behaviour, not pixels: tested in parts/sync.test.ts and parts/notify.test.ts.
    sync_mode: { base: {}, value: "frontend", shows: "" },
    notify: { base: {}, value: true, shows: "" },
    // Told to JupyterLab's extension, not drawn: tested in lab-hub.test.ts.
    deployment: { base: {}, value: "https://acme.sutro.sh/v1", shows: "" },
  };

  const INVISIBLE: TraitName[] = ["started_at", "sync_mode", "notify", "deployment"];
  it.each(TRAIT_NAMES.filter((name) => !INVISIBLE.includes(name)))("repaints what depends on %s", (name) => {
    const scenario = SCENARIOS[name];
    const model = new FakeModel(scenario.base);
    const { el } = mount(model);
    const visible = (): string => `${el.innerHTML}`;
    expect(visible()).not.toContain(scenario.shows);
    model.setRaw(name, scenario.value);
    expect(visible()).toContain(scenario.shows);
  });

  it("started_at (when the card was created) is read by no painter: the job's own times are shown", () => {
    const card = buildCard(new FakeModel(), new Lifetime());
    expect(card.parts.filter((part) => part.reads.includes("started_at"))).toEqual([]);
  });
});

describe("message and error", () => {
  it("shows the server message and hides an empty one", () => {
    const model = new FakeModel({ message: "Processing 40 of 100 rows" });
    const { part } = mount(model);
    expect(part("message").textContent).toBe("Processing 40 of 100 rows");
    expect(part("message").hidden).toBe(false);
    model.set("message", "");
    expect(part("message").hidden).toBe(true);
  });

  it("shows an error beside the last good state, then hides it again", () => {
    const model = new FakeModel({ state: "running", status: "running", message: "Halfway there" });
    const { part, card } = mount(model);
    expect(part("error").hidden).toBe(true);
    expect(part("error").getAttribute("role")).toBe("alert");
    model.set("error", "Could not reach the Sutro API; will retry.");
    model.enter("stale");
    expect(part("error").hidden).toBe(false);
    expect(part("error").textContent).toBe("Could not reach the Sutro API; will retry.");
    expect(part("message").textContent).toBe("Halfway there");
    expect(card.dataset.status).toBe("running");
    model.set("error", "");
    expect(part("error").hidden).toBe(true);
  });
});

describe("server text is never markup", () => {
  const PAYLOAD = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script>';

  it("keeps HTML in every server-provided field literal", () => {
    const model = new FakeModel({
      job_id: PAYLOAD,
      state: "unknown",
      status: "unknown",
      raw_status: PAYLOAD,
      message: PAYLOAD,
      error: PAYLOAD,
      metadata: {
        failure_reason: { message: PAYLOAD, code: PAYLOAD },
        error_code: PAYLOAD,
        additional_context: PAYLOAD,
        nested: { html: PAYLOAD },
      },
    });
    const { card, part } = mount(model);
    expect(part("job-id").textContent).toBe(PAYLOAD);
    expect(part("status-word").textContent).toBe(`Unknown: ${PAYLOAD}`);
    expect(part("message").textContent).toBe(PAYLOAD);
    expect(part("error").textContent).toBe(PAYLOAD);
    expect(part("failure-reason").textContent).toBe(PAYLOAD);
    expect(part("failure-code").textContent).toBe(PAYLOAD);
    expect(part("additional-context").textContent).toBe(PAYLOAD);
    expect(part("metadata-json").textContent).toContain("<img src=x onerror=");
    expect(part("compact-name").textContent).toBe(PAYLOAD);
    model.set("message", `${PAYLOAD}!`);
    model.set("metadata", { failure_reason: { message: PAYLOAD } });
    model.enter("failed");
    expect(part("message").textContent).toBe(`${PAYLOAD}!`);
    expect(part("compact-reason").textContent).toBe(PAYLOAD);
    expect(card.querySelector("img, script")).toBeNull();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });

  it("keeps HTML in details, history, status, cancel_error and the results snippet literal", () => {
    const model = new FakeModel({
      state: "stale",
      status: PAYLOAD,
      last_checked_at: NOW - 1_000,
      details: { name: PAYLOAD, model: PAYLOAD, description: PAYLOAD, failure_reason: PAYLOAD },
      history: [
        { status: PAYLOAD, at: NOW - 5_000 },
        { status: "running", at: NOW - 1_000 },
      ],
      cancel_error: PAYLOAD,
    });
    const { card, part } = mount(model);
    expect(part("headline-secondary").textContent).toBe(`last seen ${PAYLOAD} just now`);
    expect(card.dataset.status).toBe(PAYLOAD);
    expect(part("details").textContent).toBe(`${PAYLOAD} \u00B7 ${PAYLOAD}`);
    expect(part("details").title).toBe(PAYLOAD);
    expect(part("timeline-text").textContent).toBe(`${PAYLOAD} 4s \u2192 running 0s`);
    expect(part("timeline-segment").dataset.status).toBe(PAYLOAD);
    expect(part("timeline-segment").title).toBe(`${PAYLOAD} 4s`);
    expect(part("failure-reason").textContent).toBe(PAYLOAD);
    model.enter("running");
    expect(part("cancel-error").textContent).toBe(PAYLOAD);
    model.set("results_snippet", PAYLOAD);
    model.enter("succeeded");
    expect(part("results-snippet").textContent).toBe(PAYLOAD);
    expect(card.querySelector("img, script")).toBeNull();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });
});

describe("timers", () => {
  it("uses a single interval per view", () => {
    mount(new FakeModel());
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe("cleanup", () => {
  function expectDead(model: FakeModel, parts: ReturnType<typeof mount>): void {
    const { part, el } = parts;
    expect(model.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const before = part("elapsed").textContent;
    vi.advanceTimersByTime(10_000);
    expect(part("elapsed").textContent).toBe(before);
    const timeline = part("timeline-text").textContent;
    vi.advanceTimersByTime(10_000);
    expect(part("timeline-text").textContent).toBe(timeline);
    model.enter("failed");
    expect(part("status-word").textContent).toBe("Running");
    part("refresh").click();
    part("cancel").click();
    expect(part("cancel-confirm").hidden).toBe(true);
    part("cancel-yes").click();
    expect(model.sent).toEqual([]);
    expect(el.querySelector(".sutro-job-card")).toBeNull();
  }

  const runningWithHistory = (): FakeModel =>
    new FakeModel({
      state: "running",
      status: "running",
      history: [
        { status: "queued", at: NOW - 5_000 },
        { status: "running", at: NOW - 2_000 },
      ],
    });

  it("undoes everything when the signal aborts", () => {
    const model = runningWithHistory();
    const controller = new AbortController();
    const mounted = mount(model, controller.signal);
    expect(model.listenerCount()).toBe(TRAIT_COUNT);
    controller.abort();
    expectDead(model, mounted);
  });

  it("undoes everything when the returned cleanup is called", () => {
    const model = runningWithHistory();
    const controller = new AbortController();
    const mounted = mount(model, controller.signal);
    mounted.cleanup();
    expectDead(model, mounted);
    expect(() => controller.abort()).not.toThrow();
    expect(() => mounted.cleanup()).not.toThrow();
  });

  it("clears a pending copy-feedback timer", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    const model = new FakeModel();
    const mounted = mount(model);
    mounted.part("copy-job-id").click();
    await vi.waitFor(() => expect(mounted.part("copy-job-id").textContent).toBe("Copied"));
    expect(vi.getTimerCount()).toBe(2);
    mounted.cleanup();
    expect(vi.getTimerCount()).toBe(0);
    vi.unstubAllGlobals();
  });

  it("removes every DOM listener it added", () => {
    const added = new Set<unknown>();
    const add = vi.spyOn(EventTarget.prototype, "addEventListener").mockImplementation(function (
      this: EventTarget,
      type: string,
      listener: unknown,
    ) {
      added.add(listener);
      void type;
    });
    const remove = vi
      .spyOn(EventTarget.prototype, "removeEventListener")
      .mockImplementation(function (this: EventTarget, type: string, listener: unknown) {
        added.delete(listener);
        void type;
      });
    try {
      const mounted = mount(runningWithHistory());
      // Refresh, Stop, Retry, Cancel, Yes, No, the confirm's Escape, fold and three copy buttons.
      expect(added.size).toBe(11);
      mounted.cleanup();
      expect(added.size).toBe(0);
    } finally {
      add.mockRestore();
      remove.mockRestore();
    }
  });

  it("cleans up at once when rendered with an already-aborted signal", () => {
    const model = new FakeModel();
    const controller = new AbortController();
    controller.abort();
    const el = document.createElement("div");
    const cleanup = widget.render({ model, el, signal: controller.signal });
    expect(el.childElementCount).toBe(0);
    expect(typeof cleanup).toBe("function");
    expect(model.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("works without a signal (older hosts)", () => {
    const model = new FakeModel();
    const { cleanup } = mount(model);
    expect(model.listenerCount()).toBe(TRAIT_COUNT);
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});

describe("two views of one model", () => {
  it("update together and clean up independently", () => {
    const model = new FakeModel({ state: "running", status: "running", history: [{ status: "running", at: NOW }] });
    const a = mount(model);
    const b = mount(model);
    expect(model.listenerCount()).toBe(2 * TRAIT_COUNT);
    model.set("message", "both");
    expect(a.part("message").textContent).toBe("both");
    expect(b.part("message").textContent).toBe("both");

    a.cleanup();
    expect(model.listenerCount()).toBe(TRAIT_COUNT);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3_000);
    model.enter("failed");
    expect(b.part("status-word").textContent).toBe("Failed");
    expect(a.part("status-word").textContent).toBe("Running");
    expect(a.part("elapsed").textContent).toBe("0s");
  });

  it("keep their own details open state", () => {
    const model = new FakeModel({ state: "failed", status: "failed", metadata: { failure_reason: "x" } });
    const a = mount(model);
    const b = mount(model);
    (a.part("failure-details") as HTMLDetailsElement).open = false;
    model.set("metadata", { failure_reason: "y" });
    expect((a.part("failure-details") as HTMLDetailsElement).open).toBe(false);
    expect((b.part("failure-details") as HTMLDetailsElement).open).toBe(true);
  });
});
