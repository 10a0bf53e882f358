import { copyButton } from "../clipboard";
import { h, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";

/**
 * "Job <id> [Copy]" on the meta line.
 *
 * Reads: job_id.
 */
export function buildJobId(ctx: PartContext): { item: HTMLSpanElement; part: Part } {
  const jobId = h("code", { className: "sutro-job-card__job-id", testid: "job-id" });
  const copy = copyButton(ctx.lifetime, {
    testid: "copy-job-id",
    label: "Copy",
    ariaLabel: "Copy the job ID",
    getText: () => jobId.textContent ?? "",
    source: () => jobId,
  });
  const item = h("span", { className: "sutro-job-card__meta-item" }, [
    h("span", { className: "sutro-job-card__muted", text: "Job" }),
    document.createTextNode(" "),
    jobId,
    document.createTextNode(" "),
    copy,
  ]);
  const part = definePart(ctx, "job-id", ["job_id"] as const, (t) => setText(jobId, t.job_id));
  return { item, part };
}
