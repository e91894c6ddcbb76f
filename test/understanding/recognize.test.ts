import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGS, containsPhrase, LOCALES, normalizeText } from '../../src/i18n/index.js';
import { NODE_IDS, NODES } from '../../src/procedure/table.js';
import { LEXICON, matchAnswer, recognizeIntent } from '../../src/understanding/recognize.js';

describe('wrong verdicts found by the language review can no longer happen', () => {
  it.each([
    ['toujours pas de réseau, suis-je dispensé ?'],
    ['normaal hebben we altijd bereik'],
    ['pas du tout, ça marche d’habitude'],
    ['immer noch kein Netz'],
    ['it always works normally, not at all permanent'],
  ])('%j is never read as "permanent" at the permanence question', (text) => {
    expect(matchAnswer('permanence', text)?.answer).not.toBe('permanent');
  });

  it.each([
    ['no, the app doesn’t work either', 'no'],
    ["non, l'application ne marche pas non plus", 'no'],
    ['nee, de app werkt ook niet', 'no'],
    ['nein, die App geht auch nicht', 'no'],
    ["l'application ne marche pas", undefined],
    ['oui, l’appli marche', 'yes'],
    ['yes but the app does not work', undefined],
  ])('at the other-channel question, %j reads as %s', (text, expected) => {
    for (const node of ['providerOtherChannel', 'ownOtherChannel'] as const) expect(matchAnswer(node, text)?.answer).toBe(expected);
  });

  it.each([['toujours pas de réseau, suis-je dispensé ?'], ['normaal hebben we altijd bereik, nu niet'], ['never mind the network']])(
    'a first message %j is never a full-confidence "permanent"',
    (text) => {
      const intent = recognizeIntent(text);
      const isPermanentVerdict = (intent.kind === 'cause' || intent.kind === 'exempt') && intent.cause === 'permanent' && intent.confidence === 'full';
      expect(isPermanentVerdict).toBe(false);
    },
  );

  it('reads a permanent site only from a phrase about never having the infrastructure (and confirms it)', () => {
    expect(recognizeIntent('il n’y a jamais de réseau sur ce chantier')).toEqual({ kind: 'cause', cause: 'permanent', confidence: 'guess' });
    expect(matchAnswer('permanence', 'jamais de réseau ici')?.answer).toBe('permanent');
  });
});

/** Words that are the answer themselves ("yes", "non", "nee"): a yes/no question is answered by them. */
const ANSWER_WORDS = new Set([...LEXICON.yes, ...LEXICON.no].flatMap((p) => p.split(' ')));

/** Every word of every catalog (texts, labels, synonyms, intent lists) and the words the review named. */
const COMMON_WORDS = [
  ...new Set(
    [
      ...LOCALES.flatMap((l) => JSON.stringify(CATALOGS[l]).split(/[^\p{L}\p{N}'’&@-]+/u)),
      'jamais', 'toujours', 'never', 'always', 'nooit', 'altijd', 'immer', 'niemals', 'app', 'application', 'online', 'mobile', 'permanent', 'internet',
    ]
      .map(normalizeText)
      .flatMap((w) => w.split(' '))
      .filter((w) => w.length > 0 && !/^\d+$/.test(w) && !ANSWER_WORDS.has(w)),
  ),
];

const FILLER = ['euh', 'bon', 'alors', 'hmm', 'well', 'so', 'dus', 'tja', 'naja', 'hein', 'voila', 'allez'];
const filler = fc.array(fc.constantFrom(...FILLER), { minLength: 1, maxLength: 3 });

/** Nodes where an answer can end in a verdict. */
const VERDICT_NODES = NODE_IDS.filter((id) => NODES[id].answers.some((a) => 'outcome' in a.next));

describe('no single common word decides a verdict (property)', () => {
  it(`holds for ${COMMON_WORDS.length} words in sentences at every question that can end in a verdict`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...VERDICT_NODES), filler, fc.constantFrom(...COMMON_WORDS), filler, (node, before, word, after) => {
        const text = [...before, word, ...after].join(' ');
        const reading = matchAnswer(node, text);
        // Undecided, or at most a guess that the person confirms before any verdict.
        return reading === undefined || reading.confidence === 'guess';
      }),
      { numRuns: 1500 },
    );
  });

  it('holds for first messages: one word never gives a verdict without a confirmation', () => {
    fc.assert(
      fc.property(filler, fc.constantFrom(...COMMON_WORDS), filler, (before, word, after) => {
        const intent = recognizeIntent([...before, word, ...after].join(' '));
        return !((intent.kind === 'cause' || intent.kind === 'exempt') && intent.cause !== undefined && intent.confidence === 'full');
      }),
      { numRuns: 1500 },
    );
  });

  it('the filler alone decides nothing', () => {
    for (const node of VERDICT_NODES) expect(matchAnswer(node, FILLER.join(' '))).toBeUndefined();
  });
});

describe('containsPhrase searches in place', () => {
  it('agrees with its definition: " phrase " inside " text " (property)', () => {
    // Texts of a few letters and spaces, double spaces included: repeated and overlapping
    // words are where a search in place could go wrong.
    const word = fc.stringMatching(/^[ab]{1,3}$/);
    const text = fc.array(fc.oneof(word, fc.constant('')), { maxLength: 8 }).map((words) => words.join(' '));
    const phrase = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(text, phrase, (t, p) => {
        expect(containsPhrase(t, p)).toBe(` ${t} `.includes(` ${p} `));
      }),
      { numRuns: 5000 },
    );
  });

  it('never finds the empty phrase', () => {
    expect(containsPhrase('a b', '')).toBe(false);
    expect(containsPhrase('', '')).toBe(false);
  });
});

describe('"I have no reference number" is not "I have a reference number"', () => {
  it.each([
    ['ik heb geen referentienummer'],
    ['Ik heb nog geen referentienummer gekregen, wat nu?'],
    ["je n'ai pas de numéro de référence"],
    ['Comment obtenir un numéro de référence ?'],
    ['Ich habe keine Referenznummer'],
    ["I don't have a reference number yet"],
    ['where do I get a reference number?'],
  ])('%j asks how to reach the contact centre, which gives it', (text) => {
    expect(recognizeIntent(text)).toEqual({ kind: 'noReference' });
  });

  it.each([['ik heb een referentienummer'], ["j'ai un numéro de référence"], ['Ich habe eine Referenznummer'], ['I have a reference number']])(
    '%j still opens the listing',
    (text) => expect(recognizeIntent(text)).toEqual({ kind: 'startListing' }),
  );
});
