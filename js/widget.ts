/**
 * anywidget entry point: draws a Sutro job's status card and keeps it in step
 * with the traits Python sets. The JS never writes traits; buttons only send
 * {type: "refresh" | "stop" | "resume" | "retry" | "cancel"} messages (cancel
 * only after an inline confirm). The module exports only `default { render }`:
 * anywidget 0.11 warns that a direct `render` export will be deprecated.
 *
 * The stylesheet (widget.css) is built separately and handed to anywidget as
 * `_css` by Python, so this module does not import it; loaded from the Jupyter
 * server instead (served-assets.ts), it links the one beside it.
 */
import { startCard } from "./card";
import { followedModel } from "./follow";
import { Lifetime } from "./lifetime";
import type { RenderProps } from "./model";
import { linkStylesheetBeside, offerServedAssets } from "./served-assets";

linkStylesheetBeside(import.meta.url);

/**
 * Renders one view. A model may have several views at once; each gets its own
 * listeners and its own 1-second clock, all undone by the returned cleanup or
 * when anywidget aborts `signal` (whichever comes first; both are safe). The
 * view reads the model through `followedModel`, so a card whose kernel is gone
 * says so instead of looking live.
 */
function render({ model, el, signal }: RenderProps): () => void {
  const lifetime = new Lifetime();
  const card = startCard(followedModel(model, lifetime), lifetime);
  el.append(card.root);
  void offerServedAssets(model);

  const cleanup = (): void => lifetime.dispose();
  if (signal) {
    if (signal.aborted) cleanup();
    else lifetime.listen(signal, "abort", cleanup);
  }
  return cleanup;
}

export default { render };
