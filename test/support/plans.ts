import type { Stack } from './stack';

/** The plan of `sql` run with `parameters`, as EXPLAIN gives it in JSON. */
export const planOf = async (stack: Stack, sql: string, parameters: unknown[]) => (await stack.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters)).rows[0]['QUERY PLAN'][0];

export interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  Alias?: string;
  'Sort Key'?: string[];
  Plans?: PlanNode[];
}

/**
 * The Sort nodes a plan has above its scans named `alias`, each with its key: the path their rows take to the answer,
 * whichever input of each join they come in by (a merge join may read them as its inner input: a Merge Right Join).
 * None: they stream in the order they are read. Not the sorts of a join's other input, nor across an InitPlan or
 * SubPlan, whose rows are not passed on; nor an Incremental Sort, which sorts rows already in order by a leading key a
 * group at a time, and so streams. `beforeFirstRow`: only those that keep the first row back, so none in an Append's
 * later inputs (read once the first has given all its rows). Refused when no node of the plan is named `alias`
 * (counting every one, under an InitPlan or SubPlan or a later input too), so that a statement renamed cannot pass the
 * check by sorting nothing it looks at.
 */
export function sortsAbove({ Plan }: { Plan: PlanNode }, alias: string, { beforeFirstRow = false } = {}) {
  const sorts = new Set<PlanNode>();
  let scans = 0;
  const walk = (node: PlanNode, path: PlanNode[] | undefined) => {
    if (node.Alias === alias) {
      scans += 1;
      for (const above of path ?? []) if (above['Node Type'] === 'Sort') sorts.add(above);
    }
    const passedOn = (input: PlanNode) => input['Parent Relationship'] !== 'InitPlan' && input['Parent Relationship'] !== 'SubPlan';
    const first = (node.Plans ?? []).find(passedOn);
    for (const input of node.Plans ?? []) {
      const keepsBack = !beforeFirstRow || node['Node Type'] !== 'Append' || input === first;
      walk(input, passedOn(input) && keepsBack && path ? [...path, node] : undefined);
    }
  };
  walk(Plan, []);
  if (!scans) throw new Error(`The plan scans nothing as "${alias}"`);
  return [...sorts].map((sort) => sort['Sort Key']);
}
