import { definePart, type Part, type PartContext } from "../part";
import { isFinal, stateWord } from "../states";

/** Only jobs that ran longer than this are worth telling about. */
export const NOTIFY_AFTER_MS = 60_000;

/**
 * When `notify` is on and a job that ran over a minute reaches a final state
 * while this view watches, badge the tab's title ("✓ Succeeded · …") until the
 * page is looked at, and show a browser notification only if the user already
 * allowed them for this page: never a permission prompt the user did not ask for.
 *
 * Reads: notify, state, raw_status, history, finished_at.
 */
export function buildNotify(ctx: PartContext): { part: Part } {
  let seenLive = false;
  let told = false;
  const part = definePart(
    ctx,
    "notify",
    ["notify", "state", "raw_status", "history", "finished_at"] as const,
    (t) => {
      const final = isFinal(t.state);
      if (!final) {
        seenLive = true;
        return;
      }
      const started = t.history[0]?.at ?? t.finished_at;
      const ranLong = t.finished_at - started >= NOTIFY_AFTER_MS;
      if (!t.notify || told || !seenLive || !ranLong) return;
      told = true;
      announce(ctx, stateWord(t.state, t.raw_status));
    },
  );
  return { part };
}

function announce(ctx: PartContext, word: string): void {
  const mark = word === "Succeeded" ? "\u2713" : "\u2715";
  const before = document.title;
  document.title = `${mark} ${word} \u00b7 ${before}`;
  const restore = (): void => {
    if (document.title.startsWith(`${mark} ${word}`)) document.title = before;
  };
  ctx.lifetime.listen(window, "focus", restore);
  ctx.lifetime.add(restore);
  const Notice = (globalThis as { Notification?: typeof Notification }).Notification;
  if (Notice !== undefined && Notice.permission === "granted") {
    new Notice(`Sutro job ${word.toLowerCase()}`, { body: before });
  }
}
