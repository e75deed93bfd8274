// The small file tree: every file of the lesson, as a list of buttons (folders as plain labels).
// `treeRows` is the pure part (tested); `renderFileTree` builds the DOM.

export interface TreeRow {
  kind: 'dir' | 'file';
  /** The full path for files, the folder path for folders. */
  path: string;
  name: string;
  depth: number;
}

/** Folders first, then files, each alphabetical; a folder row precedes its contents. */
export function treeRows(paths: readonly string[]): TreeRow[] {
  interface Node {
    dirs: Map<string, Node>;
    files: string[];
  }
  const root: Node = { dirs: new Map(), files: [] };
  for (const path of new Set(paths)) {
    const parts = path.split('/').filter(Boolean);
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir);
      if (!next) {
        next = { dirs: new Map(), files: [] };
        node.dirs.set(dir, next);
      }
      node = next;
    }
    node.files.push(path);
  }
  const rows: TreeRow[] = [];
  // Code-unit order, not localeCompare: lesson file names are ASCII, and a collator's first use
  // costs tens of milliseconds of ICU set-up while the page loads.
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const walk = (node: Node, prefix: string, depth: number) => {
    for (const name of [...node.dirs.keys()].sort(compare)) {
      const path = prefix + name;
      rows.push({ kind: 'dir', path, name, depth });
      walk(node.dirs.get(name)!, `${path}/`, depth + 1);
    }
    for (const path of [...node.files].sort(compare)) {
      rows.push({ kind: 'file', path, name: path.slice(path.lastIndexOf('/') + 1), depth });
    }
  };
  walk(root, '', 0);
  return rows;
}

/** Fills `list` (a <ul>) with the tree; file buttons carry data-path and call `onOpen`. */
export function renderFileTree(
  list: HTMLUListElement,
  paths: readonly string[],
  active: string,
  onOpen: (path: string) => void,
): void {
  const doc = list.ownerDocument;
  list.replaceChildren();
  for (const row of treeRows(paths)) {
    const item = doc.createElement('li');
    item.style.setProperty('--depth', String(row.depth));
    if (row.kind === 'dir') {
      item.className = 'se-tree-dir';
      item.textContent = `${row.name}/`;
    } else {
      const button = doc.createElement('button');
      button.type = 'button';
      button.className = 'se-tree-file';
      button.dataset.path = row.path;
      button.textContent = row.name;
      // The full path is the accessible name (it contains the visible name).
      if (row.path !== row.name) button.setAttribute('aria-label', row.path);
      button.title = row.path;
      if (row.path === active) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => onOpen(row.path));
      item.append(button);
    }
    list.append(item);
  }
}
