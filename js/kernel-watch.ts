import type { Lifetime } from "./lifetime";

/**
 * Noticing that the kernel behind a view is gone, so a card whose poller went
 * with it stops looking live (see follow.ts for what the card then says).
 *
 * The view learns it from the page, never from the kernel (which may be gone):
 * hosts built on JupyterLab's widget manager (JupyterLab, Notebook 7, Voila,
 * and VS Code's renderer bundle) hand anywidget's model a `widget_manager`
 * whose `kernel` is a `@jupyterlab/services` connection. Its status says a
 * restart (`restarting`, or `starting` once the view was drawn), a death
 * (`autorestarting`), a shutdown (`dead`); its `disposed` signal, a disposed
 * manager (VS Code disposes it on a restart) or a kernel that is no longer
 * the manager's (the notebook changed kernels) say it is gone. Hosts without
 * one (marimo, Colab) are left as they are. Nothing is sent: no message costs.
 */

export type KernelLoss = "restarted" | "died" | "stopped" | "gone";

/** How often the manager and its kernel are looked at (no signal tells of a disposed manager). */
export const WATCH_INTERVAL_MS = 1000;

/** A Lumino signal, as far as this module uses one. */
interface SignalLike<T> {
  connect(slot: (sender: unknown, value: T) => void): unknown;
  disconnect(slot: (sender: unknown, value: T) => void): unknown;
}

interface KernelLike {
  status?: unknown;
  isDisposed?: unknown;
  statusChanged?: SignalLike<string>;
  disposed?: SignalLike<void>;
}

interface ManagerLike {
  kernel?: unknown;
  isDisposed?: unknown;
}

/** Kernel statuses that mean this view's kernel (and so its poller) is no more. */
const LOSS_BY_STATUS: Readonly<Record<string, KernelLoss>> = {
  restarting: "restarted",
  starting: "restarted",
  autorestarting: "died",
  dead: "stopped",
};

function isSignal<T>(value: unknown): value is SignalLike<T> {
  const signal = value as SignalLike<T> | null | undefined;
  return typeof signal?.connect === "function" && typeof signal.disconnect === "function";
}

/** The host's widget manager behind anywidget's model, if the host has one. */
function managerOf(model: unknown): ManagerLike | null {
  const manager = (model as { widget_manager?: unknown } | null)?.widget_manager;
  return manager !== null && typeof manager === "object" ? (manager as ManagerLike) : null;
}

/** The kernel connection of a manager, if it is one this module can watch. */
function kernelOf(manager: ManagerLike | null): KernelLike | null {
  const kernel = manager?.kernel as KernelLike | null | undefined;
  return kernel !== null && typeof kernel === "object" && isSignal(kernel.statusChanged) ? kernel : null;
}

/** Connects `slot` to `signal` until `lifetime` ends. */
function connectFor<T>(signal: unknown, slot: (sender: unknown, value: T) => void, lifetime: Lifetime): void {
  if (!isSignal<T>(signal)) return;
  signal.connect(slot);
  lifetime.add(() => signal.disconnect(slot));
}

/**
 * Calls `onLoss` once, the first time the kernel behind `model` is seen gone;
 * never where the host shows no kernel. A kernel already dead when the view is
 * drawn (a notebook reopened from its saved widget state) counts as stopped.
 */
export function watchKernel(model: unknown, lifetime: Lifetime, onLoss: (loss: KernelLoss) => void): void {
  const manager = managerOf(model);
  const kernel = kernelOf(manager);
  if (manager === null || kernel === null) return;
  let lost = false;
  const lose = (loss: KernelLoss): void => {
    if (lost || lifetime.disposed) return;
    lost = true;
    onLoss(loss);
  };
  const gone = (): boolean =>
    manager.isDisposed === true || kernel.isDisposed === true || manager.kernel !== kernel;
  connectFor<string>(
    kernel.statusChanged,
    (_sender, status) => {
      const loss = LOSS_BY_STATUS[status];
      if (loss !== undefined) lose(loss);
    },
    lifetime,
  );
  connectFor<void>(kernel.disposed, () => lose("gone"), lifetime);
  lifetime.interval(() => {
    if (gone()) lose("gone");
  }, WATCH_INTERVAL_MS);
  if (kernel.status === "dead") lose("stopped");
  else if (gone()) lose("gone");
}
