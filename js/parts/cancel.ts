import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";
import { definePart, type Part, type PartContext } from "../part";
import { cardStateOf, isActive } from "../states";
import { viewMemory, type ViewMemory } from "../view-memory";

/**
 * The Cancel button, its inline confirm step and the cancel error. Cancelling
 * cannot be undone, so one click only asks; the message goes out on "Yes".
 * This part only asks: Python sends the request and reports back through
 * `state` (cancelling, cancelled) or `cancel_error`.
 *
 * Reads: state, status (stand-in before `state` syncs), cancel_error.
 */

/**
 * Whether cancelling makes sense (the contract's table): while the server is
 * following a job that still runs (pending ... running, unknown), not while it
 * is already cancelling, and not in the card's own states (stopped, stale ...).
 */
export function canCancel(state: string): boolean {
  return isActive(state) && state !== "cancelling";
}

const LABEL = "Cancel job";
const PENDING_LABEL = "Cancelling\u2026";
const TITLE = "Ask Sutro to cancel this job";
const PENDING_TITLE = "Cancel requested: waiting for Sutro to answer";

export interface Cancel {
  /** The button, for the card's action row. */
  button: HTMLButtonElement;
  /** The confirm step and the error, for a row under the head. */
  confirm: HTMLDivElement;
  error: HTMLDivElement;
  part: Part;
}

interface CancelNodes {
  button: HTMLButtonElement;
  yes: HTMLButtonElement;
  no: HTMLButtonElement;
  confirm: HTMLDivElement;
  error: HTMLDivElement;
}

function cancelNodes(): CancelNodes {
  const danger = "sutro-job-card__button sutro-job-card__button--danger";
  const button = h("button", {
    className: danger,
    testid: "cancel",
    text: LABEL,
    attrs: { type: "button", title: TITLE, "aria-expanded": "false" },
  });
  const yes = h("button", { className: danger, testid: "cancel-yes", text: "Yes, cancel", attrs: { type: "button" } });
  const no = h("button", {
    className: "sutro-job-card__button",
    testid: "cancel-no",
    text: "Keep running",
    attrs: { type: "button" },
  });
  const confirm = h(
    "div",
    {
      className: "sutro-job-card__confirm",
      testid: "cancel-confirm",
      attrs: { role: "group", "aria-label": "Confirm cancelling the job" },
    },
    [
      h("span", { className: "sutro-job-card__confirm-text", text: "Cancel this job? Rows already processed are kept." }),
      h("span", { className: "sutro-job-card__actions" }, [yes, no]),
    ],
  );
  const error = h("div", { className: "sutro-job-card__error", testid: "cancel-error", attrs: { role: "alert" } });
  for (const node of [button, confirm, error]) node.hidden = true;
  return { button, yes, no, confirm, error };
}

/** The confirm step's state machine: idle -> confirming -> requested -> (answer) idle. */
class CancelFlow {
  state = "";
  cancelError = "";
  confirming = false;
  /** True from "Yes" until Python answers by changing state or cancel_error. */
  requested = false;

  constructor(
    private readonly nodes: CancelNodes,
    private readonly memory: ViewMemory,
  ) {
    this.confirming = memory.confirming; // open in the card's last view: open here too
  }

  draw(): void {
    const { button, confirm, error } = this.nodes;
    const allowed = canCancel(this.state);
    if (!allowed) this.confirming = false;
    this.memory.confirming = this.confirming;
    setHidden(button, !allowed);
    button.disabled = this.requested;
    setText(button, this.requested ? PENDING_LABEL : LABEL);
    button.title = this.requested ? PENDING_TITLE : TITLE;
    button.setAttribute("aria-expanded", String(this.confirming));
    setHidden(confirm, !this.confirming);
    setText(error, this.cancelError);
    setHidden(error, this.cancelError === "");
  }

  /** Python clears cancel_error when a request arrives: a receipt, not an answer. */
  update(state: string, cancelError: string): void {
    const answered = state !== this.state || (cancelError !== this.cancelError && cancelError !== "");
    if (answered) this.requested = false;
    this.state = state;
    this.cancelError = cancelError;
    this.draw();
  }
}

function listen(lifetime: Lifetime, nodes: CancelNodes, flow: CancelFlow, send: () => void): void {
  const close = (): void => {
    if (!flow.confirming) return;
    flow.confirming = false;
    flow.draw();
    nodes.button.focus({ preventScroll: true });
  };
  lifetime.listen(nodes.button, "click", () => {
    if (flow.requested || !canCancel(flow.state)) return;
    flow.confirming = true;
    flow.draw();
    // The safe choice gets focus, so Enter or Escape right away keeps the job.
    nodes.no.focus({ preventScroll: true });
  });
  lifetime.listen(nodes.no, "click", close);
  lifetime.listen(nodes.confirm, "keydown", (event) => {
    if ((event as KeyboardEvent).key === "Escape") {
      event.stopPropagation();
      close();
    }
  });
  lifetime.listen(nodes.yes, "click", () => {
    if (!flow.confirming || flow.requested) return;
    flow.confirming = false;
    flow.requested = true;
    flow.draw();
    send();
  });
}

/**
 * Builds the hidden parts. One `cancel` message per confirmed request; the
 * button then stays disabled until the state changes or a new cancel_error
 * arrives (either is Python's answer), so a second click cannot duplicate it.
 */
export function buildCancel(ctx: PartContext): Cancel {
  const nodes = cancelNodes();
  const flow = new CancelFlow(nodes, viewMemory(ctx.model));
  listen(ctx.lifetime, nodes, flow, () => ctx.model.send({ type: "cancel" }));
  const part = definePart(ctx, "cancel", ["state", "status", "cancel_error"] as const, (t) => {
    flow.update(cardStateOf(t.state, t.status), t.cancel_error);
  });
  return { button: nodes.button, confirm: nodes.confirm, error: nodes.error, part };
}
