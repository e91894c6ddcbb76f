/**
 * The official emergency procedure as data (../shared/domain/official-procedure.fr.txt,
 * summarised as a decision table in ../shared/domain/PROCEDURE.md).
 *
 * Every node is one question the verdict can depend on; every answer leads to another node or
 * to an outcome. The dialog layer walks this table generically: no branch is coded anywhere else.
 * Question and answer texts live in locales/ under `procedure.node.<node>.*`, outcomes under
 * `procedure.outcome.<outcome>.*`.
 */

/** Clauses of the official text, so every node and outcome says which rule it implements. */
export const CLAUSES = {
  summaryProvider: 'En résumé — Fournisseur de services',
  summaryThirdParty: 'En résumé — Tiers externe',
  summaryServiceDown: 'En résumé — Indisponibilité du service',
  summaryOwn: 'En résumé — Votre entreprise',
  step1: 'Procédure détaillée, 1',
  step2: 'Procédure détaillée, 2',
  step2Subcontractor: 'Procédure détaillée, 2 (sous-traitant)',
  step3_1: 'Procédure détaillée, 3.1',
  step3_2: 'Procédure détaillée, 3.2',
  step3_3: 'Procédure détaillée, 3.3',
  attentionPermanent: 'Attention — indisponibilité permanente',
} as const;
export type ClauseId = keyof typeof CLAUSES;

export const NODE_IDS = [
  'cause',
  'providerContacted',
  'causeElsewhere',
  'providerOtherChannel',
  'ownOtherChannel',
  'infrastructure',
  'permanence',
] as const;
export type NodeId = (typeof NODE_IDS)[number];

export const OUTCOME_IDS = [
  'exemptServiceDown',
  'exemptThirdParty',
  'exemptInfrastructure',
  'notExemptPermanent',
  'contactProviderFirst',
  'solvedByProvider',
  'registeredOtherChannel',
  'contactCentre',
] as const;
export type OutcomeId = (typeof OUTCOME_IDS)[number];

export type Target = { readonly node: NodeId } | { readonly outcome: OutcomeId };

export interface Answer {
  /** Stable id; the label and the words that select it are in locales/. */
  readonly id: string;
  readonly next: Target;
}

export interface ProcedureNode {
  readonly id: NodeId;
  readonly clauses: readonly ClauseId[];
  readonly answers: readonly Answer[];
}

export interface Outcome {
  readonly id: OutcomeId;
  /** Exempt from attendance registration for the day. */
  readonly isExempt: boolean;
  /** The verdict gives the contact-centre route (phone when open, form when closed). */
  readonly needsContactCentre: boolean;
  /** The unavailability must be verifiable: the verdict says which evidence to keep. */
  readonly needsEvidence: boolean;
  readonly clauses: readonly ClauseId[];
}

export const START_NODE: NodeId = 'cause';

export const NODES: Readonly<Record<NodeId, ProcedureNode>> = {
  cause: {
    id: 'cause',
    clauses: ['summaryProvider', 'summaryThirdParty', 'summaryServiceDown', 'summaryOwn', 'attentionPermanent'],
    answers: [
      { id: 'provider', next: { node: 'providerContacted' } },
      { id: 'thirdParty', next: { outcome: 'exemptThirdParty' } },
      { id: 'serviceDown', next: { outcome: 'exemptServiceDown' } },
      { id: 'own', next: { node: 'ownOtherChannel' } },
      // The "Attention" paragraph: a workplace that never has network, telephone or power is
      // never exempt, whatever the cause — offered up front so such sites get there in one step.
      { id: 'permanent', next: { outcome: 'notExemptPermanent' } },
    ],
  },
  providerContacted: {
    // Step 1: contact the provider first; only if the problem is theirs and they offer no
    // solution may you go on to step 2.
    id: 'providerContacted',
    clauses: ['step1', 'summaryProvider'],
    answers: [
      { id: 'solved', next: { outcome: 'solvedByProvider' } },
      { id: 'noSolution', next: { node: 'providerOtherChannel' } },
      { id: 'notYet', next: { outcome: 'contactProviderFirst' } },
      // Step 1 asks to check "que le problème ne provient pas du service fourni": when the
      // provider says it does not, the provider branch ends and the cause lies elsewhere.
      { id: 'notFromProvider', next: { node: 'causeElsewhere' } },
    ],
  },
  causeElsewhere: {
    // The provider ruled its service out (step 1): the same causes as the first question,
    // without the provider.
    id: 'causeElsewhere',
    clauses: ['step1', 'summaryThirdParty', 'summaryServiceDown', 'summaryOwn', 'attentionPermanent'],
    answers: [
      { id: 'thirdParty', next: { outcome: 'exemptThirdParty' } },
      { id: 'serviceDown', next: { outcome: 'exemptServiceDown' } },
      { id: 'own', next: { node: 'ownOtherChannel' } },
      { id: 'permanent', next: { outcome: 'notExemptPermanent' } },
    ],
  },
  providerOtherChannel: {
    id: 'providerOtherChannel',
    clauses: ['step2', 'step2Subcontractor'],
    answers: [
      { id: 'yes', next: { outcome: 'registeredOtherChannel' } },
      { id: 'no', next: { node: 'infrastructure' } },
    ],
  },
  ownOtherChannel: {
    // Summary, "Votre entreprise": another channel, else the contact centre. Step 3.1 cannot
    // apply: its exemption requires that the impossibility does not come from you.
    id: 'ownOtherChannel',
    clauses: ['summaryOwn', 'step2', 'step2Subcontractor'],
    answers: [
      { id: 'yes', next: { outcome: 'registeredOtherChannel' } },
      { id: 'no', next: { outcome: 'contactCentre' } },
    ],
  },
  infrastructure: {
    // Step 3.1: not from you, nor the means you give your subcontractors, nor (as a
    // subcontractor) the means your co-contractor gives you, but from the infrastructure.
    id: 'infrastructure',
    clauses: ['step3_1'],
    answers: [
      { id: 'yes', next: { node: 'permanence' } },
      { id: 'no', next: { outcome: 'contactCentre' } },
    ],
  },
  permanence: {
    id: 'permanence',
    clauses: ['attentionPermanent'],
    answers: [
      { id: 'temporary', next: { outcome: 'exemptInfrastructure' } },
      { id: 'permanent', next: { outcome: 'notExemptPermanent' } },
    ],
  },
};

export const OUTCOMES: Readonly<Record<OutcomeId, Outcome>> = {
  exemptServiceDown: {
    id: 'exemptServiceDown',
    isExempt: true,
    needsContactCentre: false,
    needsEvidence: true,
    clauses: ['summaryServiceDown', 'attentionPermanent'],
  },
  exemptThirdParty: {
    id: 'exemptThirdParty',
    isExempt: true,
    needsContactCentre: false,
    needsEvidence: true,
    clauses: ['summaryThirdParty', 'step3_1', 'attentionPermanent'],
  },
  exemptInfrastructure: {
    id: 'exemptInfrastructure',
    isExempt: true,
    needsContactCentre: false,
    needsEvidence: true,
    clauses: ['step3_1', 'attentionPermanent'],
  },
  notExemptPermanent: {
    id: 'notExemptPermanent',
    isExempt: false,
    needsContactCentre: false,
    needsEvidence: false,
    clauses: ['attentionPermanent'],
  },
  contactProviderFirst: {
    id: 'contactProviderFirst',
    isExempt: false,
    needsContactCentre: false,
    needsEvidence: false,
    clauses: ['step1', 'summaryProvider'],
  },
  solvedByProvider: {
    id: 'solvedByProvider',
    isExempt: false,
    needsContactCentre: false,
    needsEvidence: false,
    clauses: ['step1'],
  },
  registeredOtherChannel: {
    id: 'registeredOtherChannel',
    isExempt: false,
    needsContactCentre: false,
    needsEvidence: false,
    clauses: ['step2'],
  },
  contactCentre: {
    id: 'contactCentre',
    isExempt: false,
    needsContactCentre: true,
    needsEvidence: false,
    clauses: ['step3_2', 'step3_3'],
  },
};
