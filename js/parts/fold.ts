import { h, setText } from "../dom";
import { definePart, type Part, type PartContext } from "../part";
import { viewMemory } from "../view-memory";

/**
 * The fold/unfold button. The `compact` trait sets every view's fold state
 * (when the view is drawn, and again whenever Python changes it); the button
 * then toggles this view only. Folding is a class on the root
 * (`sutro-job-card--folded`, plus data-folded): CSS shows just the one-line
 * head, with the compact line in place of the long parts.
 *
 * Reads: compact.
 */
export function buildFold(ctx: PartContext, root: HTMLElement): { button: HTMLButtonElement; part: Part } {
  const button = h("button", {
    className: "sutro-job-card__button sutro-job-card__fold",
    testid: "fold",
    attrs: { type: "button" },
  });
  let folded = false;
  /** The compact value the last paint saw; a repaint with the same value keeps the user's choice. */
  let seen: boolean | null = null;
  // The user's choice in the card's last view holds here too, until Python changes `compact`.
  const memory = viewMemory(ctx.model);
  if (memory.fold !== null) ({ folded, compact: seen } = memory.fold);

  const apply = (): void => {
    root.classList.toggle("sutro-job-card--folded", folded);
    root.dataset.folded = String(folded);
    button.setAttribute("aria-expanded", String(!folded));
    const label = folded ? "Show the whole card" : "Fold the card to one line";
    button.setAttribute("aria-label", label);
    button.title = label;
    setText(button, folded ? "\u25B8" : "\u25BE"); // ▸ folded, ▾ open
  };
  ctx.lifetime.listen(button, "click", () => {
    folded = !folded;
    memory.fold = seen === null ? null : { folded, compact: seen };
    apply();
  });

  const part = definePart(ctx, "fold", ["compact"] as const, (t) => {
    if (t.compact !== seen) {
      folded = t.compact;
      memory.fold = null; // Python's choice now; the user's earlier one is void
    }
    seen = t.compact;
    apply();
  });
  return { button, part };
}
