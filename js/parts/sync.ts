import { definePart, type Part, type PartContext } from "../part";
import { isFinal } from "../states";

/** How often a view in "frontend" sync asks Python for what changed. */
export const SYNC_INTERVAL_MS = 1000;

/**
 * Frontend-driven updates, for hosts that drop comm messages sent from the
 * kernel's poller thread (Colab): while the job is not final, this view asks
 * `{type: "sync"}` once a second and Python answers from its message handler,
 * which those hosts do deliver. In "thread" sync it does nothing.
 *
 * Reads: sync_mode, state.
 */
export function buildSync(ctx: PartContext): { part: Part } {
  let lastAsked = 0;
  let askedAfterFinal = false;
  const part = definePart(
    ctx,
    "sync",
    ["sync_mode", "state"] as const,
    (t, now) => {
      if (t.sync_mode !== "frontend") return;
      const final = isFinal(t.state);
      if (final && askedAfterFinal) return; // one last ask brings the final details
      if (now - lastAsked < SYNC_INTERVAL_MS * 0.9) return;
      lastAsked = now;
      askedAfterFinal = final;
      ctx.model.send({ type: "sync" });
    },
    { ticks: true, ticksOffScreen: true }, // asking is not for the eye
  );
  return { part };
}
