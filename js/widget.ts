/**
 * anywidget entry point: draws a Sutro job's status card and keeps it in step
 * with the traits Python sets. The JS never writes traits; buttons only send
 * {type: "refresh" | "stop" | "resume" | "cancel"} messages (cancel only after
 * an inline confirm).
 *
 * The stylesheet (widget.css) is built separately and handed to anywidget as
 * `_css` by Python, so this module does not import it.
 */
import { buildCard, type Card } from "./card";
import { Lifetime } from "./lifetime";
import type { RenderProps, TraitName } from "./model";

/** Which parts each trait change repaints, so a change touches only its own nodes. */
function paintersByTrait(card: Card): Record<TraitName, Array<() => void>> {
  return {
    job_id: [card.paintJobId],
    status: [
      card.paintStatus,
      card.paintControls,
      card.paintDetails,
      card.paintCancel,
      card.paintProgress,
      card.paintResults,
    ],
    raw_status: [card.paintStatus],
    message: [card.paintMessage],
    metadata: [card.paintDetails],
    error: [card.paintError],
    polling: [card.paintControls],
    started_at: [card.paintClock],
    finished_at: [card.paintClock, card.paintTimeline],
    last_checked_at: [card.paintClock],
    stale: [card.paintStatus, card.paintClock],
    details: [card.paintSummary, card.paintTimeline],
    progress: [card.paintProgress],
    history: [card.paintTimeline],
    cancel_error: [card.paintCancel],
    results_snippet: [card.paintResults],
  };
}

/**
 * Renders one view. A model may have several views at once; each gets its own
 * listeners and its own 1-second clock, all undone by the returned cleanup or
 * when anywidget aborts `signal` (whichever comes first; both are safe).
 */
function render({ model, el, signal }: RenderProps): () => void {
  const lifetime = new Lifetime();
  const card = buildCard(model, lifetime);
  const painters = paintersByTrait(card);

  for (const [trait, paints] of Object.entries(painters) as Array<[TraitName, Array<() => void>]>) {
    lifetime.onModel(model, `change:${trait}`, () => {
      for (const paint of paints) paint();
    });
  }
  for (const paint of new Set(Object.values(painters).flat())) paint();

  // One timer per view: elapsed, "checked Ns ago" and the open timeline phase
  // move with the browser clock.
  lifetime.interval(() => {
    card.paintClock();
    card.paintTimeline();
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
