import { type Locale, t, translateDynamic } from '../../src/i18n/index.js';
import type { CrewRefusal, CrewRefusalReason } from '../../src/listing/crewImport.js';

/**
 * What the bot says about a crew (pasted lines, a file's rows, a card's rows): the one summary
 * with each refused line's number and reason, and the questions that go through them one by one.
 */

export type CrewUnit = 'line' | 'row';

/** At most this many refused lines are listed in the summary; the rest are counted. */
const MAX_LISTED_REFUSALS = 40;

export function placeText(locale: Locale, unit: CrewUnit, n: number): string {
  return t(locale, unit === 'row' ? 'crew.place.row' : 'crew.place.line', { n });
}

/** Why a line was not added, as a short sentence of the user's language. */
export function reasonText(locale: Locale, reason: CrewRefusalReason, other?: number): string {
  if (reason === 'crew.duplicateLine') return t(locale, 'crew.reason.duplicateLine', { other: other ?? 0 });
  if (reason === 'crew.onListing') return t(locale, 'crew.reason.onListing', { other: other ?? 0 });
  const [group, code] = reason.split('.');
  if (group === 'workerId') return translateDynamic(locale, `listing.error.workerId.${code}`);
  if (group === 'name') return translateDynamic(locale, `listing.error.name.${code}`);
  return translateDynamic(locale, `crew.reason.${code}`);
}

export interface CrewOutcome {
  readonly read: number;
  /** Added (or, storage unreachable, kept to be saved). */
  readonly added: number;
  readonly isPending: boolean;
  /** Workers on the listing after the write. */
  readonly count: number;
  readonly refused: readonly CrewRefusal[];
  readonly ambiguous: number;
  /** Whether the refused lines will be asked about one by one. */
  readonly hasFollowUps: boolean;
}

export function crewSummaryText(locale: Locale, unit: CrewUnit, outcome: CrewOutcome): string {
  const parts = [
    outcome.isPending
      ? t(locale, 'crew.summaryPending', { kept: outcome.added, read: outcome.read })
      : t(locale, 'crew.summary', { added: outcome.added, read: outcome.read, count: outcome.count }),
  ];
  if (outcome.refused.length > 0) {
    const listed = outcome.refused
      .slice(0, MAX_LISTED_REFUSALS)
      .map((r) => `- ${t(locale, 'crew.refusedLine', { place: placeText(locale, unit, r.line), reason: reasonText(locale, r.reason, r.other) })}`);
    const more = outcome.refused.length - listed.length;
    if (more > 0) listed.push(t(locale, 'crew.more', { more }));
    parts.push(`${t(locale, 'crew.refusedHeader', { refused: outcome.refused.length })}\n${listed.join('\n')}`);
  }
  if (outcome.ambiguous > 0) parts.push(t(locale, 'crew.ambiguousHeader', { ambiguous: outcome.ambiguous }));
  if (outcome.hasFollowUps) parts.push(t(locale, 'crew.fixNext'));
  return parts.join('\n\n');
}
