import { LOSS_SENTENCES, unfollowed, type Loss } from "../follow";
import { watchKernel } from "../kernel-watch";
import type { Lifetime } from "../lifetime";
import type { BoardEvent, BoardMessage, BoardModel, BoardTraitName } from "./model";

/**
 * The board's model as its view should read it: the model itself while its
 * kernel lives; once the kernel is gone (kernel-watch.ts), every job that is
 * not final reads as "Not followed" (follow.ts, its unfolded card too), the
 * board's error says what happened and what to do, "Load more" and loading
 * go, and sends are dropped (nothing would answer them).
 */
export function followedBoard(model: BoardModel, lifetime: Lifetime): BoardModel {
  let loss: Loss | null = null;
  const callbacks = new Map<BoardEvent, Set<() => void>>();
  watchKernel(model, lifetime, (why) => {
    loss = { why, at: Date.now() };
    for (const trait of ["rows", "error", "loading", "has_more"] as const) {
      for (const callback of [...(callbacks.get(`change:${trait}`) ?? [])]) callback();
    }
  });
  const read = (name: BoardTraitName): unknown => {
    const value = model.get(name);
    if (loss === null) return value;
    if (name === "rows") return Array.isArray(value) ? value.map((row) => unfollowedRow(row, loss as Loss)) : value;
    if (name === "error") return LOSS_SENTENCES[loss.why];
    if (name === "loading" || name === "has_more") return false;
    return value;
  };
  return {
    get: read,
    on: (event: BoardEvent, callback: () => void): void => {
      model.on(event, callback);
      callbacks.set(event, (callbacks.get(event) ?? new Set()).add(callback));
    },
    off: (event: BoardEvent, callback: () => void): void => {
      model.off(event, callback);
      callbacks.get(event)?.delete(callback);
    },
    send: (content: BoardMessage): void => {
      if (loss === null) model.send(content);
    },
  };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** One raw row (checked later by readRows) as it reads after `loss`; final rows as they were. */
export function unfollowedRow(raw: unknown, loss: Loss): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const row = raw as Record<string, unknown>;
  const card = row["card"] !== null && typeof row["card"] === "object" ? (row["card"] as Record<string, unknown>) : null;
  const overrides = unfollowed(
    {
      state: text(row["state"]),
      status: text(row["status"]),
      last_checked_at: count(row["last_checked_at"]),
      stopped_at: count(card?.["stopped_at"]),
    },
    loss,
  );
  if (overrides === null) return raw;
  return { ...row, ...overrides, card: card === null ? row["card"] : { ...card, ...overrides } };
}
