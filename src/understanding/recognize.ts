import { CATALOGS, LOCALES, type Locale, containsPhrase, normalizeText } from '../i18n/index.js';
import { NODES, type NodeId } from '../procedure/table.js';

export const CAUSES = ['provider', 'thirdParty', 'serviceDown', 'own', 'permanent'] as const;
export type Cause = (typeof CAUSES)[number];

/**
 * When one message names several causes, the most specific wins: a permanent lack of network
 * overrides everything (the "Attention" paragraph); an operator's or energy outage explains a
 * failing badge reader or Checkinatwork rather than the other way round.
 */
const CAUSE_PRIORITY: readonly Cause[] = ['permanent', 'thirdParty', 'serviceDown', 'provider', 'own'];

export type Intent =
  | { readonly kind: 'switchLanguage'; readonly locale: Locale }
  | { readonly kind: 'chooseLanguage' }
  | { readonly kind: 'help' }
  | { readonly kind: 'restart' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'centreOpen' }
  | { readonly kind: 'startListing' }
  | { readonly kind: 'recordEvidence' }
  | { readonly kind: 'listEvidence' }
  | { readonly kind: 'eraseListing' }
  | { readonly kind: 'setReminder' }
  | { readonly kind: 'cancelReminder' }
  | { readonly kind: 'exempt'; readonly cause: Cause | undefined }
  | { readonly kind: 'cause'; readonly cause: Cause }
  | { readonly kind: 'none' };

type PhraseGroups = readonly (readonly string[])[];

interface Lexicon {
  readonly switchTo: ReadonlyMap<Locale, readonly string[]>;
  readonly chooseLanguage: readonly string[];
  readonly help: readonly string[];
  readonly restart: readonly string[];
  readonly cancel: readonly string[];
  readonly exempt: readonly string[];
  readonly centreOpen: PhraseGroups;
  readonly causes: ReadonlyMap<Cause, PhraseGroups>;
  readonly startListing: readonly string[];
  readonly recordEvidence: readonly string[];
  readonly listEvidence: readonly string[];
  readonly eraseListing: readonly string[];
  readonly setReminder: readonly string[];
  readonly cancelReminder: readonly string[];
}

const fold = (phrases: readonly string[]): string[] => [...new Set(phrases.map(normalizeText).filter(Boolean))];

/** Phrase groups of every locale, group by group: people mix languages on multilingual sites. */
function foldGroups(pick: (locale: Locale) => PhraseGroups): PhraseGroups {
  const width = Math.max(...LOCALES.map((l) => pick(l).length));
  return Array.from({ length: width }, (_, i) => fold(LOCALES.flatMap((l) => pick(l)[i] ?? [])));
}

/** Built once at start-up from every locale file; matching then costs a few string searches. */
function buildLexicon(): Lexicon {
  const all = (pick: (c: (typeof CATALOGS)[Locale]) => readonly string[]): string[] =>
    fold(LOCALES.flatMap((l) => pick(CATALOGS[l])));
  return {
    switchTo: new Map(LOCALES.map((l) => [l, fold(CATALOGS[l].meta.switchTo)])),
    chooseLanguage: all((c) => c.intents.language),
    help: all((c) => c.intents.help),
    restart: all((c) => c.intents.restart),
    cancel: all((c) => c.intents.cancel),
    exempt: all((c) => c.intents.exempt),
    centreOpen: foldGroups((l) => CATALOGS[l].intents.centreOpen),
    causes: new Map(CAUSES.map((cause) => [cause, foldGroups((l) => CATALOGS[l].intents.cause[cause])])),
    startListing: all((c) => c.intentsListing.start),
    recordEvidence: all((c) => [...c.intentsListing.evidence, c.actions.recordEvidence]),
    listEvidence: all((c) => c.intentsListing.evidenceList),
    eraseListing: all((c) => c.intentsListing.erase),
    setReminder: all((c) => [...c.intentsReminder.set, c.actions.remindMe]),
    cancelReminder: all((c) => c.intentsReminder.cancel),
  };
}

const LEXICON = buildLexicon();

/** Short messages are commands ("stop", "in English please"); long ones are sentences. */
const COMMAND_MAX_WORDS = 4;

function isCommand(text: string, phrases: readonly string[]): boolean {
  if (phrases.includes(text)) return true;
  if (text.split(' ').length > COMMAND_MAX_WORDS) return false;
  // Very short phrases ("en", "de", "?") only count as the whole message: they are words too.
  return phrases.some((p) => p.length > 2 && containsPhrase(text, p));
}

function matchesGroups(text: string, groupsToMatch: PhraseGroups): boolean {
  return groupsToMatch.length > 0 && groupsToMatch.every((g) => g.some((p) => containsPhrase(text, p)));
}

export function detectCause(text: string): Cause | undefined {
  const folded = normalizeText(text);
  return CAUSE_PRIORITY.find((cause) => matchesGroups(folded, LEXICON.causes.get(cause) ?? []));
}

/** What a free-text message asks for, whatever the current prompt. */
export function recognizeIntent(text: string): Intent {
  const folded = normalizeText(text);
  if (folded.length === 0) return { kind: 'none' };
  for (const [locale, phrases] of LEXICON.switchTo) {
    if (isCommand(folded, phrases)) return { kind: 'switchLanguage', locale };
  }
  if (isCommand(folded, LEXICON.chooseLanguage)) return { kind: 'chooseLanguage' };
  // Before "cancel" and "is the centre open?": "cancel the reminder", "remind me when the
  // contact centre opens" contain those words too.
  if (LEXICON.cancelReminder.some((p) => containsPhrase(folded, p))) return { kind: 'cancelReminder' };
  if (LEXICON.setReminder.some((p) => containsPhrase(folded, p))) return { kind: 'setReminder' };
  if (isCommand(folded, LEXICON.help)) return { kind: 'help' };
  if (isCommand(folded, LEXICON.restart)) return { kind: 'restart' };
  if (isCommand(folded, LEXICON.cancel)) return { kind: 'cancel' };
  // Listing and evidence commands name their object ("erase the listing", "my evidence for…").
  if (LEXICON.eraseListing.some((p) => containsPhrase(folded, p))) return { kind: 'eraseListing' };
  if (LEXICON.listEvidence.some((p) => containsPhrase(folded, p))) return { kind: 'listEvidence' };
  if (isCommand(folded, LEXICON.recordEvidence)) return { kind: 'recordEvidence' };
  if (LEXICON.startListing.some((p) => containsPhrase(folded, p))) return { kind: 'startListing' };
  const asksExemption = LEXICON.exempt.some((p) => containsPhrase(folded, p));
  if (!asksExemption && matchesGroups(folded, LEXICON.centreOpen)) return { kind: 'centreOpen' };
  const cause = CAUSE_PRIORITY.find((c) => matchesGroups(folded, LEXICON.causes.get(c) ?? []));
  if (asksExemption) return { kind: 'exempt', cause };
  if (cause) return { kind: 'cause', cause };
  return { kind: 'none' };
}

interface AnswerMatcher {
  readonly labels: ReadonlyMap<string, string>;
  /** [folded phrase, answer id], longest phrase first. */
  readonly phrases: readonly (readonly [string, string])[];
}

function buildAnswerMatcher(nodeId: NodeId): AnswerMatcher {
  const labels = new Map<string, string>();
  const phrases: [string, string][] = [];
  for (const answer of NODES[nodeId].answers) {
    for (const locale of LOCALES) {
      const texts = (CATALOGS[locale].procedure.node as Record<string, NodeTexts>)[nodeId]?.answer[answer.id];
      if (!texts) continue;
      labels.set(normalizeText(texts.label), answer.id);
      for (const phrase of fold([texts.label, ...texts.synonyms])) phrases.push([phrase, answer.id]);
    }
  }
  phrases.sort((a, b) => b[0].length - a[0].length);
  return { labels, phrases };
}

interface NodeTexts {
  readonly answer: Readonly<Record<string, { readonly label: string; readonly synonyms: readonly string[] }>>;
}

const ANSWER_MATCHERS: ReadonlyMap<NodeId, AnswerMatcher> = new Map(
  (Object.keys(NODES) as NodeId[]).map((id) => [id, buildAnswerMatcher(id)]),
);

/** "2", "2.", "n°2", "#2", "option 2", "nr 2": the number of an option as people type it. */
const OPTION_NUMBER = /^(?:n ?o?|nr|no|#|option|optie|choix|keuze|auswahl|antwort|answer|reponse|antwoord)?\s*(\d{1,2})$/;

/**
 * Which answer of `nodeId` a typed message gives: the option's number, its label or one of its
 * words in any locale, or (at the cause question) a sentence naming the cause. `undefined` when
 * nothing or more than one answer matches equally well.
 */
export function matchAnswer(nodeId: NodeId, text: string): string | undefined {
  const folded = normalizeText(text);
  if (folded.length === 0) return undefined;
  const answers = NODES[nodeId].answers;
  const numbered = OPTION_NUMBER.exec(folded);
  if (numbered?.[1] !== undefined) return answers[Number(numbered[1]) - 1]?.id;
  const matcher = ANSWER_MATCHERS.get(nodeId);
  const byLabel = matcher?.labels.get(folded);
  if (byLabel) return byLabel;
  if (nodeId === 'cause') {
    const cause = detectCause(text);
    if (cause) return cause;
  }
  const hits = (matcher?.phrases ?? []).filter(([phrase]) => containsPhrase(folded, phrase));
  const best = hits[0];
  if (!best) return undefined;
  const rivals = hits.filter(([phrase, id]) => phrase.length === best[0].length && id !== best[1]);
  return rivals.length === 0 ? best[1] : undefined;
}
