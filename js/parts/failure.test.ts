import { describe, expect, it } from "vitest";
import {
  additionalContextText,
  buildFailureDetails,
  failureReasonText,
  hasFailureReason,
  opensOnPaint,
  showsFailureDetails,
} from "./failure";
import { Lifetime } from "../lifetime";

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
  it("shows for failed, or for any status whose metadata names a reason", () => {
    expect(showsFailureDetails("failed", {})).toBe(true);
    expect(showsFailureDetails("running", { failure_reason: "x" })).toBe(true);
    expect(showsFailureDetails("succeeded", {})).toBe(false);
    expect(showsFailureDetails("succeeded", { failure_reason: null })).toBe(false);
  });
  it("ignores empty reasons", () => {
    expect(hasFailureReason({ failure_reason: "" })).toBe(false);
    expect(hasFailureReason({})).toBe(false);
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

describe("buildFailureDetails", () => {
  it("opens once when the job becomes failed, then respects the user's choice", () => {
    const lifetime = new Lifetime();
    const details = buildFailureDetails(lifetime);
    details.paint("running", {});
    expect(details.root.hidden).toBe(true);
    expect(details.root.open).toBe(false);
    details.paint("failed", { failure_reason: "boom" });
    expect(details.root.hidden).toBe(false);
    expect(details.root.open).toBe(true);
    details.root.open = false;
    details.paint("failed", { failure_reason: "boom, more detail" });
    expect(details.root.open).toBe(false);
    lifetime.dispose();
  });
});
