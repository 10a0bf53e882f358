/**
 * anywidget entry point: draws a Sutro job's status card and keeps it in step
 * with the traits Python sets. The JS never writes traits; buttons only send
 * {type: "refresh" | "stop" | "resume" | "retry" | "cancel"} messages (cancel
 * only after an inline confirm). The module exports only `default { render }`:
 * anywidget 0.11 warns that a direct `render` export will be deprecated.
 *
 * The stylesheet (widget.css) is built separately and handed to anywidget as
 * `_css` by Python, so this module does not import it.
 */
import { buildCard } from "./card";
import { Lifetime } from "./lifetime";
import { TRAIT_NAMES, type RenderProps, type TraitName } from "./model";
import type { Part } from "./part";

/**
 * Which parts each trait change repaints, derived from each part's declared
 * `reads` (and the painter only receives those traits), so the map cannot
 * drift from what the painters read. Traits no part reads are left out.
 */
export function paintersByTrait(parts: Part[]): Map<TraitName, Part[]> {
  const map = new Map<TraitName, Part[]>();
  for (const name of TRAIT_NAMES) {
    const readers = parts.filter((part) => part.reads.includes(name));
    if (readers.length > 0) map.set(name, readers);
  }
  return map;
}

/**
 * Renders one view. A model may have several views at once; each gets its own
 * listeners and its own 1-second clock, all undone by the returned cleanup or
 * when anywidget aborts `signal` (whichever comes first; both are safe).
 */
function render({ model, el, signal }: RenderProps): () => void {
  const lifetime = new Lifetime();
  const card = buildCard(model, lifetime);

  for (const [trait, parts] of paintersByTrait(card.parts)) {
    lifetime.onModel(model, `change:${trait}`, () => {
      for (const part of parts) part.paint();
    });
  }
  for (const part of card.parts) part.paint();

  // One timer per view: elapsed, "checked Ns ago", "last seen ... ago" and
  // the open timeline phase move with the browser clock.
  const ticking = card.parts.filter((part) => part.ticks);
  lifetime.interval(() => {
    for (const part of ticking) part.paint();
  }, 1000);

  el.append(card.root);
  lifetime.add(() => card.root.remove());

  const cleanup = (): void => lifetime.dispose();
  if (signal) {
    if (signal.aborted) cleanup();
    else lifetime.listen(signal, "abort", cleanup);
  }
  return cleanup;
}

export default { render };
