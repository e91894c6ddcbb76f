import { NODES, type NodeId, type OutcomeId, START_NODE } from './table.js';

export interface PathStep {
  readonly node: NodeId;
  readonly answer: string;
}

export interface ProcedurePath {
  readonly steps: readonly PathStep[];
  readonly outcome: OutcomeId;
}

/**
 * Every route through the table from the first question to a verdict. Throws on a cycle, so
 * the table's shape is checked wherever this runs (tests, benchmark).
 */
export function enumeratePaths(): ProcedurePath[] {
  const paths: ProcedurePath[] = [];
  const walk = (nodeId: NodeId, steps: readonly PathStep[], seen: ReadonlySet<NodeId>): void => {
    if (seen.has(nodeId)) throw new Error(`Cycle in the procedure table at ${nodeId}`);
    for (const answer of NODES[nodeId].answers) {
      const next = [...steps, { node: nodeId, answer: answer.id }];
      if ('outcome' in answer.next) paths.push({ steps: next, outcome: answer.next.outcome });
      else walk(answer.next.node, next, new Set([...seen, nodeId]));
    }
  };
  walk(START_NODE, [], new Set());
  return paths;
}
