import { NODES, START_NODE, type NodeId, type Outcome, OUTCOMES, type ProcedureNode } from './table.js';

/** Answers given so far, by node. Answers to nodes off the walked path are ignored. */
export type Answers = Readonly<Partial<Record<NodeId, string>>>;

export type Step =
  | { readonly kind: 'ask'; readonly node: ProcedureNode; readonly path: readonly NodeId[] }
  | { readonly kind: 'verdict'; readonly outcome: Outcome; readonly path: readonly NodeId[] };

/**
 * Walks the table from the start with the answers known so far: either the next question the
 * verdict depends on, or the verdict. Pure; an unknown answer id is treated as not given.
 */
export function decide(answers: Answers): Step {
  const path: NodeId[] = [];
  let node = NODES[START_NODE];
  // The table is acyclic (a test proves it), so this ends within NODES' size.
  for (;;) {
    path.push(node.id);
    const given = answers[node.id];
    const answer = node.answers.find((a) => a.id === given);
    if (!answer) return { kind: 'ask', node, path };
    if ('outcome' in answer.next) return { kind: 'verdict', outcome: OUTCOMES[answer.next.outcome], path };
    node = NODES[answer.next.node];
  }
}

export function isAnswerOf(nodeId: NodeId, answerId: string): boolean {
  return NODES[nodeId].answers.some((a) => a.id === answerId);
}
