import type { Lifetime } from "./lifetime";
import { readTraits, type TraitName, type Traits, type WidgetModel } from "./model";

/**
 * One card part's painter and the traits it depends on. widget.ts subscribes
 * each part to exactly its `reads`, and the painter is handed only those
 * traits (a `Pick<Traits, R>`), so reading an undeclared trait is a type
 * error: the trait -> painters map cannot drift from what painters read.
 */
export interface Part {
  /** For tests and debugging: which part this is. */
  readonly name: string;
  readonly reads: readonly TraitName[];
  /** True when the part also moves with the browser clock (repainted every second). */
  readonly ticks: boolean;
  /** True when its tick is work, not a look (frontend sync asking): it ticks off screen too. */
  readonly ticksOffScreen: boolean;
  paint: () => void;
}

/** What every part is built with: the model, this view's lifetime, and the card root for attributes. */
export interface PartContext {
  model: WidgetModel;
  lifetime: Lifetime;
}

/** A painter that receives the declared traits (checked) and the browser clock. */
export type Draw<R extends TraitName> = (traits: Pick<Traits, R>, now: number) => void;

/** Binds a painter to its declared traits. */
export function definePart<R extends TraitName>(
  ctx: PartContext,
  name: string,
  reads: readonly R[],
  draw: Draw<R>,
  { ticks = false, ticksOffScreen = false }: { ticks?: boolean; ticksOffScreen?: boolean } = {},
): Part {
  return {
    name,
    reads,
    ticks,
    ticksOffScreen,
    paint: () => draw(readTraits(ctx.model, reads), Date.now()),
  };
}
