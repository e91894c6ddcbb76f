import { type Intent, recognizeIntent } from '../../src/understanding/recognize.js';
import type { CorpusEntry } from '../../src/understanding/intentModel.js';

/** Causes whose verdict comes in the same turn (no further question). */
const VERDICT_CAUSES: ReadonlySet<string> = new Set(['thirdParty', 'serviceDown', 'permanent']);

export type Result = 'right' | 'asked' | 'wrong';

export interface Reading {
  readonly label: string;
  /** A cause read at less than full confidence: the bot asks to confirm it. */
  readonly isConfirmed: boolean;
  /** The bot answers with a verdict in this very turn. */
  readonly givesVerdict: boolean;
}

/** The corpus label the bot's reading of a first message corresponds to. */
export function readingOf(intent: Intent): Reading {
  const plain = (label: string): Reading => ({ label, isConfirmed: false, givesVerdict: false });
  switch (intent.kind) {
    case 'cause':
    case 'exempt': {
      if (!intent.cause) return plain(intent.kind === 'exempt' ? 'exempt' : 'none');
      const isConfirmed = intent.confidence !== 'full';
      return { label: intent.cause, isConfirmed, givesVerdict: !isConfirmed && VERDICT_CAUSES.has(intent.cause) };
    }
    case 'startListing':
      return plain('listing');
    case 'recordEvidence':
    case 'listEvidence':
      return plain('evidence');
    case 'setReminder':
    case 'cancelReminder':
      return plain('reminder');
    case 'switchLanguage':
    case 'chooseLanguage':
      return plain('language');
    case 'smallTalk':
      return plain(intent.topic);
    default:
      return plain(intent.kind);
  }
}

export interface Tally {
  right: number;
  asked: number;
  wrong: number;
  /** Wrong readings that give a verdict without a confirmation: must stay 0. */
  wrongVerdicts: number;
  /** Causes read as a guess and confirmed first (right or wrong). */
  confirmations: number;
}

export interface Evaluation {
  readonly byLanguage: Map<string, Tally>;
  readonly byIntent: Map<string, Tally>;
  readonly total: Tally;
  readonly misses: { readonly entry: CorpusEntry; readonly reading: Reading; readonly result: Result }[];
}

const CAUSE_LABELS = new Set(['provider', 'thirdParty', 'serviceDown', 'own', 'permanent']);

export function classify(entry: CorpusEntry, reading: Reading): Result {
  if (reading.label === entry.intent) return 'right';
  // Falling back to the cause question (or to it after "am I exempt?") is safe: a lost turn.
  if (reading.label === 'none' || (reading.label === 'exempt' && CAUSE_LABELS.has(entry.intent))) return 'asked';
  return 'wrong';
}

const empty = (): Tally => ({ right: 0, asked: 0, wrong: 0, wrongVerdicts: 0, confirmations: 0 });

export function evaluate(entries: readonly CorpusEntry[]): Evaluation {
  const byLanguage = new Map<string, Tally>();
  const byIntent = new Map<string, Tally>();
  const total = empty();
  const misses: Evaluation['misses'][number][] = [];
  for (const entry of entries) {
    const reading = readingOf(recognizeIntent(entry.text));
    const result = classify(entry, reading);
    for (const tally of [total, getOr(byLanguage, entry.lang), getOr(byIntent, entry.intent)]) {
      tally[result]++;
      if (result === 'wrong' && reading.givesVerdict) tally.wrongVerdicts++;
      if (reading.isConfirmed) tally.confirmations++;
    }
    if (result !== 'right') misses.push({ entry, reading, result });
  }
  return { byLanguage, byIntent, total, misses };
}

function getOr(map: Map<string, Tally>, key: string): Tally {
  const tally = map.get(key) ?? empty();
  map.set(key, tally);
  return tally;
}

const percent = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;

/** A table for the test output and the README. */
export function formatEvaluation(evaluation: Evaluation): string {
  const row = (name: string, t: Tally) => {
    const n = t.right + t.asked + t.wrong;
    return `| ${name} | ${n} | ${t.right} (${percent(t.right, n)}) | ${t.asked} | ${t.wrong} | ${t.wrongVerdicts} | ${t.confirmations} |`;
  };
  return [
    '| part | messages | right | asked the cause | wrong | wrong verdicts | confirmed first |',
    '|---|---|---|---|---|---|---|',
    ...[...evaluation.byLanguage].map(([k, t]) => row(k, t)),
    row('**all**', evaluation.total),
    '',
    '| intent | messages | right | asked the cause | wrong | wrong verdicts | confirmed first |',
    '|---|---|---|---|---|---|---|',
    ...[...evaluation.byIntent].map(([k, t]) => row(k, t)),
  ].join('\n');
}
