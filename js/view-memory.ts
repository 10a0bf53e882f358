/**
 * What the user opened in a widget's view, kept for the widget's next view.
 *
 * A host draws a new view of the same widget when the output it sits in is updated:
 * the saved copy is re-published (update_display) when a card's job ends or stops and,
 * paced, when a board's jobs end. Without this memory that redraw would fold the row
 * the user had just unfolded, close the confirm under their pointer and unfold a card
 * they had folded. Each view reads the memory when drawn and writes it on every change.
 *
 * Keyed by the widget's `_view_key` (a random id Python gives every card and board);
 * a model without one (a board row's card, an old kernel) gets a memory of its own.
 * At most MAX_MEMORIES widgets are remembered, the oldest forgotten first.
 */

export interface ViewMemory {
  /** Board rows the user unfolded, by job id. */
  readonly expanded: Set<string>;
  /** A confirm step (Cancel, Cancel all running) is open. */
  confirming: boolean;
  /** The user's fold choice and the `compact` value it was made under; null: never chose. */
  fold: { folded: boolean; compact: boolean } | null;
}

export const MAX_MEMORIES = 500;

const memories = new Map<string, ViewMemory>();

function blank(): ViewMemory {
  return { expanded: new Set(), confirming: false, fold: null };
}

/** The memory of `model`'s widget, shared by all its views (made on first use). */
export function viewMemory(model: object): ViewMemory {
  const get = (model as { get?: (name: string) => unknown }).get;
  const key = typeof get === "function" ? get.call(model, "_view_key") : undefined;
  if (typeof key !== "string" || key === "") return blank();
  let memory = memories.get(key);
  if (memory === undefined) {
    memory = blank();
    memories.set(key, memory);
    if (memories.size > MAX_MEMORIES) {
      const oldest = memories.keys().next().value;
      if (oldest !== undefined) memories.delete(oldest);
    }
  }
  return memory;
}
