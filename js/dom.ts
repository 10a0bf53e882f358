/**
 * Tiny DOM helpers. Structure is built with createElement and all text goes in
 * through textContent, so server data can never become markup.
 */

export interface Props {
  className?: string;
  testid?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element with a class, a data-testid, static attributes and plain text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.testid) node.dataset.testid = props.testid;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

/**
 * Sets text only when it differs: avoids needless mutations, which inside the
 * card's aria-live region would each be re-announced by screen readers.
 */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Toggles the `hidden` attribute (CSS makes it win over our display rules). */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}
