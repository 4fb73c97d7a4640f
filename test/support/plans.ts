import type { Stack } from './stack';

/** The plan of `sql` run with `parameters`, as EXPLAIN gives it in JSON. */
export const planOf = async (stack: Stack, sql: string, parameters: unknown[]) => (await stack.db.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters)).rows[0]['QUERY PLAN'][0];

/** Whether `node` scans a table as `alias`: EXPLAIN names a second and later use of an alias `<alias>_<n>`. */
const namedAs = (node: PlanNode, alias: string) => node.Alias !== undefined && new RegExp(`^${alias}(_\\d+)?$`).test(node.Alias);

export interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  Alias?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Sort Key'?: string[];
  Plans?: PlanNode[];
}

/**
 * The nodes of the types `types` a plan has above its scans named `alias`: on the path their rows take to the answer,
 * whichever input of each join they come in by (a merge join may read them as its inner input: a Merge Right Join).
 * Not those of a join's other input, nor across an InitPlan or SubPlan, whose rows are not passed on. Refused when no
 * * node of the plan is named `alias` (`namedAs`; counting every one, under an InitPlan or SubPlan too), so that a statement renamed
 * cannot pass the check by holding back nothing it looks at.
 */
export function nodesAbove({ Plan }: { Plan: PlanNode }, alias: string, types: string[]) {
  const found = new Set<PlanNode>();
  let scans = 0;
  const walk = (node: PlanNode, path: PlanNode[]) => {
    if (namedAs(node, alias)) {
      scans += 1;
      for (const above of path) if (types.includes(above['Node Type'])) found.add(above);
    }
    for (const input of node.Plans ?? []) {
      const passedOn = input['Parent Relationship'] !== 'InitPlan' && input['Parent Relationship'] !== 'SubPlan';
      walk(input, passedOn ? [...path, node] : []);
    }
  };
  walk(Plan, []);
  if (!scans) throw new Error(`The plan scans nothing as "${alias}"`);
  return [...found];
}

/**
 * The Sort nodes above a plan's scans named `alias` (`nodesAbove`), each by its key. None: the rows stream in the order
 * they are read. Not an Incremental Sort, which sorts rows already in order by a leading key a group at a time, and so
 * streams.
 */
export const sortsAbove = (plan: { Plan: PlanNode }, alias: string) => nodesAbove(plan, alias, ['Sort']).map((sort) => sort['Sort Key']);

/**
 * What holds a plan's rows read as `alias` back until a whole input is read (`nodesAbove`), by node type: a sort, or a
 * hash join (its hash built whole before it gives a row), or the hash built of them.
 */
export const heldAbove = (plan: { Plan: PlanNode }, alias: string) => nodesAbove(plan, alias, ['Sort', 'Hash', 'Hash Join']).map((node) => node['Node Type']);

/** The aliases of a plan's scans of table `relation`, one entry per scan. */
export function aliasesReading({ Plan }: { Plan: PlanNode }, relation: string) {
  const aliases: (string | undefined)[] = [];
  const walk = (node: PlanNode) => {
    if (node['Relation Name'] === relation) aliases.push(node.Alias);
    for (const input of node.Plans ?? []) walk(input);
  };
  walk(Plan);
  return aliases;
}

/** The indexes a plan's scans named `alias` read, one entry per scan (undefined for a scan of no index). */
export function indexesOf({ Plan }: { Plan: PlanNode }, alias: string) {
  const indexes: (string | undefined)[] = [];
  const walk = (node: PlanNode) => {
    if (namedAs(node, alias)) indexes.push(node['Index Name']);
    for (const input of node.Plans ?? []) walk(input);
  };
  walk(Plan);
  return indexes;
}
