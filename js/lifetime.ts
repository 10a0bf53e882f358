/** Anything with Backbone-style on/off: the card's model, the board's, a board row's facade. */
export interface Emitter<E extends string> {
  on(event: E, callback: () => void): void;
  off(event: E, callback: () => void): void;
}

/**
 * Everything one view has to undo when it is removed: model listeners, DOM
 * listeners, timers. Registering through a Lifetime means cleanup is a single
 * call that cannot forget anything, and two views of one model never share one.
 */
export class Lifetime {
  private readonly undo = new Set<() => void>();
  private over = false;

  /** True after dispose(): async work (a clipboard promise) checks it before touching the DOM. */
  get disposed(): boolean {
    return this.over;
  }

  /** Registers an undo step; after dispose it runs at once so late registrations cannot leak. */
  add(step: () => void): void {
    if (this.over) step();
    else this.undo.add(step);
  }

  /** Subscribes to a model event and unsubscribes with the very same callback on dispose. */
  onModel<E extends string>(model: Emitter<E>, event: E, callback: () => void): void {
    model.on(event, callback);
    this.add(() => model.off(event, callback));
  }

  /** addEventListener that is removed on dispose. */
  listen(target: EventTarget, type: string, listener: (event: Event) => void): void {
    target.addEventListener(type, listener);
    this.add(() => target.removeEventListener(type, listener));
  }

  /** setInterval that is cleared on dispose. */
  interval(callback: () => void, ms: number): void {
    const id = setInterval(callback, ms);
    this.add(() => clearInterval(id));
  }

  /** setTimeout that is cleared on dispose; returns a cancel function for restarting it. */
  timeout(callback: () => void, ms: number): () => void {
    const cancel = (): void => {
      clearTimeout(id);
      this.undo.delete(cancel);
    };
    const id = setTimeout(() => {
      this.undo.delete(cancel);
      callback();
    }, ms);
    this.add(cancel);
    return cancel;
  }

  /** Runs every undo step once; calling it again (abort after cleanup) does nothing. */
  dispose(): void {
    if (this.over) return;
    this.over = true;
    const steps = [...this.undo];
    this.undo.clear();
    for (const step of steps) step();
  }
}
