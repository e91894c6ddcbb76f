import type { Activity } from 'botbuilder';
import fc from 'fast-check';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { CANARY_NAMES } from '../security/personalDataPatterns.js';
import { vocabulary } from './replyChecks.js';

/**
 * Random and adversarial user input: what people type on a site, what a broken client or an
 * attacker sends. Built from pieces so that a message can be "a valid NISS with an emoji", a
 * catalog word in another language, a command with a huge number, JSON, markup…
 */

const WORDS = vocabulary();

const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\u000b', '\f', '\u001b', '\u007f', '\u0085', '\u200b', '\u200e', '\u202e', '\u2028', '\ufeff', '\ud800', '\udfff', '\r', '\n', '\t'];
const EMOJI = ['👷‍♀️', '🏗️', '🇧🇪', '✅', '❌', '👍🏽', '🧱', '💥', '\u{1F600}', '👨‍👩‍👧‍👦', 'é', 'ß', 'Ł', '中文', 'עברית', 'العربية'];
const MARKUP = [
  '<b>x</b>', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<at>Bot</at>', '**bold**', '_x_', '`code`', '[link](javascript:alert(1))',
  '# title', '> quote', '|a|b|', '&lt;&amp;', '{count}', '{{x}}', '${x}', '%s%n', '\\', '"', "'", '--', '/*', 'undefined', 'null', 'NaN', '[object Object]',
  '../../etc/passwd', 'DROP TABLE listings;', '__proto__', 'constructor', 'toString',
];

const dotted = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`;

const yymmdd = fc
  .record({ y: fc.integer({ min: 0, max: 99 }), m: fc.integer({ min: 0, max: 14 }), d: fc.integer({ min: 0, max: 33 }) })
  .map(({ y, m, d }) => `${String(y).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`);

/** Identifier-like input: valid NISS/BIS (some stored), wrong check digits, impossible dates, Limosa, near misses. */
export const identifierText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({ date: yymmdd, counter: fc.integer({ min: 1, max: 998 }), century: fc.constantFrom(1900 as const, 2000 as const), dots: fc.boolean() })
    .map(({ date, counter, century, dots }) => {
      const n = buildNationalNumber(date, counter, century);
      return dots ? dotted(n) : n;
    }),
  fc.tuple(yymmdd, fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99 })).map(([d, c, k]) => `${d}${String(c).padStart(3, '0')}${String(k).padStart(2, '0')}`),
  fc.stringMatching(/^(?:L1|Limosa:?) ?\d{6,26}$/),
  fc.stringMatching(/^[\d .\-/]{1,30}$/),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
);

/** Names as typed on a site, with the characters a printed listing must cope with; and hostile ones. */
export const nameText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Peeters', 'Janssens', "D'Hondt", 'Müller-Lüdenscheidt', 'Łukasz', 'Élodie', 'Van den Bossche', 'Ó Súilleabháin', 'Nguyễn', 'Ἀλέξανδρος', 'Jo', 'X', ...CANARY_NAMES),
  fc.stringMatching(/^[A-Za-zÀ-ÿ' -]{1,40}$/),
);

const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: nameText },
  { weight: 3, arbitrary: identifierText },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(...CONTROL, ...EMOJI, ...MARKUP) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 1_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom('31/02/2026', '29/02/2027', '25/11/2026', '26.11.2026', '2026-11-24', '00/00/0000', '99/99/99', 'today', "aujourd'hui") },
);

/** A message text: one piece, a few joined, or one repeated to a very long text. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: piece },
  { weight: 3, arbitrary: fc.array(piece, { minLength: 2, maxLength: 5 }).chain((parts) => fc.constantFrom(parts.join(' '), parts.join(''), parts.join('\n'))) },
  { weight: 1, arbitrary: fc.tuple(piece, fc.integer({ min: 50, max: 4_000 })).map(([p, n]) => p.repeat(n).slice(0, 60_000)) },
);

/** What a card submit may carry: the right shape, the wrong one, or anything at all. */
const cardValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ answer: fc.oneof(fc.constantFrom('provider', 'thirdParty', 'serviceDown', 'own', 'permanent', 'yes', 'no', 'solved', 'noSolution', 'notYet', 'temporary', '__proto__'), fc.anything()) }),
  fc.record(
    {
      form: fc.oneof(fc.constant('worker'), fc.anything()),
      workerId: fc.oneof(identifierText, fc.anything()),
      surname: fc.oneof(nameText, piece, fc.anything()),
      firstName: fc.oneof(nameText, piece, fc.anything()),
    },
    { requiredKeys: [] },
  ),
  fc.record({ msteams: fc.record({ type: fc.constantFrom('imBack', 'messageBack'), value: hostileText }) }),
  fc.anything({ maxDepth: 3 }),
);

/**
 * One incoming activity as the bot sees it after /api/messages' own checks: a message with
 * text, without text, with a card value (right or wrong shape), with odd entities or channel
 * data; now and then not a message at all.
 */
export const hostileActivity: fc.Arbitrary<Partial<Activity>> = fc.oneof(
  { weight: 10, arbitrary: hostileText.map((text) => ({ text })) },
  { weight: 2, arbitrary: cardValue.map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.tuple(fc.option(hostileText, { nil: undefined }), cardValue).map(([text, value]) => ({ ...(text === undefined ? {} : { text }), value })) },
  { weight: 1, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: hostileText.map((text) => ({
      text: `<at>Bot</at> ${text}`,
      entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'Bot' }, text: '<at>Bot</at>' }, { type: 'clientInfo', locale: 'xx' }],
    })),
  },
  { weight: 1, arbitrary: fc.record({ text: hostileText, channelData: fc.anything({ maxDepth: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Partial<Activity>>(
      { type: 'conversationUpdate', membersAdded: [{ id: 'someone', name: 'x' }] },
      { type: 'conversationUpdate', membersRemoved: [{ id: 'someone', name: 'x' }] },
      { type: 'typing' },
      { type: 'event', name: 'webchat/join', value: { language: 'xx' } },
      { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] },
      { type: 'endOfConversation' },
      { type: 'installationUpdate' },
    ),
  },
);

/** Identifier, surname, first name in a row: what gets workers onto a listing (or is refused on the way). */
const workerEntry: fc.Arbitrary<Partial<Activity>[]> = fc
  .tuple(identifierText, nameText, fc.oneof(nameText, hostileText))
  .map(([id, surname, firstName]) => [{ text: id }, { text: surname }, { text: firstName }]);

/** The activities one conversation receives once at its prompt. */
export const hostileConversation: fc.Arbitrary<Partial<Activity>[]> = fc
  .array(fc.oneof({ weight: 6, arbitrary: hostileActivity.map((a) => [a]) }, { weight: 1, arbitrary: workerEntry }), { minLength: 1, maxLength: 8 })
  .map((groups) => groups.flat());
