import { h } from "./dom";
import type { Lifetime } from "./lifetime";
import { onScreen } from "./on-screen";
import { TRAIT_NAMES, type TraitName, type WidgetModel } from "./model";
import type { Part, PartContext } from "./part";
import { buildCancel } from "./parts/cancel";
import { buildClock } from "./parts/clock";
import { buildCompact } from "./parts/compact";
import { buildControls } from "./parts/controls";
import { buildFailure } from "./parts/failure";
import { buildFold } from "./parts/fold";
import { buildHeadline } from "./parts/headline";
import { buildJobId } from "./parts/jobid";
import { buildMessage } from "./parts/message";
import { buildNotify } from "./parts/notify";
import { buildProgress } from "./parts/progress";
import { buildReport } from "./parts/report";
import { buildResults } from "./parts/results";
import { buildSummary } from "./parts/summary";
import { buildSync } from "./parts/sync";
import { buildTimeline } from "./parts/timeline";

/**
 * Assembles the card from its parts (js/parts/, one file each). Each part
 * brings its nodes and one Part: a painter plus the traits it reads, so
 * widget.ts can run just the painters a trait change affects.
 *
 * Layout, top to bottom: head (state icon and word, the compact line shown
 * only while folded, the buttons, fold), hint, cancel confirm and error, job
 * summary, message, error, progress bar, phase timeline, meta line (job id,
 * elapsed / finished, checked ago), results snippet, failure section.
 */
export interface Card {
  root: HTMLDivElement;
  parts: Part[];
}

/** Builds the card once; its buttons only send messages, Python decides what happens. */
export function buildCard(model: WidgetModel, lifetime: Lifetime): Card {
  const ctx: PartContext = { model, lifetime };
  const root = h("div", {
    className: "sutro-job-card",
    attrs: { role: "status", "aria-live": "polite" },
  });
  const headline = buildHeadline(ctx, root);
  const compact = buildCompact(ctx);
  const controls = buildControls(ctx);
  const cancel = buildCancel(ctx);
  const fold = buildFold(ctx, root);
  const summary = buildSummary(ctx);
  const message = buildMessage(ctx);
  const progress = buildProgress(ctx);
  const timeline = buildTimeline(ctx);
  const jobId = buildJobId(ctx);
  const clock = buildClock(ctx);
  const results = buildResults(ctx);
  const failure = buildFailure(ctx);
  const sync = buildSync(ctx);
  const notify = buildNotify(ctx);
  const report = buildReport(ctx);

  root.append(
    h("div", { className: "sutro-job-card__head" }, [
      headline.node,
      compact.line,
      h("span", { className: "sutro-job-card__actions" }, [...controls.buttons, cancel.button, fold.button]),
    ]),
    controls.hint,
    cancel.confirm,
    cancel.error,
    summary.root,
    message.message,
    message.error,
    progress.root,
    timeline.root,
    // The meta line ticks every second; aria-live="off" keeps screen readers
    // from announcing each tick inside the card's polite live region.
    h("div", { className: "sutro-job-card__meta", attrs: { "aria-live": "off" } }, [jobId.item, ...clock.items]),
    results.root,
    failure.root,
  );

  const parts = [
    headline, compact, controls, cancel, fold, summary, message, progress, timeline, jobId, clock,
    results, failure, sync, notify, report,
  ];
  return { root, parts: parts.map((built) => built.part) };
}

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
 * Builds a card and keeps it live until `lifetime` ends: each trait change
 * runs just its painters, and one 1-second timer moves the parts that tick
 * (elapsed, "checked Ns ago", the open timeline phase) while the card is on
 * screen. Used by the card's own render and by every unfolded row of a board.
 */
export function startCard(model: WidgetModel, lifetime: Lifetime): Card {
  const card = buildCard(model, lifetime);
  for (const [trait, parts] of paintersByTrait(card.parts)) {
    lifetime.onModel(model, `change:${trait}`, () => {
      for (const part of parts) part.paint();
    });
  }
  for (const part of card.parts) part.paint();
  const ticking = card.parts.filter((part) => part.ticks);
  const visible = onScreen(card.root, lifetime);
  lifetime.interval(() => {
    // Scrolled away, only what is not for the eye goes on (asking for updates in
    // frontend sync); the clocks catch up when the card is seen again.
    const shown = visible();
    for (const part of ticking) if (shown || part.ticksOffScreen) part.paint();
  }, 1000);
  lifetime.add(() => card.root.remove());
  return card;
}
