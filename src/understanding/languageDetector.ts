import { CATALOGS, isLocale, LOCALES, type Locale, normalizeText } from '../i18n/index.js';
import { languageFeatures } from './features.js';
import { TRAINING_CORPUS } from './intentModel.js';
import { NaiveBayes } from './naiveBayes.js';

/** Every text and word list of a catalog: thousands of words of each language, in our domain. */
function catalogTexts(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(catalogTexts);
  if (node && typeof node === 'object') return Object.values(node).flatMap(catalogTexts);
  return [];
}

/**
 * Trained at start-up from the training part of the corpus (short messages as people type
 * them) and from the locale files. Recognition word lists mix languages on purpose (a Dutch
 * list also knows "panne de courant"), so only the catalogs' sentences are used from them.
 */
function sentencesOf(locale: Locale): string[] {
  const { intents: _intents, intentsListing: _listing, intentsReminder: _reminder, understanding: _words, meta: _meta, ...texts } = CATALOGS[locale];
  return catalogTexts(texts).map(normalizeText);
}

/**
 * Words every language uses alike ("Checkinatwork", "internet", "ok", "ERP", "Proximus"): found
 * in the texts of three locales or more, they say nothing about the language and are left out.
 */
function sharedWords(): Set<string> {
  const seenIn = new Map<string, Set<Locale>>();
  for (const locale of LOCALES) {
    for (const text of sentencesOf(locale)) {
      for (const word of text.split(' ')) seenIn.set(word, (seenIn.get(word) ?? new Set()).add(locale));
    }
  }
  return new Set([...seenIn].filter(([, locales]) => locales.size >= 3).map(([word]) => word));
}

const SHARED_WORDS = sharedWords();

const featuresOf = (folded: string) => languageFeatures(withoutSharedWords(folded));

function withoutSharedWords(folded: string): string {
  return folded
    .split(' ')
    .filter((w) => !SHARED_WORDS.has(w))
    .join(' ');
}

function train(): NaiveBayes<Locale> {
  const model = new NaiveBayes<Locale>();
  for (const entry of TRAINING_CORPUS) {
    if (isLocale(entry.lang)) model.add(entry.lang, featuresOf(normalizeText(entry.text)));
  }
  for (const locale of LOCALES) for (const text of sentencesOf(locale)) model.add(locale, featuresOf(text));
  return model;
}

const MODEL = train();

export interface DetectedLanguage {
  readonly locale: Locale;
  readonly probability: number;
}

/** The beginning of a long text tells its language as well as the whole. */
const MAX_DETECTED_LENGTH = 400;

/** Fewer letters than this say too little about a language ("ok", "2", "PDF"). */
const MIN_LETTERS = 8;

/** The language of a free-text message, or undefined when the text is too short to tell. */
export function detectLanguage(text: string): DetectedLanguage | undefined {
  const folded = withoutSharedWords(normalizeText(text.slice(0, MAX_DETECTED_LENGTH)));
  if ((folded.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) return undefined;
  const prediction = MODEL.predict(languageFeatures(folded));
  return prediction ? { locale: prediction.label, probability: prediction.probability } : undefined;
}

/** Posterior above which the bot answers in the detected language rather than the channel's. */
export const SWITCH_PROBABILITY = 0.98;
