import { h } from "../dom";
import type { Lifetime } from "../lifetime";
import { buildCancelAll } from "./cancel-all";
import { buildHeader } from "./header";
import { buildRowList, type RowFactory } from "./list";
import { buildLoadMore } from "./load-more";
import { readBoardBool, readBoardString, readRows, type BoardModel, type Row } from "./model";
import { buildSort } from "./sort";
import { viewMemory } from "../view-memory";

/**
 * Assembles the board from its pieces (js/board/, one file each) and keeps it
 * in step with the traits: a `rows` change updates the list in place (only
 * changed rows repaint), the header's counts and the cancel-all count; the
 * other traits repaint the header and "Load more". One 1-second timer moves
 * the clocks of the drawn live rows.
 *
 * Layout: header (title, counts, totals, loading, sort, cancel all), the
 * cancel-all confirm, the board error, the rows, "Show 50 more", "Load more".
 */
export function startBoard(model: BoardModel, lifetime: Lifetime, factory?: RowFactory): HTMLDivElement {
  const send = model.send.bind(model);
  const header = buildHeader();
  const memory = viewMemory(model);
  const list = buildRowList(lifetime, send, factory, memory);
  const cancelAll = buildCancelAll(lifetime, () => send({ type: "cancel_all" }), memory);
  const loadMore = buildLoadMore(lifetime, () => send({ type: "load_more" }));
  header.actions.append(buildSort(lifetime, (mode) => list.sort(mode, Date.now())), cancelAll.button);
  const root = h("div", { className: "sutro-job-board", testid: "board", attrs: { role: "region", "aria-label": "Sutro jobs" } }, [
    header.root,
    cancelAll.confirm,
    header.error,
    list.root,
    list.showMore,
    loadMore.button,
  ]);

  let rows: Row[] = [];
  const paintStatus = (): void => {
    const loading = readBoardBool(model, "loading");
    if (root.dataset.loading !== String(loading)) root.dataset.loading = String(loading);
    const title = readBoardString(model, "title");
    const label = title === "" ? "Sutro jobs" : title;
    if (root.getAttribute("aria-label") !== label) root.setAttribute("aria-label", label);
    header.paint({ rows, title, loading, error: readBoardString(model, "error") });
    loadMore.paint(readBoardBool(model, "has_more"), loading);
  };
  const paintRows = (): void => {
    rows = readRows(model);
    list.update(rows, Date.now());
    cancelAll.paint(rows);
    paintStatus();
  };
  lifetime.onModel(model, "change:rows", paintRows);
  for (const trait of ["title", "has_more", "loading", "error"] as const) {
    lifetime.onModel(model, `change:${trait}`, paintStatus);
  }
  paintRows();
  lifetime.interval(() => {
    list.tick(Date.now());
    // Frontend sync (hosts that drop the kernel thread's messages): ask for what changed.
    if (readBoardString(model, "sync_mode") === "frontend") send({ type: "sync" });
  }, 1000);
  lifetime.add(() => root.remove());
  return root;
}
