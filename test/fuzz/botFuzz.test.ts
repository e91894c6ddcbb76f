import type { Activity } from 'botbuilder';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/i18n/index.js';
import { parseWorkerId } from '../../src/identity/index.js';
import { recognizeIntent } from '../../src/understanding/recognize.js';
import { LISTINGS_ROOT } from '../../src/listing/blobNames.js';
import { type Listing, listingSchema } from '../../src/listing/model.js';
import { createLogger } from '../../src/logger.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { INSTANTS, testStores } from '../helpers/testBot.js';
import { CANARY_NAMES, NISS_SHAPED } from '../security/personalDataPatterns.js';
import { startFuzzConversation } from './fuzzConversation.js';
import { hostileConversation } from './hostileInput.js';
import { PROMPTS } from './prompts.js';
import { replyProblems, stringsIn, switchedLocaleOf } from './replyChecks.js';

/** How the channel says each language: fr as Belgian French, the others as in Teams. */
const CHANNEL_LOCALE: Readonly<Record<Locale, string>> = { fr: 'fr-BE', nl: 'nl-BE', de: 'de-DE', en: 'en-US' };

/**
 * A language switch ("Deutsch", "/lang de") changes the language the replies must be in: the
 * check follows it (switchedLocaleOf), and the question asked again must already be in the new
 * language (RenderedTextPrompt, AnswerPrompt). Counted, to see that the fuzz does switch.
 */
function isLanguageSwitch(activity: Partial<Activity>): boolean {
  const text = (activity.text ?? '').replace('<at>Bot</at>', '');
  return recognizeIntent(text).kind === 'switchLanguage';
}

/** Conversations, each: a route to one prompt, then 1–8 hostile activities or worker entries. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 700);

describe('hostile input at every prompt of the bot', () => {
  const stores = testStores(() => INSTANTS.open, uniqueContainerName('fuzz-bot'));
  const logs: string[] = [];
  const logger = createLogger('debug', (line) => logs.push(line));
  const stats = { conversations: 0, scripted: 0, hostile: 0, refusedAtHttp: 0, languageSwitches: 0, replies: 0 };
  const reached = new Set<string>();

  beforeAll(async () => {
    await stores.ready;
  });

  afterAll(async () => {
    await stores.container.deleteIfExists();
  });

  it('never throws, and every reply is text in the conversation’s language with nothing left unfilled', { timeout: 120_000 }, async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROMPTS),
        fc.constantFrom(...LOCALES),
        fc.constantFrom('test', 'test', 'msteams'),
        hostileConversation,
        async (prompt, locale, channelId, activities) => {
          stats.conversations += 1;
          const conversation = startFuzzConversation({ locale: CHANNEL_LOCALE[locale], channelId, stores, logger });
          let expected: Locale = locale;
          let typed = '';
          const say = async (message: string | Partial<Activity>) => {
            typed += `\u0000${stringsIn(message).join('\u0000').toLowerCase()}`;
            const replies = await conversation.say(message);
            for (const reply of replies) {
              stats.replies += 1;
              expected = switchedLocaleOf(reply.text ?? '') ?? expected;
              const problems = replyProblems(reply, expected, typed);
              if (problems.length > 0) throw new Error(`${problems.join('; ')}\nreply: ${JSON.stringify(reply.text)}`);
            }
            return replies;
          };

          let last: Partial<Activity>[] = [];
          for (const message of prompt.messages(locale)) {
            stats.scripted += 1;
            last = await say(message);
          }
          const arrival = prompt.arrival(locale);
          if (!last.some((r) => (r.text ?? '').includes(arrival))) throw new Error(`the route to ${prompt.id} did not arrive`);
          reached.add(prompt.id);

          for (const activity of activities) {
            const accepted = conversation.accepted(activity);
            if (accepted && isLanguageSwitch(accepted)) stats.languageSwitches += 1;
            if (!accepted) {
              stats.refusedAtHttp += 1; // /api/messages answers 400: the bot never sees it
              continue;
            }
            stats.hostile += 1;
            await say(accepted);
          }
        },
      ),
      { numRuns: RUNS },
    );
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`bot fuzz: ${JSON.stringify(stats)} in ${seconds.toFixed(1)} s\n`);
    expect(reached).toEqual(new Set(PROMPTS.map((p) => p.id)));
    expect(stats.hostile).toBeGreaterThanOrEqual(3000);
  });

  let listings: Listing[] = [];

  it('stored no invalid identifier: every worker in every listing passes parseWorkerId', async () => {
    for await (const blob of stores.container.listBlobsFlat({ prefix: LISTINGS_ROOT })) {
      const body = await stores.container.getBlobClient(blob.name).downloadToBuffer();
      listings.push(listingSchema.parse(JSON.parse(body.toString('utf8'))));
    }
    const workers = listings.flatMap((l) => l.workers);
    process.stdout.write(`bot fuzz: ${listings.length} listings, ${workers.length} workers stored\n`);
    // Not vacuous: the fuzz did get workers onto listings.
    expect(workers.length).toBeGreaterThan(20);
    for (const { workerId } of workers) {
      const parsed = parseWorkerId(workerId.kind === 'limosa' ? `L1 ${workerId.digits}` : workerId.digits);
      expect(parsed).toEqual({ ok: true, value: workerId });
    }
  });

  it('logged no identifier and no name', () => {
    const all = logs.join('\n');
    expect(all).not.toMatch(NISS_SHAPED);
    // The names the fuzz typed on purpose, and the ones that made it onto a listing.
    const stored = listings.flatMap((l) => l.workers.flatMap((w) => [w.surname, w.firstName]));
    expect(stored.some((n) => (CANARY_NAMES as readonly string[]).includes(n))).toBe(true);
    for (const name of [...CANARY_NAMES, 'Peeters']) expect(all).not.toContain(name);
  });
});
