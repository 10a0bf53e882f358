import type { Lifetime } from "./lifetime";

/**
 * Whether an element is on screen now, for work that only matters to the eye
 * (a card's clock ticking once a second): hundreds of cards in one notebook
 * must not cost the page a repaint each per second while scrolled away. Where
 * IntersectionObserver is missing (older hosts, jsdom) everything counts as on
 * screen, so nothing is ever skipped there.
 */
export function onScreen(el: Element, lifetime: Lifetime): () => boolean {
  if (typeof IntersectionObserver === "undefined") return () => true;
  let visible = true;
  const observer = new IntersectionObserver((entries) => {
    const last = entries[entries.length - 1];
    if (last !== undefined) visible = last.isIntersecting;
  });
  observer.observe(el);
  lifetime.add(() => observer.disconnect());
  return () => visible;
}
