// Client-side navigation that swaps the page but never an iframe a script put in <body>.
//
// Astro's ClientRouter swap replaces <body> and keeps only `transition:persist` elements. The
// WebContainer lives in a hidden iframe that @webcontainer/api appends to <body> (dist/index.js,
// `serverFactory`): a body swap removes it and every process in it, and moving an iframe reloads
// it, so it must stay exactly where it is. As TutorialKit does (stackblitz/tutorialkit#4), only a
// part of the page is swapped: the element marked `data-swap-root` (the whole rendered page, see
// Base.astro) goes through Astro's own swap functions (persisted elements, focus, scripts, head,
// <html> attributes all as usual); the other children of <body> that the new page rendered
// (trailing scripts) replace the old page's ones; iframes that scripts appended stay put.
import { swapFunctions, type TransitionBeforeSwapEvent } from 'astro:transitions/client';

export const SWAP_ROOT = 'data-swap-root';

const rootOf = (body: HTMLElement) => body.querySelector(`:scope > [${SWAP_ROOT}]`);

/** No page renders an iframe straight into <body>: one there was put by a script, and stays. */
const keptOnSwap = (node: Element) => node.localName === 'iframe';

export function swapPage(newDocument: Document): void {
  const oldRoot = rootOf(document.body);
  const newRoot = rootOf(newDocument.body);
  if (!oldRoot || !newRoot) {
    // Not one of our pages (no root): Astro's own swap.
    swapFunctions.deselectScripts(newDocument);
    swapFunctions.swapRootAttributes(newDocument);
    swapFunctions.swapHeadElements(newDocument);
    const restore = swapFunctions.saveFocus();
    swapFunctions.swapBodyElement(newDocument.body, document.body);
    restore();
    return;
  }
  swapFunctions.deselectScripts(newDocument);
  swapFunctions.swapRootAttributes(newDocument);
  swapFunctions.swapHeadElements(newDocument);
  const restoreFocus = swapFunctions.saveFocus();
  swapFunctions.swapBodyElement(newRoot, oldRoot);
  const body = document.body;
  for (const child of [...body.children]) if (child !== newRoot && !keptOnSwap(child)) child.remove();
  body.append(...newDocument.body.children);
  for (const { name } of [...body.attributes]) if (!newDocument.body.hasAttribute(name)) body.removeAttribute(name);
  for (const { name, value } of [...newDocument.body.attributes]) body.setAttribute(name, value);
  restoreFocus();
}

/** Makes every client-side navigation of this window use `swapPage` (once per window). */
export function installPageSwap(): void {
  const marked = window as { __sessionLabSwap?: boolean };
  if (marked.__sessionLabSwap) return;
  marked.__sessionLabSwap = true;
  document.addEventListener('astro:before-swap', (event) => {
    const swap = event as TransitionBeforeSwapEvent;
    swap.swap = () => swapPage(swap.newDocument);
  });
}
