import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeModel, mount } from "../fake-model";
import {
  TEXT_CAP,
  additionalContextText,
  capText,
  failureCode,
  failureReason,
  failureReasonText,
  nextStep,
  opensOnPaint,
  showsFailure,
  shownMetadataJson,
} from "./failure";

describe("failureReasonText", () => {
  it("shows a string as is", () => {
    expect(failureReasonText("Out of memory")).toBe("Out of memory");
  });
  it("shows an object's message", () => {
    expect(failureReasonText({ message: "Bad input", code: 400 })).toBe("Bad input");
  });
  it("shows other values as pretty JSON, not [object Object]", () => {
    expect(failureReasonText({ code: 400 })).toBe('{\n  "code": 400\n}');
    expect(failureReasonText({ message: 42 })).toBe('{\n  "message": 42\n}');
    expect(failureReasonText(["a", "b"])).toBe('[\n  "a",\n  "b"\n]');
    expect(failureReasonText(7)).toBe("7");
  });
  it("says so when there is no reason", () => {
    expect(failureReasonText(undefined)).toBe("The server did not say why.");
    expect(failureReasonText(null)).toBe("The server did not say why.");
  });
});

describe("when the section shows", () => {
  it("shows for failed, or for any state whose metadata or details name a reason", () => {
    expect(showsFailure("failed", {}, {})).toBe(true);
    expect(showsFailure("running", { failure_reason: "x" }, {})).toBe(true);
    expect(showsFailure("running", {}, { failure_reason: "x" })).toBe(true);
    expect(showsFailure("succeeded", {}, {})).toBe(false);
    expect(showsFailure("succeeded", { failure_reason: null }, {})).toBe(false);
  });
  it("ignores empty reasons and prefers metadata's", () => {
    expect(failureReason({ failure_reason: "" }, {})).toBeUndefined();
    expect(failureReason({}, {})).toBeUndefined();
    expect(failureReason({ failure_reason: "a" }, { failure_reason: "b" })).toBe("a");
    expect(failureReason({ failure_reason: "" }, { failure_reason: "b" })).toBe("b");
  });
});

describe("failureCode", () => {
  it("looks in metadata.failure_reason.code, then metadata.error_code, then details", () => {
    expect(failureCode({ failure_reason: { code: "bad_input" }, error_code: "E1" }, {})).toBe("bad_input");
    expect(failureCode({ failure_reason: "x", error_code: "E1" }, {})).toBe("E1");
    expect(failureCode({ error_code: 429 }, {})).toBe("429");
    expect(failureCode({}, { failure_reason: { code: "quota" } })).toBe("quota");
    expect(failureCode({ error_code: "" }, {})).toBeNull();
    expect(failureCode({ error_code: { nested: 1 } }, {})).toBeNull();
  });
});

describe("nextStep", () => {
  it.each([
    ["Rate limit exceeded for this org", null, "Wait and resubmit, or lower the job's size."],
    ["Monthly quota used up", null, "Wait and resubmit, or lower the job's size."],
    ["Output did not match the schema", null, "Check the json_schema you passed."],
    ["Invalid JSON on row 17", null, "Check the json_schema you passed."],
    ["Worker timeout after 3600s", null, "Resubmit; if it repeats, split the job."],
    ["Something broke", "rate_limited", "Wait and resubmit, or lower the job's size."],
  ])("%s (code %s) -> %s", (reason, code, step) => {
    expect(nextStep(reason, code)).toBe(step);
  });
  it("says nothing when the reason does not allow a next step", () => {
    expect(nextStep("Out of memory", null)).toBeNull();
    expect(nextStep("The server did not say why.", null)).toBeNull();
  });
});

describe("capText", () => {
  it("leaves short text alone and cuts long text, saying how much is left", () => {
    expect(capText("abc", 10)).toEqual({ text: "abc", moreKb: 0 });
    expect(capText("x".repeat(TEXT_CAP + 3 * 1024), TEXT_CAP)).toEqual({ text: "x".repeat(TEXT_CAP), moreKb: 3 });
    expect(capText("x".repeat(TEXT_CAP + 1)).moreKb).toBe(1);
  });
});

describe("shownMetadataJson", () => {
  it("leaves additional_context out when it has its own block", () => {
    const metadata = { failure_reason: "x", additional_context: { row: 1 } };
    expect(shownMetadataJson(metadata)).toBe(JSON.stringify({ failure_reason: "x" }, null, 2));
    expect(shownMetadataJson({ a: 1 })).toBe(JSON.stringify({ a: 1 }, null, 2));
  });
});

describe("additionalContextText", () => {
  it("is null when absent and keeps strings and JSON otherwise", () => {
    expect(additionalContextText({})).toBeNull();
    expect(additionalContextText({ additional_context: null })).toBeNull();
    expect(additionalContextText({ additional_context: "row 17" })).toBe("row 17");
    expect(additionalContextText({ additional_context: { rows: [17] } })).toBe(
      '{\n  "rows": [\n    17\n  ]\n}',
    );
    expect(additionalContextText({ additional_context: false })).toBe("false");
  });
});

describe("opensOnPaint", () => {
  it("opens on the first paint of a failed job and on each transition into failed", () => {
    expect(opensOnPaint(null, "failed")).toBe(true);
    expect(opensOnPaint("running", "failed")).toBe(true);
    expect(opensOnPaint("", "failed")).toBe(true);
  });
  it("does not reopen on repaints while failed, nor for other statuses", () => {
    expect(opensOnPaint("failed", "failed")).toBe(false);
    expect(opensOnPaint(null, "unknown")).toBe(false);
    expect(opensOnPaint("failed", "cancelled")).toBe(false);
  });
});

describe("failure section in the card", () => {
  afterEach(() => {
    document.body.replaceChildren();
    vi.unstubAllGlobals();
  });

  it("is hidden for a succeeded job", () => {
    const { part } = mount(new FakeModel({ state: "succeeded", status: "succeeded", metadata: { rows: 10 } }));
    expect(part("failure-details").hidden).toBe(true);
  });

  it("shows reason, code, next step, context, then the metadata, in that order", () => {
    const metadata = {
      failure_reason: { message: "Rate limit exceeded", code: "rate_limited" },
      additional_context: { row: 17 },
      attempts: 3,
    };
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata }));
    expect(part("failure-reason").textContent).toBe("Rate limit exceeded");
    expect(part("failure-code").textContent).toBe("rate_limited");
    expect(part("failure-code").parentElement?.hidden).toBe(false);
    expect(part("failure-next-step").textContent).toBe("Wait and resubmit, or lower the job's size.");
    expect(part("additional-context").textContent).toBe(JSON.stringify({ row: 17 }, null, 2));
    const order = ["failure-reason", "failure-code", "failure-next-step", "additional-context", "metadata-json"];
    for (let i = 1; i < order.length; i += 1) {
      const relation = part(order[i - 1] ?? "").compareDocumentPosition(part(order[i] ?? ""));
      expect(relation & Node.DOCUMENT_POSITION_FOLLOWING, order[i]).toBeTruthy();
    }
  });

  it("shows additional_context once: in its own block, not again inside the JSON", () => {
    const metadata = { failure_reason: "x", additional_context: { marker: "ONLY-ONCE" } };
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata }));
    const section = part("failure-details").textContent ?? "";
    expect(section.split("ONLY-ONCE")).toHaveLength(2);
    expect(part("metadata-json").textContent).not.toContain("additional_context");
    expect(part("metadata-json").textContent).toContain('"failure_reason": "x"');
  });

  it("hides the code and the next step when there are none", () => {
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata: { failure_reason: "Out of memory" } }));
    expect(part("failure-code").parentElement?.hidden).toBe(true);
    expect(part("failure-next-step").hidden).toBe(true);
    expect(part("additional-context").parentElement?.hidden).toBe(true);
  });

  it("takes the reason and code from details when metadata has none", () => {
    const details = { failure_reason: { message: "Worker timeout", code: "timeout" } };
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", details }));
    expect(part("failure-reason").textContent).toBe("Worker timeout");
    expect(part("failure-code").textContent).toBe("timeout");
    expect(part("failure-next-step").textContent).toBe("Resubmit; if it repeats, split the job.");
  });

  it("caps the JSON shown at 200 KB with '… N KB more', and copies the full JSON", async () => {
    const writeText = vi.fn((text: string) => Promise.resolve(text));
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    const metadata = { failure_reason: "big", blob: "y".repeat(TEXT_CAP + 50 * 1024), additional_context: "ctx" };
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata }));
    expect(part("metadata-json").textContent).toHaveLength(TEXT_CAP);
    expect(part("metadata-json-more").hidden).toBe(false);
    expect(part("metadata-json-more").textContent).toMatch(/^\u2026 5\d KB more$/);
    part("copy-metadata").click();
    await vi.waitFor(() => expect(writeText).toHaveBeenCalledTimes(1));
    expect(writeText.mock.calls[0]?.[0]).toBe(JSON.stringify(metadata, null, 2));
  });

  it("shows no '… more' note for JSON under the cap", () => {
    const { part } = mount(new FakeModel({ state: "failed", status: "failed", metadata: { failure_reason: "x" } }));
    expect(part("metadata-json-more").hidden).toBe(true);
  });

  it("opens once when the job becomes failed, then keeps the user's choice", () => {
    const model = new FakeModel({ state: "running", status: "running" });
    const { part } = mount(model);
    const section = part("failure-details") as HTMLDetailsElement;
    expect(section.hidden).toBe(true);
    model.set("metadata", { failure_reason: "boom" });
    expect(section.open).toBe(false); // a reason on a running job shows, closed
    model.enter("failed");
    expect(section.open).toBe(true);
    section.open = false;
    model.set("metadata", { failure_reason: "boom, more detail" });
    expect(section.open).toBe(false);
    expect(part("failure-reason").textContent).toBe("boom, more detail");
  });

  it("opens after the first sync of a model that was empty", () => {
    const model = new FakeModel({}, { empty: true });
    const { part } = mount(model);
    model.enter("failed");
    expect((part("failure-details") as HTMLDetailsElement).open).toBe(true);
  });
});
