// Runs as a lineage tree: each run under the run it was made from (pruned, warm-started), children in id
// order, depth-first, so a list indented by depth reads as the tree. A run whose parent is not among the
// runs given (deleted, or filtered out) is a root.
import type { RunSummary } from './types.ts';

export interface LineageRow<R> {
  run: R;
  /** 0 for a root, 1 for its children, … */
  depth: number;
}

export function lineageRows<R extends Pick<RunSummary, 'id' | 'parentRunId'>>(runs: readonly R[]): LineageRow<R>[] {
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<number, R[]>();
  const roots: R[] = [];
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    if (run.parentRunId !== null && ids.has(run.parentRunId) && run.parentRunId !== run.id) {
      const list = children.get(run.parentRunId) ?? [];
      list.push(run);
      children.set(run.parentRunId, list);
    } else {
      roots.push(run);
    }
  }
  const out: LineageRow<R>[] = [];
  const seen = new Set<number>();
  const visit = (run: R, depth: number) => {
    if (seen.has(run.id)) return; // A cycle cannot be written (a parent exists before its child), but a damaged file could hold one.
    seen.add(run.id);
    out.push({ run, depth });
    for (const child of children.get(run.id) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return out;
}
