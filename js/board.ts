/**
 * anywidget entry point of the JobBoard: many Sutro jobs in one widget
 * (/work/notes/board-contract.md). A header with counts, totals, the sort and
 * "Cancel all running (N)", then one compact row per job, each unfolding into
 * the job's full card (js/board/). The JS never writes traits; it only sends
 * messages ({type: "expand" | "collapse" | "cancel" | "refresh" | "retry" |
 * "stop" | "resume", job_id}, {type: "cancel_all"}, {type: "load_more"}).
 * Exports only `default { render }`; the CSS is widget.css, handed over by Python.
 */
import { followedBoard } from "./board/follow";
import type { BoardRenderProps } from "./board/model";
import { startBoard } from "./board/view";
import { Lifetime } from "./lifetime";
import { linkStylesheetBeside, offerServedAssets } from "./served-assets";

linkStylesheetBeside(import.meta.url);

/**
 * Renders one view; the returned cleanup and an abort of `signal` both undo
 * everything (both are safe). The view reads the model through
 * `followedBoard`, so a board whose kernel is gone says so instead of looking live.
 */
function render({ model, el, signal }: BoardRenderProps): () => void {
  const lifetime = new Lifetime();
  el.append(startBoard(followedBoard(model, lifetime), lifetime));
  void offerServedAssets(model);
  const cleanup = (): void => lifetime.dispose();
  if (signal) {
    if (signal.aborted) cleanup();
    else lifetime.listen(signal, "abort", cleanup);
  }
  return cleanup;
}

export default { render };
