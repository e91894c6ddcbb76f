/**
 * First messages of site managers, labelled (400+ in fr/nl/de/en, written for this test, not
 * taken from the locale files), split once by a hash into a training part
 * (data/corpus/train.json: the models learn from it, the phrase lists were tuned on it) and a
 * held-out part (test/understanding/corpus/heldout.json) never tuned on.
 *
 * Record of the held-out figures (161 messages):
 *  - before this work (phrase lists of v1): 52.8 % right, 73 asked the cause, 3 wrong, 1 wrong verdict
 *    (v1 had no greeting/thanks/off-topic intents: those 24 messages count as "asked");
 *  - first measurement after: 89.4 % right, 9 asked, 8 wrong (all caught by a confirmation or
 *    harmless), 0 wrong verdicts. Off-topic was 0/8 there (the model cannot learn an open topic
 *    from 20 examples); one general rule was then added — no word of the domain vocabulary
 *    means off-topic — without looking at the held-out sentences;
 *  - then 93.2 % right, 3 asked, 8 wrong, 0 wrong verdicts;
 *  - now: 92.5 % right (149), 4 asked, 8 wrong, 0 wrong verdicts: the typo corrector now only
 *    compares words that share their first or second letter (10× faster on unknown words —
 *    the hostile-input fuzz sends many), which loses one held-out message.
 * "Wrong" counts readings of another intent; every wrong cause among them is a guess that the
 * bot confirms before any verdict, so none is a wrong verdict. Same author for both halves: the
 * held-out part measures generalisation to unseen sentences, not to unseen writers.
 */
import { describe, expect, it } from 'vitest';
import heldOut from './corpus/heldout.json';
import { TRAINING_CORPUS } from '../../src/understanding/intentModel.js';
import { detectLanguage, SWITCH_PROBABILITY } from '../../src/understanding/languageDetector.js';
import { evaluate, formatEvaluation } from './corpusEvaluation.js';

describe('understanding first messages (labelled corpus)', () => {
  it('has 400+ messages in the four languages, every intent in each', () => {
    const all = [...TRAINING_CORPUS, ...heldOut];
    expect(all.length).toBeGreaterThanOrEqual(400);
    const intents = new Set(all.map((e) => e.intent));
    for (const lang of ['fr', 'nl', 'de', 'en']) {
      expect(new Set(all.filter((e) => e.lang === lang).map((e) => e.intent))).toEqual(intents);
    }
    // No held-out message is in the training part of its language ("ok" is French and English).
    const training = new Set(TRAINING_CORPUS.map((e) => `${e.lang}:${e.text}`));
    expect(heldOut.filter((e) => training.has(`${e.lang}:${e.text}`))).toEqual([]);
  });

  it('gets ≥ 90 % of the held-out messages right, and never a wrong verdict', () => {
    const evaluation = evaluate(heldOut);
    process.stdout.write(`held-out corpus (${heldOut.length} messages):\n${formatEvaluation(evaluation)}\n`);
    const { right, asked, wrong } = evaluation.total;
    expect(right / (right + asked + wrong)).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.total.wrongVerdicts).toBe(0);
  });

  it('gets the training messages right too (what the phrase lists were tuned on)', () => {
    const evaluation = evaluate(TRAINING_CORPUS);
    expect(evaluation.total.wrongVerdicts).toBe(0);
    expect(evaluation.total.right / TRAINING_CORPUS.length).toBeGreaterThanOrEqual(0.95);
  });

  it('tells the language of held-out messages, and never switches on a wrong one', () => {
    const tally = { right: 0, wrong: 0, undecided: 0, switched: 0, switchedWrong: 0 };
    for (const { lang, text } of heldOut) {
      const detected = detectLanguage(text);
      if (!detected) tally.undecided++;
      else if (detected.locale === lang) tally.right++;
      else tally.wrong++;
      if (detected && detected.probability >= SWITCH_PROBABILITY) {
        tally.switched++;
        if (detected.locale !== lang) tally.switchedWrong++;
      }
    }
    process.stdout.write(`language of held-out messages: ${JSON.stringify(tally)}\n`);
    expect(tally.switchedWrong).toBe(0);
    expect(tally.right / heldOut.length).toBeGreaterThanOrEqual(0.85);
  });
});
