// The category tree flattened for a select: every node with its full path, in tree order.

import type { Category } from '../ipc/bindings';

export interface CategoryOption {
  id: string;
  name: string;
  path: string;
  depth: number;
}

export const PATH_SEPARATOR = ' / ';

export function categoryOptions(categories: Category[]): CategoryOption[] {
  const ids = new Set(categories.map((c) => c.id));
  const children = new Map<string | null, Category[]>();
  for (const c of categories) {
    // A parent that does not exist makes the node a root, so nothing is ever hidden.
    const parent = c.parent_id !== null && ids.has(c.parent_id) ? c.parent_id : null;
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  const byOrder = (a: Category, b: Category) =>
    a.code.localeCompare(b.code) || a.name.localeCompare(b.name, 'zh-CN');
  const out: CategoryOption[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, prefix: string, depth: number) => {
    for (const c of (children.get(parent) ?? []).sort(byOrder)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const path = prefix ? prefix + PATH_SEPARATOR + c.name : c.name;
      out.push({ id: c.id, name: c.name, path, depth });
      walk(c.id, path, depth + 1);
    }
  };
  walk(null, '', 0);
  // Nodes caught in a parent cycle are unreachable from a root: list them at the end.
  for (const c of categories) {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      out.push({ id: c.id, name: c.name, path: c.name, depth: 0 });
    }
  }
  return out;
}

export function categoryPathMap(categories: Category[]): Map<string, string> {
  return new Map(categoryOptions(categories).map((o) => [o.id, o.path]));
}
