// The page's own highlighted code (its server-rendered Shiki figures, `[data-file]`), borrowed by
// the panel: the plain view shows a figure while it still matches the learner's text (no flash of
// unstyled code before Monaco), and on dispose each figure goes back where it was, with whatever
// else the container held, so a page without the workbench reads as it was served.

export interface ServerCode {
  /** The page's figure for `path` when it shows `text` (trailing white space aside), else null. */
  figureFor(path: string, text: string | undefined): HTMLElement | null;
  /** Another lesson's page: its figures replace these (which are then not put back). */
  replace(from: ParentNode): void;
  /** Puts the page's own code back where it was, then the container's original nodes. */
  giveBack(): void;
}

interface Borrowed {
  node: HTMLElement;
  /** Where it was (null: a figure from another page, not put back). */
  parent: Node | null;
  next: Node | null;
}

const sameCode = (a: string, b: string) => a.replace(/\s+$/, '') === b.replace(/\s+$/, '');

/** Takes the container's nodes out (the panel replaces them), keeping its figures at hand. */
export function borrowServerCode(container: HTMLElement): ServerCode {
  const original = Array.from(container.childNodes);
  const figures = new Map<string, Borrowed>();
  const collect = (from: ParentNode, keepPlace: boolean) => {
    for (const node of from.querySelectorAll<HTMLElement>('[data-file]')) {
      const path = node.dataset.file;
      if (path && !figures.has(path)) figures.set(path, { node, parent: keepPlace ? node.parentNode : null, next: keepPlace ? node.nextSibling : null });
    }
  };
  collect(container, true);
  for (const node of original) node.remove();

  return {
    figureFor(path, text) {
      const figure = figures.get(path);
      const shown = figure?.node.querySelector('pre')?.textContent;
      return figure && text !== undefined && shown != null && sameCode(shown, text) ? figure.node : null;
    },
    replace(from) {
      figures.clear();
      collect(from, false);
    },
    giveBack() {
      for (const { node, parent, next } of [...figures.values()].reverse()) {
        if (parent) parent.insertBefore(node, next && next.parentNode === parent ? next : null);
      }
      container.append(...original);
    },
  };
}
