import { findHub } from "../lab-hub";
import { textField } from "../model";
import { definePart, type Part, type PartContext } from "../part";

/**
 * Tells JupyterLab's Sutro extension (when it is on the page) where this card's
 * job is, on every change of state, so the extension can announce its end
 * even while the notebook is out of sight. Nothing is drawn; nothing is sent
 * to the kernel.
 *
 * Reads: job_id, state, status, raw_status, details, deployment.
 */
export function buildReport(ctx: PartContext): { part: Part } {
  let last = "";
  const part = definePart(
    ctx,
    "report",
    ["job_id", "state", "status", "raw_status", "details", "deployment"] as const,
    (t) => {
      const hub = findHub();
      if (hub === null || t.job_id === "") return;
      const card = {
        job_id: t.job_id,
        state: t.state,
        status: t.status,
        raw_status: t.raw_status,
        name: textField(t.details, "name") ?? "",
        deployment: t.deployment,
      };
      const key = JSON.stringify(card);
      if (key === last) return;
      last = key;
      hub.report(card);
    },
  );
  return { part };
}
