import { CATALOGS, LOCALES, type Locale, containsPhrase, normalizeText } from '../i18n/index.js';
import { NODES, type NodeId } from '../procedure/table.js';
import { WordCorrector } from './fuzzy.js';
import { classifyIntent, type ModelIntent } from './intentModel.js';

export const CAUSES = ['provider', 'thirdParty', 'serviceDown', 'own', 'permanent'] as const;
export type Cause = (typeof CAUSES)[number];

/**
 * When one message names several causes, the most specific wins: an operator's or energy outage
 * explains a failing badge reader or Checkinatwork rather than the other way round. Such a
 * message is never taken at full confidence: the person confirms first.
 */
const CAUSE_PRIORITY: readonly Cause[] = ['thirdParty', 'serviceDown', 'provider', 'own', 'permanent'];

/**
 * How sure the bot is of a cause read from free text. `full`: two or more words of one cause's
 * phrases and nothing pointing elsewhere ("Checkinatwork is down", "power cut"). `guess`: one
 * word, a corrected typo, several causes, or the statistical model: the bot states what it
 * understood and asks to confirm before any verdict (never exempt on a guess).
 */
export type Confidence = 'full' | 'guess';

export type SmallTalk = 'greeting' | 'thanks' | 'offTopic' | 'question';

export type Intent =
  | { readonly kind: 'switchLanguage'; readonly locale: Locale }
  | { readonly kind: 'chooseLanguage' }
  | { readonly kind: 'help' }
  | { readonly kind: 'restart' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'centreOpen' }
  | { readonly kind: 'noReference' }
  | { readonly kind: 'startListing' }
  | { readonly kind: 'recordEvidence' }
  | { readonly kind: 'listEvidence' }
  | { readonly kind: 'eraseListing' }
  | { readonly kind: 'setReminder' }
  | { readonly kind: 'cancelReminder' }
  | { readonly kind: 'smallTalk'; readonly topic: SmallTalk }
  | { readonly kind: 'exempt'; readonly cause: Cause | undefined; readonly confidence: Confidence }
  | { readonly kind: 'cause'; readonly cause: Cause; readonly confidence: Confidence }
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
  readonly centreOpenAlone: readonly string[];
  readonly causes: ReadonlyMap<Cause, PhraseGroups>;
  readonly startListing: readonly string[];
  /** "I don't have a reference number": the contact centre gives it, not the listing. */
  readonly noReference: readonly string[];
  readonly recordEvidence: readonly string[];
  readonly listEvidence: readonly string[];
  readonly eraseListing: readonly string[];
  readonly setReminder: readonly string[];
  readonly cancelReminder: readonly string[];
  readonly greeting: readonly string[];
  readonly thanks: readonly string[];
  readonly offTopic: readonly string[];
  readonly yes: readonly string[];
  readonly no: readonly string[];
  readonly negation: ReadonlySet<string>;
  readonly but: readonly string[];
  /** "normally", "still no", "outage": words that make a "never" sentence about something else. */
  readonly notPermanent: readonly string[];
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
    centreOpenAlone: all((c) => c.understanding.centreOpen),
    causes: new Map(CAUSES.map((cause) => [cause, foldGroups((l) => CATALOGS[l].intents.cause[cause])])),
    startListing: all((c) => c.intentsListing.start),
    noReference: all((c) => c.intentsListing.noReference),
    recordEvidence: all((c) => [...c.intentsListing.evidence, c.actions.recordEvidence]),
    listEvidence: all((c) => c.intentsListing.evidenceList),
    eraseListing: all((c) => c.intentsListing.erase),
    setReminder: all((c) => [...c.intentsReminder.set, c.actions.remindMe]),
    cancelReminder: all((c) => c.intentsReminder.cancel),
    greeting: all((c) => c.understanding.greeting),
    thanks: all((c) => c.understanding.thanks),
    offTopic: all((c) => c.understanding.offTopic),
    yes: all((c) => c.understanding.yes),
    no: all((c) => c.understanding.no),
    negation: new Set(all((c) => c.understanding.negation)),
    but: all((c) => c.understanding.but),
    notPermanent: all((c) => c.understanding.notPermanent),
  };
}

export const LEXICON = buildLexicon();

/** Every word the phrase lists know, for typo correction ("badgeuze" → "badgeuse"). */
function lexiconWords(): Set<string> {
  const words = new Set<string>();
  const addAll = (phrases: Iterable<string>) => {
    for (const p of phrases) for (const w of p.split(' ')) if (w) words.add(w);
  };
  for (const value of Object.values(LEXICON)) {
    if (value instanceof Map) for (const v of value.values()) addAll((v as readonly (string | readonly string[])[]).flat());
    else if (value instanceof Set) addAll(value as Set<string>);
    else addAll((value as readonly (string | readonly string[])[]).flat());
  }
  for (const locale of LOCALES) {
    for (const node of Object.values(CATALOGS[locale].procedure.node)) {
      for (const answer of Object.values(node.answer as Record<string, { label: string; synonyms: readonly string[] }>)) {
        addAll(fold([answer.label, ...answer.synonyms]));
      }
    }
  }
  return words;
}

const LEXICON_WORDS = lexiconWords();
const CORRECTOR = new WordCorrector(LEXICON_WORDS);

/**
 * A message is read from its first characters: a question or an answer typed on a phone is a
 * line or two, and reading a pasted 60,000-character text in full would only cost time.
 */
const MAX_READ_LENGTH = 1000;

/** Short messages are commands ("stop", "in English please"); long ones are sentences. */
const COMMAND_MAX_WORDS = 4;

function wordCount(text: string): number {
  if (text.length === 0) return 0;
  let words = 1;
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) words += 1;
  return words;
}

function isCommand(text: string, phrases: readonly string[]): boolean {
  if (phrases.includes(text)) return true;
  if (wordCount(text) > COMMAND_MAX_WORDS) return false;
  // Very short phrases ("en", "de", "?") only count as the whole message: they are words too.
  return phrases.some((p) => p.length > 2 && containsPhrase(text, p));
}

const hasAny = (text: string, phrases: readonly string[]) => phrases.some((p) => containsPhrase(text, p));

/** The words that matched each group (longest phrase of each), or undefined when a group is missing. */
function matchGroups(text: string, groupsToMatch: PhraseGroups): number | undefined {
  if (groupsToMatch.length === 0) return undefined;
  let words = 0;
  for (const group of groupsToMatch) {
    let longest = 0;
    for (const phrase of group) if (containsPhrase(text, phrase)) longest = Math.max(longest, wordCount(phrase));
    if (longest === 0) return undefined;
    words += longest;
  }
  return words;
}

interface CauseReading {
  readonly cause: Cause;
  readonly confidence: Confidence;
}

/**
 * A permanently missing infrastructure only from a phrase about the site never having it
 * ("jamais de réseau ici", "nooit bereik op deze werf"), never from one word, and never when
 * the sentence is about an outage or what normally works ("toujours pas de réseau", "normaal
 * hebben we altijd bereik").
 */
function isPermanentSentence(text: string): boolean {
  return matchGroups(text, LEXICON.causes.get('permanent') ?? []) !== undefined && !hasAny(text, LEXICON.notPermanent);
}

function readCauseIn(text: string): { cause: Cause; words: number; rivals: number } | undefined {
  const found: { cause: Cause; words: number }[] = [];
  for (const cause of CAUSE_PRIORITY) {
    if (cause === 'permanent') {
      if (isPermanentSentence(text)) found.push({ cause, words: 0 });
      continue;
    }
    const words = matchGroups(text, LEXICON.causes.get(cause) ?? []);
    if (words !== undefined) found.push({ cause, words });
  }
  // The "Attention" paragraph: a site that never has the infrastructure is not exempt whatever
  // else the message says, so permanence wins — but always as a guess, to be confirmed.
  const permanent = found.find((f) => f.cause === 'permanent');
  const first = permanent ?? found[0];
  return first ? { ...first, rivals: found.length - 1 } : undefined;
}

/**
 * The cause a free-text message names, with how sure that reading is: from the phrase lists
 * (exact, then with typos corrected), else from the model trained on the corpus (a guess).
 */
export function readCause(text: string, allowed: readonly Cause[] = CAUSES, useModel = true): CauseReading | undefined {
  const folded = normalizeText(text.slice(0, MAX_READ_LENGTH));
  if (folded.length === 0) return undefined;
  const exact = readCauseIn(folded);
  const corrected = CORRECTOR.correctText(folded);
  const reading = corrected.changed ? readCauseIn(corrected.text) : exact;
  if (reading && allowed.includes(reading.cause)) {
    // Full confidence only for what was typed as such: a corrected typo stays a guess.
    const isFull = !corrected.changed && reading.words >= 2 && reading.rivals === 0 && reading.cause !== 'permanent';
    return { cause: reading.cause, confidence: isFull ? 'full' : 'guess' };
  }
  const model = useModel ? classifyIntent(corrected.text) : undefined;
  const cause = CAUSES.find((c) => c === model?.intent);
  return cause && allowed.includes(cause) && cause !== 'permanent' ? { cause, confidence: 'guess' } : undefined;
}

const longestFirst = (phrases: readonly string[]): readonly string[] => [...phrases].sort((a, b) => b.length - a.length);
const SMALL_TALK: readonly (readonly [SmallTalk, readonly string[]])[] = [
  ['thanks', longestFirst(LEXICON.thanks)],
  ['greeting', longestFirst([...LEXICON.greeting, ...LEXICON.thanks])],
  ['offTopic', longestFirst(LEXICON.offTopic)],
];

/** Whether `text` is made only of `phrases` (longest first), once each is taken out. */
function isMadeOf(text: string, phrases: readonly string[]): boolean {
  let rest = text;
  for (const phrase of phrases) {
    if (containsPhrase(rest, phrase)) rest = ` ${rest} `.replaceAll(` ${phrase} `, ' ').trim();
  }
  return rest.replace(/\s+/g, '') === '';
}

/** A whole message made only of greeting or thanks words ("bonjour", "ok merci", "thx"). */
function smallTalkOf(text: string): SmallTalk | undefined {
  if (wordCount(text) > COMMAND_MAX_WORDS) return undefined;
  return SMALL_TALK.find(([, phrases]) => isMadeOf(text, phrases))?.[0];
}

/** What each label of the intent model means for the bot (causes are read by readCause). */
const INTENT_OF_MODEL_LABEL: Readonly<Partial<Record<ModelIntent, Intent>>> = {
  centreOpen: { kind: 'centreOpen' },
  listing: { kind: 'startListing' },
  reminder: { kind: 'setReminder' },
  evidence: { kind: 'recordEvidence' },
  help: { kind: 'help' },
  language: { kind: 'chooseLanguage' },
  greeting: { kind: 'smallTalk', topic: 'greeting' },
  thanks: { kind: 'smallTalk', topic: 'thanks' },
  offTopic: { kind: 'smallTalk', topic: 'offTopic' },
  exempt: { kind: 'exempt', cause: undefined, confidence: 'guess' },
};

/** What the phrase lists say the message asks for; undefined when they say nothing. */
function recognizeByPhrases(folded: string): Intent | undefined {
  for (const [locale, phrases] of LEXICON.switchTo) {
    if (isCommand(folded, phrases)) return { kind: 'switchLanguage', locale };
  }
  if (isCommand(folded, LEXICON.chooseLanguage)) return { kind: 'chooseLanguage' };
  // Before "cancel" and "is the centre open?": "cancel the reminder", "remind me when the
  // contact centre opens" contain those words too.
  if (hasAny(folded, LEXICON.cancelReminder)) return { kind: 'cancelReminder' };
  if (hasAny(folded, LEXICON.setReminder)) return { kind: 'setReminder' };
  // A bare "?": a short nudge with buttons, not the whole help text.
  if (/^\?(?: \?)*$/.test(folded)) return { kind: 'smallTalk', topic: 'question' };
  if (isCommand(folded, LEXICON.help)) return { kind: 'help' };
  if (isCommand(folded, LEXICON.restart)) return { kind: 'restart' };
  if (isCommand(folded, LEXICON.cancel)) return { kind: 'cancel' };
  const smallTalk = smallTalkOf(folded);
  if (smallTalk) return { kind: 'smallTalk', topic: smallTalk };
  // Listing and evidence commands name their object ("erase the listing", "my evidence for…").
  if (hasAny(folded, LEXICON.eraseListing)) return { kind: 'eraseListing' };
  if (hasAny(folded, LEXICON.listEvidence)) return { kind: 'listEvidence' };
  if (isCommand(folded, LEXICON.recordEvidence)) return { kind: 'recordEvidence' };
  // Before the listing: "ik heb geen referentienummer" names the listing's reference number, but
  // asks how to get one — from the contact centre, whose hours and routes the answer gives.
  if (hasAny(folded, LEXICON.noReference)) return { kind: 'noReference' };
  if (hasAny(folded, LEXICON.startListing)) return { kind: 'startListing' };
  return undefined;
}

export interface RecognizeOptions {
  /**
   * Whether a question is open: then only the phrase lists count (commands, quick questions),
   * never the statistical model — an answer such as "Ja, ein anderer Kanal funktioniert" must
   * reach the question, not be taken for something else.
   */
  readonly isQuestionOpen?: boolean;
}

/** What a free-text message asks for, whatever the current prompt. */
export function recognizeIntent(text: string, options: RecognizeOptions = {}): Intent {
  const folded = normalizeText(text.slice(0, MAX_READ_LENGTH));
  if (folded.length === 0) return { kind: 'none' };
  const corrected = CORRECTOR.correctText(folded).text;
  const byPhrase = recognizeByPhrases(folded) ?? (corrected === folded ? undefined : recognizeByPhrases(corrected));
  if (byPhrase) return byPhrase;
  const asksExemption = hasAny(folded, LEXICON.exempt) || hasAny(corrected, LEXICON.exempt);
  const cause = readCause(text, CAUSES, !options.isQuestionOpen);
  if (asksExemption) return { kind: 'exempt', cause: cause?.cause, confidence: cause?.confidence ?? 'guess' };
  const asksCentre =
    matchGroups(folded, LEXICON.centreOpen) !== undefined || hasAny(folded, LEXICON.centreOpenAlone) || hasAny(corrected, LEXICON.centreOpenAlone);
  if (asksCentre) return { kind: 'centreOpen' };
  if (cause) return { kind: 'cause', ...cause };
  if (options.isQuestionOpen) return { kind: 'none' };
  const model = classifyIntent(corrected);
  const byModel = model && INTENT_OF_MODEL_LABEL[model.intent];
  if (byModel) return byModel;
  // Not one word of the domain ("what's the weather tomorrow"): a short answer saying what
  // the bot is for, rather than a procedure nobody asked for.
  return hasDomainWord(corrected) ? { kind: 'none' } : { kind: 'smallTalk', topic: 'offTopic' };
}

/** Words of four letters or more from the phrase lists: the vocabulary of the domain. */
const DOMAIN_WORDS: ReadonlySet<string> = new Set([...LEXICON_WORDS].filter((w) => w.length >= 4 && !/^\d+$/.test(w)));

function hasDomainWord(folded: string): boolean {
  return folded.split(' ').some((w) => DOMAIN_WORDS.has(w) || /\d/.test(w));
}

/** A typed answer to a question of the procedure, and whether it may decide alone. */
export interface AnswerReading {
  readonly answer: string;
  readonly confidence: Confidence;
}

interface AnswerMatcher {
  readonly labels: ReadonlyMap<string, string>;
  /** The whole message is one of these words ("pas encore", "temporary"). */
  readonly whole: ReadonlyMap<string, string>;
  /** Phrases of two words or more, found anywhere in a sentence; longest first. */
  readonly phrases: readonly (readonly [string, string])[];
}

interface NodeTexts {
  readonly answer: Readonly<Record<string, { readonly label: string; readonly synonyms: readonly string[] }>>;
}

function buildAnswerMatcher(nodeId: NodeId): AnswerMatcher {
  const labels = new Map<string, string>();
  const whole = new Map<string, string>();
  const phrases: [string, string][] = [];
  for (const answer of NODES[nodeId].answers) {
    for (const locale of LOCALES) {
      const texts = (CATALOGS[locale].procedure.node as Record<string, NodeTexts>)[nodeId]?.answer[answer.id];
      if (!texts) continue;
      labels.set(normalizeText(texts.label), answer.id);
      for (const phrase of fold([texts.label, ...texts.synonyms])) {
        // A single word decides only when it is the whole answer: in a sentence, "app",
        // "toujours" or "never" say nothing about which answer is meant.
        if (wordCount(phrase) === 1) whole.set(phrase, answer.id);
        else phrases.push([phrase, answer.id]);
      }
    }
  }
  phrases.sort((a, b) => b[0].length - a[0].length);
  return { labels, whole, phrases };
}

const ANSWER_MATCHERS: ReadonlyMap<NodeId, AnswerMatcher> = new Map(
  (Object.keys(NODES) as NodeId[]).map((id) => [id, buildAnswerMatcher(id)]),
);

/** "2", "2.", "n°2", "#2", "option 2", "nr 2": the number of an option as people type it. */
const OPTION_NUMBER = /^(?:n ?o?|nr|no|#|option|optie|choix|keuze|auswahl|antwort|answer|reponse|antwoord)?\s*(\d{1,2})$/;

/** Answers that say "yes, it works": never read from a sentence that also says "not". */
const POSITIVE_ANSWERS: ReadonlySet<string> = new Set(['yes', 'solved', 'temporary']);

/** Nodes whose answers are chosen among causes: the cause reading applies there. */
const CAUSE_NODES: ReadonlySet<NodeId> = new Set(['cause', 'causeElsewhere']);

function hasNegation(text: string): boolean {
  return text.split(' ').some((w) => LEXICON.negation.has(w));
}

/**
 * "non, l'application ne marche pas non plus", "yes, online works": the first word answers a
 * yes/no question, unless the sentence then turns ("yes but…").
 */
function leadingYesNo(nodeId: NodeId, text: string): string | undefined {
  const ids = NODES[nodeId].answers.map((a) => a.id);
  if (!ids.includes('yes') || !ids.includes('no')) return undefined;
  if (hasAny(text, LEXICON.but)) return undefined;
  const isYes = LEXICON.yes.some((w) => text === w || text.startsWith(`${w} `));
  const isNo = LEXICON.no.some((w) => text === w || text.startsWith(`${w} `));
  if (isNo && !isYes) return 'no';
  if (isYes && !isNo && !hasNegation(text)) return 'yes';
  return undefined;
}

function matchPhrases(matcher: AnswerMatcher, text: string): string | undefined {
  const isNegated = hasNegation(text);
  const hits = matcher.phrases.filter(([phrase, id]) => containsPhrase(text, phrase) && !(isNegated && POSITIVE_ANSWERS.has(id)));
  const ids = new Set(hits.map(([, id]) => id));
  return ids.size === 1 ? hits[0]?.[1] : undefined;
}

/**
 * Which answer of `nodeId` a typed message gives: the option's number, its label in any
 * locale, a yes/no first word, a phrase of two words or more, a one-word answer that is the
 * whole message, or (at a cause question) a sentence naming the cause — that one possibly only
 * a guess, to be confirmed. `undefined` when nothing, or more than one answer, matches.
 */
export function matchAnswer(nodeId: NodeId, text: string): AnswerReading | undefined {
  const folded = normalizeText(text.slice(0, MAX_READ_LENGTH));
  if (folded.length === 0) return undefined;
  const answers = NODES[nodeId].answers;
  const ids = answers.map((a) => a.id);
  const numbered = OPTION_NUMBER.exec(folded);
  if (numbered?.[1] !== undefined) {
    const answer = answers[Number(numbered[1]) - 1]?.id;
    return answer ? { answer, confidence: 'full' } : undefined;
  }
  const matcher = ANSWER_MATCHERS.get(nodeId);
  if (!matcher) return undefined;
  const direct = matcher.labels.get(folded) ?? matcher.whole.get(folded);
  if (direct) return { answer: direct, confidence: 'full' };
  if (CAUSE_NODES.has(nodeId)) {
    const reading = readCause(text, CAUSES.filter((c) => ids.includes(c)));
    if (reading) return { answer: reading.cause, confidence: reading.confidence };
    const phrase = matchPhrases(matcher, folded);
    return phrase ? { answer: phrase, confidence: 'guess' } : undefined;
  }
  const corrected = CORRECTOR.correctText(folded).text;
  const answer =
    leadingYesNo(nodeId, folded) ??
    matchPhrases(matcher, folded) ??
    matcher.whole.get(corrected) ??
    (corrected === folded ? undefined : matchPhrases(matcher, corrected));
  return answer ? { answer, confidence: 'full' } : undefined;
}

/** Labels of every button the bot shows, folded, in every locale. */
const BUTTON_LABELS: ReadonlySet<string> = new Set([
  ...[...ANSWER_MATCHERS.values()].flatMap((m) => [...m.labels.keys()]),
  ...LOCALES.flatMap((l) => [...Object.values(CATALOGS[l].actions), CATALOGS[l].confirm.yes, CATALOGS[l].confirm.no].map(normalizeText)),
]);

/** A button label or an option number: it says nothing about the language the person writes. */
export function isButtonLabel(text: string): boolean {
  const folded = normalizeText(text);
  return BUTTON_LABELS.has(folded) || OPTION_NUMBER.test(folded);
}

/** A bare yes or no ("oui", "nee hoor", "nein"), as an answer to the bot's last offer. */
export function readYesNo(text: string): 'yes' | 'no' | undefined {
  const folded = normalizeText(text.slice(0, MAX_READ_LENGTH));
  if (wordCount(folded) > 3) return undefined;
  const isYes = LEXICON.yes.some((w) => folded === w || folded.startsWith(`${w} `));
  const isNo = LEXICON.no.some((w) => folded === w || folded.startsWith(`${w} `));
  if (isYes === isNo) return undefined;
  return isYes ? 'yes' : 'no';
}
