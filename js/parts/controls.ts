import { h, setHidden, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isActive, type CardState } from "../states";

/**
 * Refresh, Stop/Resume and Retry, shown per card state exactly as the
 * contract's table says, and the one-line hint of what to check when the card
 * cannot follow the job. The hint stands in for advice the error sentence
 * does not already give (Python's 401 and 404 sentences say what to check),
 * so nothing is said twice. Buttons only send messages; Python decides.
 *
 * A card handed over to JupyterLab's server (sync_mode "jupyterlab") has no
 * kernel to refresh, stop or retry with: it shows none of the three.
 *
 * Reads: state, status (status stands in for a state not yet synced), error, sync_mode.
 */

export interface ButtonSet {
  refresh: boolean;
  stop: boolean;
  resume: boolean;
  /** The Retry button's label, or null when there is none. */
  retry: string | null;
}

/** Which buttons a state shows (Cancel is decided by cancel.ts with the same table). */
export function buttonsFor(state: CardState): ButtonSet {
  const active = isActive(state);
  const lost = state === "unreachable" || state === "stale";
  const refused = state === "not-found" || state === "unauthorized";
  return {
    refresh: active,
    stop: active || lost || state === "connecting",
    resume: state === "stopped",
    retry: refused ? "Retry" : lost ? "Retry now" : null,
  };
}

const NONE: ButtonSet = { refresh: false, stop: false, resume: false, retry: null };

/** What to check, for the states where the card cannot follow the job. */
export const HINTS: Partial<Record<CardState, string>> = {
  "not-found": "Check the job id and that it belongs to this key's account.",
  unauthorized: "Check SUTRO_API_KEY or the api_key argument.",
  unreachable: "Check the base URL and your network; retrying.",
};

const STOP_TITLE = "Stop checking this job's status (the job itself keeps running)";
const RESUME_TITLE = "Resume checking this job's status";
const RETRY_TITLE = "Start following the job again now";

export interface Controls {
  buttons: HTMLButtonElement[];
  hint: HTMLDivElement;
  part: Part;
}

function button(testid: string, text: string, title: string): HTMLButtonElement {
  return h("button", {
    className: "sutro-job-card__button",
    testid,
    text,
    attrs: { type: "button", title },
  });
}

/** Builds the three buttons (hidden until painted) and the hint line. */
export function buildControls(ctx: PartContext): Controls {
  const refresh = button("refresh", "Refresh", "Check the status now");
  const stopResume = button("stop-resume", "Stop", STOP_TITLE);
  const retry = button("retry", "Retry", RETRY_TITLE);
  const hint = h("div", { className: "sutro-job-card__hint", testid: "hint" });
  for (const node of [refresh, stopResume, retry, hint]) node.hidden = true;

  // What the Stop/Resume button means right now, set by the last paint.
  let resumes = false;
  ctx.lifetime.listen(refresh, "click", () => ctx.model.send({ type: "refresh" }));
  ctx.lifetime.listen(retry, "click", () => ctx.model.send({ type: "retry" }));
  ctx.lifetime.listen(stopResume, "click", () => ctx.model.send({ type: resumes ? "resume" : "stop" }));

  const part = definePart(ctx, "controls", ["state", "status", "error", "sync_mode"] as const, (t) => {
    const state = cardStateOf(t.state, t.status);
    const shown = t.sync_mode === "jupyterlab" ? NONE : buttonsFor(state);
    resumes = shown.resume;
    setHidden(refresh, !shown.refresh);
    setHidden(stopResume, !(shown.stop || shown.resume));
    setText(stopResume, resumes ? "Resume" : "Stop");
    stopResume.title = resumes ? RESUME_TITLE : STOP_TITLE;
    setHidden(retry, shown.retry === null);
    setText(retry, shown.retry ?? "Retry");
    const advised = state !== "unreachable" && /check /i.test(t.error);
    const text = advised ? "" : (HINTS[state] ?? "");
    setText(hint, text);
    setHidden(hint, text === "");
  });

  return { buttons: [refresh, stopResume, retry], hint, part };
}
