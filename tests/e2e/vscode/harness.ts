/**
 * A page that draws notebook outputs the way VS Code's notebook webview does,
 * for the browser tests (tests/e2e/test_vscode.py). Not shipped.
 *
 * What it reproduces, each from vscode-jupyter's source (docs/hosts.md cites the files):
 * - the renderer bundle VS Code ships, `@vscode/jupyter-ipywidgets8` as published on
 *   npm, loaded as VS Code loads it: requirejs on the page first, then `activate()`
 *   and `vscIPyWidgets8.load()`, which registers the widget modules and injects the
 *   bundle's CSS (JupyterLab's light `--jp-*` variables on `:root` among it);
 * - its `WidgetManager`, constructed as the webview does (`kernel/manager.ts`):
 *   `new WidgetManager(kernel, element, scriptLoader, logger)` over a
 *   `@jupyterlab/services` kernel connection to a real kernel of a real Jupyter server;
 * - the output step of `renderWidget`: `get_model`, `create_view`, `display_view`
 *   into the output's own element, for every output whose best mimetype is the
 *   widget view (VS Code orders `application/vnd.*` before `text/html`);
 * - the script loader: a module that is not built in is looked up by the
 *   extension side (here: `/lookup`, which parses the kernel environment's
 *   `nbextensions/*` + `/extension.js` with VS Code's patterns, current or
 *   pre-2023.11), registered with `requirejs.config({paths})`, and given up after
 *   `scriptTimeoutMs` (60 s in VS Code the first time) with an error in the output;
 * - a kernel restart as the webview sees it (`IPyWidgets_onRestartKernel`): the
 *   widget manager and the kernel connection are disposed, the outputs stay.
 *
 * What it cannot: VS Code's own chrome, its webview sandbox and message proxy
 * (the kernel is reached directly here, with the same protocol), remote servers.
 */
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import type { Kernel, KernelMessage } from "@jupyterlab/services";

const WIDGET_MIME = "application/vnd.jupyter.widget-view+json";

interface ScriptLoader {
  readonly widgetsRegisteredInRequireJs: Set<string>;
  loadWidgetScript(moduleName: string, moduleVersion: string): Promise<void>;
  successHandler(className: string, moduleName: string, moduleVersion: string): void;
  errorHandler(className: string, moduleName: string, moduleVersion: string, error: unknown): void;
}

/** The slice of the bundle's WidgetManager (a JupyterLab KernelWidgetManager) used here. */
interface BundleWidgetManager {
  get_model(id: string): Promise<unknown> | undefined;
  create_view(model: unknown, options: { el: HTMLElement }): Promise<unknown>;
  display_view(data: unknown, view: unknown, options: { node: HTMLElement }): Promise<unknown>;
  dispose(): void;
}

type WidgetManagerClass = new (
  kernel: Kernel.IKernelConnection,
  el: HTMLElement,
  loader: ScriptLoader,
  logger: (message: string) => void,
) => BundleWidgetManager;

interface RequireJs {
  config(config: { paths: Record<string, string> }): void;
}

declare global {
  interface Window {
    requirejs: RequireJs;
    vscIPyWidgets8: { load(): void; unload(): void };
    vscIPyWidgets: { WidgetManager: WidgetManagerClass };
    harness: Harness;
  }
}

const params = new URLSearchParams(location.search);

/** Everything the tests drive; each method returns when its step is done. */
class Harness {
  readonly log: string[] = [];
  readonly errors: string[] = [];
  private kernel: Kernel.IKernelConnection | null = null;
  private manager: BundleWidgetManager | null = null;
  private readonly settings = ServerConnection.makeSettings({
    baseUrl: params.get("server") ?? "",
    wsUrl: (params.get("server") ?? "").replace(/^http/, "ws"),
    token: params.get("token") ?? "",
    appendToken: true,
  });
  private readonly kernels = new KernelManager({ serverSettings: this.settings });
  private readonly scriptTimeoutMs = Number(params.get("scriptTimeoutMs") ?? "60000");
  private readonly patterns = params.get("patterns") ?? "current";
  private readonly registered = new Set<string>();
  private readonly rendered = new Map<string, HTMLElement>();

  /** Starts a kernel on the Jupyter server and a widget manager on it, as the webview does. */
  async start(): Promise<string> {
    const kernel = await this.kernels.startNew({ name: "python3" });
    await this.attach(kernel);
    return kernel.id;
  }

  /** Runs `code` as a cell; every output gets its own element, drawn as VS Code would. */
  async run(code: string): Promise<void> {
    const kernel = this.kernel;
    if (kernel === null) throw new Error("no kernel");
    const cell = document.createElement("div");
    cell.className = "cell";
    document.getElementById("outputs")?.append(cell);
    const future = kernel.requestExecute({ code });
    future.onIOPub = (msg) => this.onIOPub(msg, cell);
    const reply = await future.done;
    if (reply.content.status !== "ok") this.errors.push(`cell failed: ${JSON.stringify(reply.content)}`);
  }

  /** Restarts the kernel, then does what the webview does on `IPyWidgets_onRestartKernel`. */
  async restart(): Promise<void> {
    const kernel = this.kernel;
    if (kernel === null) throw new Error("no kernel");
    const url = `${this.settings.baseUrl}api/kernels/${kernel.id}/restart`;
    const answer = await ServerConnection.makeRequest(url, { method: "POST" }, this.settings);
    if (!answer.ok) throw new Error(`restart answered ${answer.status}`);
    this.manager?.dispose();
    this.manager = null;
    kernel.dispose();
    this.kernel = null;
    // The extension then sends the (same) kernel's options again: a new manager and connection.
    await this.attach(this.kernels.connectTo({ model: { id: kernel.id, name: "python3" } }));
  }

  private async attach(kernel: Kernel.IKernelConnection): Promise<void> {
    this.kernel = kernel;
    const container = document.getElementById("widgets");
    if (container === null) throw new Error("page without #widgets");
    const { WidgetManager } = window.vscIPyWidgets;
    this.manager = new WidgetManager(kernel, container, this.scriptLoader(), (m) => this.log.push(m));
  }

  private onIOPub(msg: KernelMessage.IIOPubMessage, cell: HTMLElement): void {
    const type = msg.header.msg_type;
    if (type !== "display_data" && type !== "execute_result" && type !== "update_display_data") return;
    const content = msg.content as KernelMessage.IDisplayDataMsg["content"];
    const data = content.data as Record<string, unknown>;
    const view = data[WIDGET_MIME] as { model_id?: string } | undefined;
    if (type === "update_display_data") return; // the widget view stays; VS Code keeps its render
    const output = document.createElement("div");
    output.className = "cell-output";
    cell.append(output);
    if (view?.model_id !== undefined) {
      void this.renderWidget(view as { model_id: string }, output);
    } else if (typeof data["text/html"] === "string") {
      output.innerHTML = data["text/html"];
    } else if (typeof data["text/plain"] === "string") {
      output.textContent = data["text/plain"];
    }
  }

  /** `renderWidget` of vscode-jupyter's webview, for one output element. */
  private async renderWidget(data: { model_id: string }, output: HTMLElement): Promise<void> {
    const manager = this.manager;
    if (manager === null) return;
    try {
      const model = await manager.get_model(data.model_id);
      if (model === undefined) throw new Error(`model ${data.model_id} not found`);
      const view = await manager.create_view(model, { el: output });
      await manager.display_view(data, view, { node: output });
      this.rendered.set(data.model_id, output);
    } catch (error) {
      output.dataset.renderError = String(error);
      output.textContent = `Error rendering a widget: ${String(error)}`;
      this.errors.push(String(error));
    }
  }

  /** VS Code's ScriptManager, reduced to the local-kernel path (and its time-out). */
  private scriptLoader(): ScriptLoader {
    return {
      widgetsRegisteredInRequireJs: this.registered,
      loadWidgetScript: async (moduleName) => {
        const answer = await fetch(`/lookup?patterns=${encodeURIComponent(this.patterns)}`);
        const mappings = (await answer.json()) as Record<string, string>;
        const found = mappings[moduleName];
        if (found === undefined) {
          // Nothing registers it: VS Code waits this long, then reports the failure.
          await new Promise((resolve) => setTimeout(resolve, this.scriptTimeoutMs));
          return;
        }
        window.requirejs.config({ paths: { [moduleName]: found.replace(/\.js$/i, "") } });
        this.registered.add(moduleName);
      },
      successHandler: (className, moduleName) => this.log.push(`loaded ${moduleName}.${className}`),
      errorHandler: (className, moduleName, _version, error) => {
        this.errors.push(`could not load ${moduleName}.${className}: ${String(error)}`);
      },
    };
  }
}

async function boot(): Promise<void> {
  const bundle = (await import(/* @vite-ignore */ "/vendor/ipywidgets.js" as string)) as {
    activate(): void;
  };
  bundle.activate();
  window.vscIPyWidgets8.load();
  window.harness = new Harness();
  document.body.dataset.ready = "true";
}

boot().catch((error: unknown) => {
  document.body.dataset.ready = "failed";
  document.body.dataset.bootError = String(error);
});
