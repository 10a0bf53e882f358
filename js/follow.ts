import { watchKernel, type KernelLoss } from "./kernel-watch";
import { findHub, type HandedModel } from "./lab-hub";
import type { Lifetime } from "./lifetime";
import {
  TRAIT_NAMES,
  readTraits,
  type ChangeEvent,
  type OutgoingMessage,
  type TraitName,
  type Traits,
  type WidgetModel,
} from "./model";
import { cardStateOf, isFinal, isLive } from "./states";

/**
 * What a card says once the kernel behind it is gone (kernel-watch.ts): its
 * poller went with the kernel, so it must not go on looking live.
 *
 * Where JupyterLab's Sutro extension is on the page and its server follows the
 * card's deployment, the card hands over (lab-hub.ts): it goes on, live, with
 * the server's view of the job, and says "Followed by JupyterLab". Elsewhere
 * it keeps the last known state as "last seen", stops its clock where the loss
 * was seen, hides every button that would talk to the kernel, and says in one
 * sentence what happened and what to do: "Not followed: … run the cell again".
 * A card that already reached a final state needs no following and is left as
 * it is. Only the browser knows this; the traits Python sent are not touched.
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

/** What a handed-over card says, per loss: the job is still followed, by the Lab server. */
export const HANDOVER_SENTENCES: Readonly<Record<KernelLoss, string>> = {
  restarted: "Followed by JupyterLab: the kernel restarted.",
  died: "Followed by JupyterLab: the kernel died.",
  stopped: "Followed by JupyterLab: the kernel was shut down.",
  gone: "Followed by JupyterLab: the card's kernel is gone.",
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
 * kernel lives; once it is gone, the server's model of the job (handed over) or
 * the same traits with the overrides of `unfollowed`. Either way every part
 * repaints, and sends reach only what can still answer them.
 */
export function followedModel(model: WidgetModel, lifetime: Lifetime): WidgetModel {
  let source: WidgetModel | HandedModel = model;
  let overrides: Partial<Traits> = {};
  let lost = false;
  const callbacks = new Map<ChangeEvent, Set<() => void>>();
  const repaint = (names: readonly TraitName[]): void => {
    for (const name of names) for (const callback of [...(callbacks.get(`change:${name}`) ?? [])]) callback();
  };
  watchKernel(model, lifetime, (why) => {
    const now = readTraits(model, ["job_id", "state", "status", "last_checked_at", "stopped_at", "deployment"]);
    lost = true;
    const dropped = unfollowed(now, { why, at: Date.now() });
    if (dropped === null) return; // final: nothing to follow
    const handed = findHub()?.follow(now.job_id, now.deployment) ?? null;
    if (handed === null) {
      overrides = dropped;
      repaint(Object.keys(overrides) as TraitName[]);
      return;
    }
    source = handed;
    lifetime.add(() => handed.dispose());
    overrides = { sync_mode: "jupyterlab", message: HANDOVER_SENTENCES[why] };
    for (const [event, set] of callbacks) for (const callback of set) handed.on(event, callback);
    repaint(TRAIT_NAMES); // every trait may read differently now
  });
  return {
    get: (name: TraitName): unknown => (name in overrides ? overrides[name] : source.get(name)),
    on: (event: ChangeEvent, callback: () => void): void => {
      source.on(event, callback);
      callbacks.set(event, (callbacks.get(event) ?? new Set()).add(callback));
    },
    off: (event: ChangeEvent, callback: () => void): void => {
      source.off(event, callback);
      callbacks.get(event)?.delete(callback);
    },
    send: (content: OutgoingMessage): void => {
      if (!lost) model.send(content);
      else if (source !== model && content.type === "cancel") source.send(content);
    },
  };
}
