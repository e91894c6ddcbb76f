import { describe, expect, it } from 'vitest';
import { decide } from '../../src/procedure/decide.js';
import { enumeratePaths } from '../../src/procedure/paths.js';
import { CLAUSES, NODE_IDS, NODES, OUTCOME_IDS, OUTCOMES, START_NODE } from '../../src/procedure/table.js';

const paths = enumeratePaths();

describe('the procedure table', () => {
  it('has no cycle and every path ends in a verdict', () => {
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(OUTCOME_IDS).toContain(path.outcome);
  });

  it('reaches every question and every verdict', () => {
    const nodes = new Set(paths.flatMap((p) => p.steps.map((s) => s.node)));
    expect([...nodes].sort()).toEqual([...NODE_IDS].sort());
    expect([...new Set(paths.map((p) => p.outcome))].sort()).toEqual([...OUTCOME_IDS].sort());
  });

  it('cites every clause of the official text somewhere', () => {
    const cited = new Set([
      ...Object.values(NODES).flatMap((n) => n.clauses),
      ...Object.values(OUTCOMES).flatMap((o) => o.clauses),
    ]);
    expect([...cited].sort()).toEqual(Object.keys(CLAUSES).sort());
  });

  it('asks each question at most once on any path', () => {
    for (const path of paths) {
      const asked = path.steps.map((s) => s.node);
      expect(new Set(asked).size).toBe(asked.length);
    }
  });

  it.each(paths.map((p) => [p.steps.map((s) => `${s.node}=${s.answer}`).join(' → '), p] as const))(
    'decide() follows %s',
    (_name, path) => {
      const answers: Record<string, string> = {};
      for (const step of path.steps) {
        const next = decide(answers);
        expect(next).toMatchObject({ kind: 'ask', node: { id: step.node } });
        answers[step.node] = step.answer;
      }
      expect(decide(answers)).toMatchObject({ kind: 'verdict', outcome: { id: path.outcome } });
    },
  );
});

describe('verdicts, as PROCEDURE.md states them', () => {
  const outcomeOf = (...steps: [string, string][]) => {
    const result = decide(Object.fromEntries(steps));
    if (result.kind !== 'verdict') throw new Error(`expected a verdict, got a question at ${result.node.id}`);
    return result.outcome;
  };

  it('exempts for the day when Checkinatwork itself is down, in one answer', () => {
    expect(outcomeOf(['cause', 'serviceDown'])).toMatchObject({ id: 'exemptServiceDown', isExempt: true });
  });

  it('exempts for the day when an external third party is the cause, and asks for evidence', () => {
    expect(outcomeOf(['cause', 'thirdParty'])).toMatchObject({ isExempt: true, needsEvidence: true });
  });

  it('never exempts a workplace permanently without infrastructure, whatever the cause', () => {
    expect(outcomeOf(['cause', 'permanent'])).toMatchObject({ id: 'notExemptPermanent', isExempt: false });
    expect(
      outcomeOf(['cause', 'provider'], ['providerContacted', 'noSolution'], ['providerOtherChannel', 'no'], ['infrastructure', 'yes'], ['permanence', 'permanent']),
    ).toMatchObject({ id: 'notExemptPermanent', isExempt: false });
  });

  it('sends the provider’s user to the provider first', () => {
    expect(decide({ cause: 'provider' })).toMatchObject({ kind: 'ask', node: { id: 'providerContacted' } });
    expect(outcomeOf(['cause', 'provider'], ['providerContacted', 'notYet'])).toMatchObject({ id: 'contactProviderFirst', isExempt: false });
    expect(outcomeOf(['cause', 'provider'], ['providerContacted', 'solved'])).toMatchObject({ id: 'solvedByProvider', isExempt: false });
  });

  it('exempts under 3.1 only when no channel works and the infrastructure is the cause', () => {
    const base: [string, string][] = [['cause', 'provider'], ['providerContacted', 'noSolution'], ['providerOtherChannel', 'no']];
    expect(outcomeOf(...base, ['infrastructure', 'yes'], ['permanence', 'temporary'])).toMatchObject({ id: 'exemptInfrastructure', isExempt: true });
    expect(outcomeOf(...base, ['infrastructure', 'no'])).toMatchObject({ id: 'contactCentre', needsContactCentre: true });
    expect(outcomeOf(['cause', 'provider'], ['providerContacted', 'noSolution'], ['providerOtherChannel', 'yes'])).toMatchObject({ id: 'registeredOtherChannel' });
  });

  it('sends your own company’s problem to another channel, then the contact centre, never to 3.1', () => {
    expect(outcomeOf(['cause', 'own'], ['ownOtherChannel', 'yes'])).toMatchObject({ id: 'registeredOtherChannel' });
    expect(outcomeOf(['cause', 'own'], ['ownOtherChannel', 'no'])).toMatchObject({ id: 'contactCentre' });
    expect(paths.filter((p) => p.steps[0]?.answer === 'own').flatMap((p) => p.steps.map((s) => s.node))).not.toContain('infrastructure');
  });

  it('starts at the cause and ignores answers off the path', () => {
    expect(decide({})).toMatchObject({ kind: 'ask', node: { id: START_NODE } });
    expect(decide({ cause: 'nonsense' })).toMatchObject({ kind: 'ask', node: { id: 'cause' } });
    expect(decide({ cause: 'serviceDown', infrastructure: 'yes' })).toMatchObject({ outcome: { id: 'exemptServiceDown' } });
  });
});
