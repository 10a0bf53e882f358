import { URLExt } from "@jupyterlab/coreutils";
import { ServerConnection } from "@jupyterlab/services";
import type { AssetsAnswer } from "./assets";
import type { ServerApi, Snapshot } from "./server-board";

/**
 * The server extension's routes (sutro_widget/server/handlers.py), through
 * JupyterLab's own connection settings: its token or cookie, and the XSRF
 * header on every POST, so Jupyter's checks pass for this page and no other.
 */
export function serverApi(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): ServerApi & { assets(): Promise<AssetsAnswer>; baseUrl: string } {
  const url = (path: string): string => URLExt.join(settings.baseUrl, "sutro", path);

  async function call(path: string, init: RequestInit): Promise<Response> {
    const answer = await ServerConnection.makeRequest(url(path), init, settings);
    if (!answer.ok) {
      let said = "";
      try {
        said = ((await answer.json()) as { error?: string }).error ?? "";
      } catch {
        // not JSON: the status is all there is
      }
      throw new Error(said !== "" ? said : `HTTP ${answer.status}`);
    }
    return answer;
  }

  return {
    baseUrl: settings.baseUrl,
    async assets(): Promise<AssetsAnswer> {
      return (await (await call("assets", { method: "GET" })).json()) as AssetsAnswer;
    },
    async board(after: number, waitSeconds: number): Promise<Snapshot> {
      const answer = await call(`board?after=${after}&wait=${waitSeconds}`, { method: "GET" });
      return (await answer.json()) as Snapshot;
    },
    async post(path: string, body: Record<string, unknown> = {}): Promise<void> {
      await call(path, { method: "POST", body: JSON.stringify(body) });
    },
  };
}
