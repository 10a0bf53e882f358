import { h, setHidden, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";

/**
 * The server's message and the current problem (`error`), each hidden while
 * empty. The error is shown beside the last good state, never instead of it.
 *
 * Reads: message, error.
 */
export function buildMessage(ctx: PartContext): { message: HTMLDivElement; error: HTMLDivElement; part: Part } {
  const message = h("div", { className: "sutro-job-card__message", testid: "message" });
  const error = h("div", { className: "sutro-job-card__error", testid: "error", attrs: { role: "alert" } });
  message.hidden = true;
  error.hidden = true;
  const part = definePart(ctx, "message", ["message", "error"] as const, (t) => {
    setText(message, t.message);
    setHidden(message, t.message === "");
    setText(error, t.error);
    setHidden(error, t.error === "");
  });
  return { message, error, part };
}
