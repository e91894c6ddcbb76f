import corpus from '../../data/corpus/train.json';
import { CATALOGS, LOCALES, normalizeText } from '../i18n/index.js';
import { intentFeatures } from './features.js';
import { NaiveBayes } from './naiveBayes.js';

/** The intents of the labelled corpus (data/corpus/train.json). */
export const MODEL_INTENTS = [
  'provider',
  'thirdParty',
  'serviceDown',
  'own',
  'permanent',
  'exempt',
  'centreOpen',
  'listing',
  'evidence',
  'reminder',
  'help',
  'language',
  'greeting',
  'thanks',
  'offTopic',
] as const;
export type ModelIntent = (typeof MODEL_INTENTS)[number];

export interface CorpusEntry {
  readonly lang: string;
  readonly intent: string;
  readonly text: string;
}

export const TRAINING_CORPUS: readonly CorpusEntry[] = corpus;

const isModelIntent = (value: string): value is ModelIntent => (MODEL_INTENTS as readonly string[]).includes(value);

/**
 * Trained at start-up (a few milliseconds) from the training part of the corpus and from the
 * phrase lists of the locale files. Only consulted when the phrase lists recognise nothing, and
 * its answer is never more than a guess: a cause it reads is confirmed before any verdict.
 */
function train(): NaiveBayes<ModelIntent> {
  const model = new NaiveBayes<ModelIntent>();
  for (const entry of TRAINING_CORPUS) {
    if (isModelIntent(entry.intent)) model.add(entry.intent, intentFeatures(normalizeText(entry.text)));
  }
  for (const locale of LOCALES) {
    const { intents, intentsListing, intentsReminder, understanding } = CATALOGS[locale];
    const lists: [ModelIntent, readonly string[]][] = [
      ['provider', intents.cause.provider.flat()],
      ['thirdParty', intents.cause.thirdParty.flat()],
      ['serviceDown', intents.cause.serviceDown[0] ?? []],
      ['own', intents.cause.own.flat()],
      ['exempt', intents.exempt],
      ['centreOpen', [...intents.centreOpen.flat(), ...understanding.centreOpen]],
      ['listing', intentsListing.start],
      ['evidence', [...intentsListing.evidence, ...intentsListing.evidenceList]],
      ['reminder', intentsReminder.set],
      ['help', intents.help],
      ['language', intents.language],
      ['greeting', understanding.greeting],
      ['thanks', understanding.thanks],
    ];
    for (const [intent, phrases] of lists) for (const p of phrases) model.add(intent, intentFeatures(normalizeText(p)));
  }
  return model;
}

const MODEL = train();

/** Below this posterior the model's reading is not used at all. */
const MIN_PROBABILITY = 0.6;

/** The model reads messages of a line or two; longer texts are not questions it was trained on. */
const MAX_MODEL_LENGTH = 300;

export function classifyIntent(folded: string): { readonly intent: ModelIntent; readonly probability: number } | undefined {
  if (folded.length > MAX_MODEL_LENGTH) return undefined;
  const prediction = MODEL.predict(intentFeatures(folded));
  if (!prediction || prediction.probability < MIN_PROBABILITY) return undefined;
  return { intent: prediction.label, probability: prediction.probability };
}
