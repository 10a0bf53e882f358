import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "./fake-model";
import { CANONICAL_STATUSES } from "./states";
import widget from "./widget";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const TRAIT_COUNT = 16;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe("module shape", () => {
  it("exports default { render } as anywidget expects", () => {
    expect(typeof widget.render).toBe("function");
  });

  it("renders one scoped live-region card", () => {
    const { el, card } = mount(new FakeModel());
    expect(el.querySelectorAll(".sutro-job-card")).toHaveLength(1);
    expect(card.getAttribute("role")).toBe("status");
    expect(card.getAttribute("aria-live")).toBe("polite");
  });

  it("survives a model whose traits have not synced yet", () => {
    const { part, card } = mount(new FakeModel({}, { empty: true }));
    expect(part("status-word").textContent).toBe("Unknown");
    expect(card.dataset.status).toBe("");
    expect(part("checked-ago").textContent).toBe("not checked yet");
  });
});

describe("status", () => {
  it("shows a distinct icon and word and sets data-status for every canonical status", () => {
    const model = new FakeModel();
    const { card, part } = mount(model);
    const icons = new Set<string>();
    const words = new Set<string>();
    for (const status of CANONICAL_STATUSES) {
      model.set("status", status);
      expect(card.dataset.status).toBe(status);
      const word = part("status-word").textContent ?? "";
      expect(word).toBe(status[0]?.toUpperCase() + status.slice(1));
      icons.add(part("status-icon").textContent ?? "");
      words.add(word);
    }
    expect(icons.size).toBe(CANONICAL_STATUSES.length);
    expect(words.size).toBe(CANONICAL_STATUSES.length);
    expect(part("status-icon").getAttribute("aria-hidden")).toBe("true");
  });

  it("shows the raw value for unknown: 'Unknown: PAUSED'", () => {
    const model = new FakeModel({ status: "running", raw_status: "RUNNING" });
    const { part, card } = mount(model);
    model.set("status", "unknown");
    model.set("raw_status", "PAUSED");
    expect(part("status-word").textContent).toBe("Unknown: PAUSED");
    expect(card.dataset.status).toBe("unknown");
  });

  it("sets a colour tone per status", () => {
    const model = new FakeModel({ status: "running" });
    const { card } = mount(model);
    expect(card.dataset.tone).toBe("active");
    model.set("status", "failed");
    expect(card.dataset.tone).toBe("failure");
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

  it("hides the error while it is empty", () => {
    const { part } = mount(new FakeModel());
    expect(part("error").hidden).toBe(true);
    expect(part("error").getAttribute("role")).toBe("alert");
  });

  it("shows an error beside the last good state, then hides it again", () => {
    const model = new FakeModel({ status: "running", message: "Halfway there" });
    const { part, card } = mount(model);
    model.set("error", "Could not reach the Sutro API; will retry.");
    expect(part("error").hidden).toBe(false);
    expect(part("error").textContent).toBe("Could not reach the Sutro API; will retry.");
    expect(part("status-word").textContent).toBe("Running");
    expect(part("message").textContent).toBe("Halfway there");
    expect(card.dataset.status).toBe("running");
    model.set("error", "");
    expect(part("error").hidden).toBe(true);
    expect(part("error").textContent).toBe("");
  });
});

describe("failure details", () => {
  it("is hidden for a succeeded job", () => {
    const { part } = mount(new FakeModel({ status: "succeeded", metadata: { rows: 10 } }));
    expect(part("failure-details").hidden).toBe(true);
  });

  it("shows a string failure_reason first, then pretty metadata JSON", () => {
    const metadata = { failure_reason: "Out of memory", rows: 10 };
    const model = new FakeModel({ status: "running" });
    const { part } = mount(model);
    model.set("metadata", metadata);
    model.set("status", "failed");
    const details = part("failure-details") as HTMLDetailsElement;
    expect(details.tagName).toBe("DETAILS");
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(true); // opened once, on the transition into failed
    expect(details.querySelector("summary")?.textContent).toBe("Why it failed");
    expect(part("failure-reason").textContent).toBe("Out of memory");
    expect(part("metadata-json").tagName).toBe("PRE");
    expect(part("metadata-json").textContent).toBe(JSON.stringify(metadata, null, 2));
    // Reason comes before the JSON in document order.
    const order = part("failure-reason").compareDocumentPosition(part("metadata-json"));
    expect(order & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("shows an object failure_reason's message and nested context", () => {
    const metadata = {
      failure_reason: { message: "Invalid JSON on row 17", code: "bad_input" },
      additional_context: { row: 17, sample: { text: "{oops" } },
    };
    const { part } = mount(new FakeModel({ status: "failed", metadata }));
    expect(part("failure-reason").textContent).toBe("Invalid JSON on row 17");
    expect(part("additional-context").textContent).toBe(
      JSON.stringify(metadata.additional_context, null, 2),
    );
    expect(part("metadata-json").textContent).toBe(JSON.stringify(metadata, null, 2));
    expect(part("metadata-json").textContent).toContain('"code": "bad_input"');
  });

  it("hides the context block when there is none", () => {
    const { part } = mount(new FakeModel({ status: "failed", metadata: { failure_reason: "x" } }));
    expect(part("additional-context").parentElement?.hidden).toBe(true);
  });

  it("shows for a non-failed status whose metadata has a failure_reason", () => {
    const { part } = mount(new FakeModel({ status: "unknown", metadata: { failure_reason: "Quota" } }));
    expect(part("failure-details").hidden).toBe(false);
    expect(part("failure-reason").textContent).toBe("Quota");
  });

  it("opens by itself once for a job first drawn failed, then keeps the user's choice", () => {
    const model = new FakeModel({ status: "failed", metadata: { failure_reason: "a" } });
    const { part } = mount(model);
    const details = part("failure-details") as HTMLDetailsElement;
    expect(details.open).toBe(true);
    details.open = false;
    model.set("metadata", { failure_reason: "b" });
    model.set("status", "failed");
    model.set("error", "blip");
    expect(part("failure-details")).toBe(details);
    expect(details.open).toBe(false);
    expect(part("failure-reason").textContent).toBe("b");
    details.open = true;
    model.set("metadata", { failure_reason: "c" });
    expect(details.open).toBe(true);
  });

  it("opens when this view sees the job become failed, but not for a reason on another status", () => {
    const model = new FakeModel({ status: "unknown", metadata: { failure_reason: "Quota" } });
    const { part } = mount(model);
    const details = part("failure-details") as HTMLDetailsElement;
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(false);
    model.set("status", "running");
    expect(details.open).toBe(false);
    model.set("status", "failed");
    expect(details.open).toBe(true);
  });

  it("opens after the first sync of a model that was empty", () => {
    const model = new FakeModel({}, { empty: true });
    const { part } = mount(model);
    model.set("status", "failed");
    expect((part("failure-details") as HTMLDetailsElement).open).toBe(true);
  });
});

describe("server text is never markup", () => {
  const PAYLOAD = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script>';

  it("keeps HTML in every server-provided field literal", () => {
    const model = new FakeModel({
      job_id: PAYLOAD,
      status: "unknown",
      raw_status: PAYLOAD,
      message: PAYLOAD,
      error: PAYLOAD,
      metadata: {
        failure_reason: PAYLOAD,
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
    expect(part("additional-context").textContent).toBe(PAYLOAD);
    expect(part("metadata-json").textContent).toContain("<img src=x onerror=");
    // And after updates, not only on first paint.
    model.set("message", `${PAYLOAD}!`);
    model.set("metadata", { failure_reason: { message: PAYLOAD } });
    expect(part("message").textContent).toBe(`${PAYLOAD}!`);
    expect(part("failure-reason").textContent).toBe(PAYLOAD);
    expect(card.querySelector("img, script")).toBeNull();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });

  it("keeps HTML in details, history, cancel_error and the results snippet literal", () => {
    const model = new FakeModel({
      status: "running",
      details: { name: PAYLOAD, model: PAYLOAD, description: PAYLOAD },
      history: [
        { status: PAYLOAD, at: NOW - 5_000 },
        { status: "running", at: NOW - 1_000 },
      ],
      cancel_error: PAYLOAD,
    });
    const { card, part } = mount(model);
    expect(part("details").textContent).toBe(`${PAYLOAD} \u00B7 ${PAYLOAD}`);
    expect(part("details").title).toBe(PAYLOAD);
    expect(part("timeline-text").textContent).toBe(`${PAYLOAD} 4s \u2192 running 1s`);
    expect(part("timeline-segment").dataset.status).toBe(PAYLOAD);
    expect(part("timeline-segment").title).toBe(`${PAYLOAD} 4s`);
    expect(part("cancel-error").textContent).toBe(PAYLOAD);
    model.set("results_snippet", PAYLOAD);
    model.set("status", "succeeded");
    expect(part("results-snippet").textContent).toBe(PAYLOAD);
    expect(card.querySelector("img, script")).toBeNull();
    expect((globalThis as Record<string, unknown>)["__pwned"]).toBeUndefined();
  });
});

describe("buttons", () => {
  it("Refresh sends refresh", () => {
    const model = new FakeModel();
    const { part } = mount(model);
    part("refresh").click();
    expect(model.sent).toEqual([{ type: "refresh" }]);
  });

  it("Stop/Resume follows polling and sends the matching message", () => {
    const model = new FakeModel({ status: "running", polling: true });
    const { part } = mount(model);
    const button = part("stop-resume");
    expect(button.textContent).toBe("Stop");
    button.click();
    expect(model.sent).toEqual([{ type: "stop" }]);
    model.set("polling", false);
    expect(button.textContent).toBe("Resume");
    expect(button.hidden).toBe(false);
    button.click();
    expect(model.sent).toEqual([{ type: "stop" }, { type: "resume" }]);
  });

  it("hides Resume once the status is final, but keeps Stop while polling", () => {
    const model = new FakeModel({ status: "running", polling: false });
    const { part } = mount(model);
    for (const final of ["succeeded", "failed", "cancelled"]) {
      model.set("status", final);
      expect(part("stop-resume").hidden).toBe(true);
    }
    model.set("polling", true);
    expect(part("stop-resume").hidden).toBe(false);
    expect(part("stop-resume").textContent).toBe("Stop");
  });

  it("never writes traits", () => {
    const model = new FakeModel({ status: "running" });
    const setSpy = vi.spyOn(model, "setRaw");
    const { part } = mount(model);
    part("refresh").click();
    part("stop-resume").click();
    expect(setSpy).not.toHaveBeenCalled();
  });
});

describe("clock", () => {
  it("counts elapsed time in the browser since started_at", () => {
    const model = new FakeModel({ started_at: NOW - 45_000 });
    const { part } = mount(model);
    expect(part("elapsed").textContent).toBe("45s");
    vi.advanceTimersByTime(142_000);
    expect(part("elapsed").textContent).toBe("3m 07s");
    vi.advanceTimersByTime((2 * 3600 + 5 * 60) * 1000 - 187_000);
    expect(part("elapsed").textContent).toBe("2h 05m");
  });

  it("labels elapsed as time following the job", () => {
    const model = new FakeModel({ started_at: NOW - 1_000 });
    const { part } = mount(model);
    const group = part("elapsed").parentElement;
    expect(group?.textContent).toBe("following for 1s");
    expect(group?.getAttribute("title")).toMatch(/began following the job/);
  });

  it("stops at finished_at", () => {
    const model = new FakeModel({ started_at: NOW - 10_000, status: "running" });
    const { part } = mount(model);
    model.set("finished_at", NOW - 5_000);
    expect(part("elapsed").textContent).toBe("5s");
    vi.advanceTimersByTime(60_000);
    expect(part("elapsed").textContent).toBe("5s");
    expect(part("elapsed").parentElement?.textContent).toBe("followed for 5s");
  });

  it("hides elapsed until started_at is set", () => {
    const model = new FakeModel();
    const { part } = mount(model);
    expect(part("elapsed").parentElement?.hidden).toBe(true);
    model.set("started_at", NOW);
    expect(part("elapsed").parentElement?.hidden).toBe(false);
    expect(part("elapsed").textContent).toBe("0s");
  });

  it("shows checked-ago, ticking every second, clamped for clock skew", () => {
    const model = new FakeModel();
    const { part } = mount(model);
    expect(part("checked-ago").textContent).toBe("not checked yet");
    model.set("last_checked_at", NOW - 3_000);
    expect(part("checked-ago").textContent).toBe("checked 3s ago");
    vi.advanceTimersByTime(1_000);
    expect(part("checked-ago").textContent).toBe("checked 4s ago");
    model.set("last_checked_at", Date.now() + 2_000);
    expect(part("checked-ago").textContent).toBe("checked 0s ago");
  });

  it("says when the state is stale instead of presenting it as current", () => {
    const model = new FakeModel();
    const { part, card } = mount(model);
    model.set("status", "running");
    model.set("last_checked_at", NOW - 125_000);
    model.set("error", "Could not connect to api.sutro.sh: is the server up and reachable?");
    model.set("stale", true);
    expect(part("checked-ago").textContent).toBe("last confirmed 2m 05s ago, reconnecting\u2026");
    expect(card.dataset.stale).toBe("true");
    expect(part("status-word").textContent).toBe("Running"); // the last good state stays
    vi.advanceTimersByTime(1_000);
    expect(part("checked-ago").textContent).toBe("last confirmed 2m 06s ago, reconnecting\u2026");
    model.set("stale", false);
    model.set("last_checked_at", Date.now());
    expect(part("checked-ago").textContent).toBe("checked 0s ago");
    expect(card.dataset.stale).toBe("false");
  });

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
    model.set("status", "failed");
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
      status: "running",
      started_at: NOW - 5_000,
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
      // Refresh, Stop, Cancel, Yes, No, the confirm's Escape and three copy buttons.
      expect(added.size).toBe(9);
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
    const model = new FakeModel({ status: "running", started_at: NOW });
    const a = mount(model);
    const b = mount(model);
    expect(model.listenerCount()).toBe(2 * TRAIT_COUNT);
    model.set("status", "succeeded");
    expect(a.part("status-word").textContent).toBe("Succeeded");
    expect(b.part("status-word").textContent).toBe("Succeeded");

    a.cleanup();
    expect(model.listenerCount()).toBe(TRAIT_COUNT);
    expect(vi.getTimerCount()).toBe(1);
    model.set("status", "failed");
    vi.advanceTimersByTime(3_000);
    expect(b.part("status-word").textContent).toBe("Failed");
    expect(b.part("elapsed").textContent).toBe("3s");
    expect(a.part("status-word").textContent).toBe("Succeeded");
    expect(a.part("elapsed").textContent).toBe("0s");
  });

  it("keep their own details open state", () => {
    const model = new FakeModel({ status: "failed", metadata: { failure_reason: "x" } });
    const a = mount(model);
    const b = mount(model);
    (a.part("failure-details") as HTMLDetailsElement).open = false;
    model.set("metadata", { failure_reason: "y" });
    expect((a.part("failure-details") as HTMLDetailsElement).open).toBe(false);
    expect((b.part("failure-details") as HTMLDetailsElement).open).toBe(true);
    b.part("refresh").click();
    expect(model.sent).toEqual([{ type: "refresh" }]);
  });
});
