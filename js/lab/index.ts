import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { Notification } from "@jupyterlab/apputils";
import { IStatusBar } from "@jupyterlab/statusbar";
import { HUB_KEY, type Hub } from "../lab-hub";
import type { ServedAssets } from "../served-assets";
import { servedAssets } from "./assets";
import { sutroIcon } from "./icon";
import { EndNotices } from "./notices";
import { PANEL_ID, SutroPanel } from "./panel";
import { Pins } from "./pins";
import { serverApi } from "./server-api";
import { ServerBoard } from "./server-board";
import { SutroStatus } from "./status";

/**
 * JupyterLab's Sutro extension (prebuilt, shipped in the wheel): a left-sidebar
 * "Sutro jobs" panel that follows the account's newest jobs through the Jupyter
 * server extension (sutro_widget/server/) with no kernel at all, a status-bar
 * item, a notification when a watched job ends, and the page's hub (lab-hub.ts)
 * through which cards report their jobs, hand over when their kernel goes, and
 * learn where the server serves their code (one download per page).
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: "sutro-widget:panel",
  description: "The Sutro jobs panel, its status-bar item and end-of-job notifications.",
  autoStart: true,
  optional: [ILayoutRestorer, IStatusBar],
  activate: (app: JupyterFrontEnd, restorer: ILayoutRestorer | null, statusBar: IStatusBar | null): void => {
    const api = serverApi();
    const board = new ServerBoard(api);
    const pins = new Pins();
    const panel = new SutroPanel(board, pins);
    panel.title.icon = sutroIcon;
    app.shell.add(panel, "left", { rank: 600 });
    restorer?.add(panel, PANEL_ID);

    const open = (): void => app.shell.activateById(PANEL_ID);
    const notices = new EndNotices((jobId, text, tone) => {
      Notification.emit(text, tone, {
        autoClose: 8000,
        actions: [{ label: "Show", callback: () => (open(), panel.showJob(jobId)) }],
      });
    }, () => pins.all);
    board.onRows((rows) => notices.fromRows(rows));

    if (statusBar !== null) {
      const item = new SutroStatus(open);
      board.onRows((rows) => item.paint(rows));
      statusBar.registerStatusItem("sutro-widget:status", { item, align: "left", rank: 4 });
    }

    let served: Promise<ServedAssets | null> | null = null;
    const hub: Hub = {
      version: 1,
      assets: () => (served ??= servedAssets(() => api.assets(), api.baseUrl)),
      report: (card) => notices.fromCard(card),
      follow: (jobId, deployment) => board.follow(jobId, deployment),
    };
    (globalThis as Record<string, unknown>)[HUB_KEY] = hub;
    void board.run();
  },
};

export default plugin;
