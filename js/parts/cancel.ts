import { h, setHidden, setText } from "../dom";
import type { Lifetime } from "../lifetime";
import { isFinal } from "../states";

/**
 * The Cancel button, its inline confirm step and the cancel error. Cancelling
 * cannot be undone, so one click only asks; the message goes out on "Yes".
 * This part only asks: Python sends the request and reports back through
 * `status` (cancelling, cancelled) or `cancel_error`.
 */

/**
 * Whether cancelling makes sense: not before the first sync (""), not once
 * final, and not while the server is already cancelling.
 */
export function canCancel(status: string): boolean {
  return status !== "" && status !== "cancelling" && !isFinal(status);
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
  paint: (status: string, cancelError: string) => void;
}

/**
 * Builds the hidden parts. `send` is called once per confirmed request. After
 * that the button stays disabled until the status changes or a new
 * `cancel_error` arrives: either is Python's answer, and a second click before
 * it would only send a duplicate request.
 */
export function buildCancel(lifetime: Lifetime, send: () => void): Cancel {
  const button = h("button", {
    className: "sutro-job-card__button sutro-job-card__button--danger",
    testid: "cancel",
    text: LABEL,
    attrs: { type: "button", title: TITLE, "aria-expanded": "false" },
  });
  button.hidden = true;
  const yes = h("button", {
    className: "sutro-job-card__button sutro-job-card__button--danger",
    testid: "cancel-yes",
    text: "Yes, cancel",
    attrs: { type: "button" },
  });
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
      h("span", {
        className: "sutro-job-card__confirm-text",
        text: "Cancel this job? Rows already processed are kept.",
      }),
      h("span", { className: "sutro-job-card__actions" }, [yes, no]),
    ],
  );
  confirm.hidden = true;
  const error = h("div", {
    className: "sutro-job-card__error",
    testid: "cancel-error",
    attrs: { role: "alert" },
  });
  error.hidden = true;

  let status = "";
  let cancelError = "";
  let confirming = false;
  /** True from "Yes" until Python answers by changing status or cancel_error. */
  let requested = false;

  const draw = (): void => {
    const allowed = canCancel(status);
    if (!allowed) confirming = false;
    setHidden(button, !allowed);
    button.disabled = requested;
    setText(button, requested ? PENDING_LABEL : LABEL);
    button.title = requested ? PENDING_TITLE : TITLE;
    button.setAttribute("aria-expanded", String(confirming));
    setHidden(confirm, !confirming);
    setText(error, cancelError);
    setHidden(error, cancelError === "");
  };

  const close = (): void => {
    if (!confirming) return;
    confirming = false;
    draw();
    button.focus({ preventScroll: true });
  };

  lifetime.listen(button, "click", () => {
    if (requested || !canCancel(status)) return;
    confirming = true;
    draw();
    // The safe choice gets focus, so Enter or Escape right away keeps the job.
    no.focus({ preventScroll: true });
  });
  lifetime.listen(no, "click", close);
  lifetime.listen(confirm, "keydown", (event) => {
    if ((event as KeyboardEvent).key === "Escape") {
      event.stopPropagation();
      close();
    }
  });
  lifetime.listen(yes, "click", () => {
    if (!confirming || requested) return;
    confirming = false;
    requested = true;
    draw();
    send();
  });

  const paint = (nextStatus: string, nextError: string): void => {
    // Python clears cancel_error when a request arrives: that is a receipt,
    // not an answer, so only a new status or a new error ends the wait.
    const answered = nextStatus !== status || (nextError !== cancelError && nextError !== "");
    if (answered) requested = false;
    status = nextStatus;
    cancelError = nextError;
    draw();
  };

  return { button, confirm, error, paint };
}
