import { watchKernel, type KernelLoss } from "./kernel-watch";
import type { Lifetime } from "./lifetime";
import { readTraits, type ChangeEvent, type OutgoingMessage, type TraitName, type Traits, type WidgetModel } from "./model";
import { cardStateOf, isFinal, isLive } from "./states";

/**
 * What a card says once the kernel behind it is gone (kernel-watch.ts): its
 * poller went with the kernel, so it must not go on looking live. It keeps the
 * last known state as "last seen", stops its clock where the loss was seen,
 * hides every button that would talk to the kernel, and says in one sentence
 * what happened and what to do: "Not followed: … run the cell again". A card
 * that already reached a final state needs no following and is left as it is.
 * Only the browser knows this; the traits Python sent are not touched.
 */

/** The state word's key (states.ts): "Not followed". */
export const UNFOLLOWED = "unfollowed";

/** One sentence per kind of loss, each saying that the job itself runs on and what to do. */
export const LOSS_SENTENCES: Readonly<Record<KernelLoss, string>> = {
  restarted: "The kernel restarted, so nothing here follows the job any more (the job runs on). Run the cell again to follow it.",
  died: "The kernel died and was restarted, so nothing here follows the job any more (the job runs on). Run the cell again to follow it.",
  stopped: "The kernel was shut down, so nothing here follows the job any more (the job runs on). Start a kernel and run the cell again to follow it.",
  gone: "This card lost its kernel, so nothing here follows the job any more (the job runs on). Run the cell again to follow it.",
};

/** A kernel loss and when the page saw it (epoch ms). */
export interface Loss {
  why: KernelLoss;
  at: number;
}

type Overridden = Pick<Traits, "state" | "polling" | "error" | "stopped_at">;

/** What the traits read as after `loss`, or null when the card is final and stays as it is. */
export function unfollowed(
  t: Pick<Traits, "state" | "status" | "last_checked_at" | "stopped_at">,
  loss: Loss,
): Overridden | null {
  const shown = cardStateOf(t.state, t.status);
  if (isFinal(shown)) return null;
  // A live card's clock ran until the loss; one already stale or stopped stays where it stood.
  const frozen = isLive(shown) ? loss.at : t.stopped_at > 0 ? t.stopped_at : t.last_checked_at;
  return { state: UNFOLLOWED, polling: false, error: LOSS_SENTENCES[loss.why], stopped_at: frozen };
}

/**
 * The card's model as the view should read it: the model itself while its
 * kernel lives; once it is gone, the same traits with the overrides of
 * `unfollowed` (their `change:` events fire so every part repaints), and
 * sends dropped (nothing would answer them).
 */
export function followedModel(model: WidgetModel, lifetime: Lifetime): WidgetModel {
  let overrides: Partial<Traits> = {};
  let lost = false;
  const callbacks = new Map<ChangeEvent, Set<() => void>>();
  watchKernel(model, lifetime, (why) => {
    const now = readTraits(model, ["state", "status", "last_checked_at", "stopped_at"]);
    lost = true;
    overrides = unfollowed(now, { why, at: Date.now() }) ?? {};
    for (const name of Object.keys(overrides) as TraitName[]) {
      for (const callback of [...(callbacks.get(`change:${name}`) ?? [])]) callback();
    }
  });
  return {
    get: (name: TraitName): unknown => (name in overrides ? overrides[name] : model.get(name)),
    on: (event: ChangeEvent, callback: () => void): void => {
      model.on(event, callback);
      callbacks.set(event, (callbacks.get(event) ?? new Set()).add(callback));
    },
    off: (event: ChangeEvent, callback: () => void): void => {
      model.off(event, callback);
      callbacks.get(event)?.delete(callback);
    },
    send: (content: OutgoingMessage): void => {
      if (!lost) model.send(content);
    },
  };
}
