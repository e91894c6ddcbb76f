import { describe, expect, it } from 'vitest';
import { CATALOGS, LOCALES, type Locale, t } from '../../src/i18n/index.js';
import { createTestConversation } from '../helpers/testBot.js';

/** Messages written as site managers type them (not from the locale files). */
const GUESSED_OUTAGE: Readonly<Record<Locale, string>> = {
  fr: 'panne chez proximus depuis 6h',
  nl: 'storing bij proximus sinds 6u',
  de: 'Störung bei Proximus seit 6 Uhr',
  en: 'proximus outage since 6am',
};

describe('never exempt on a guess (item 3)', () => {
  it.each(LOCALES)('[%s] states what it understood, asks to confirm, exempts only after yes', async (locale) => {
    const conversation = createTestConversation({ locale });
    const first = await conversation.say(GUESSED_OUTAGE[locale]);
    const { confirm, procedure } = CATALOGS[locale];
    expect(first).toHaveLength(1);
    expect(first[0]?.text).toContain(t(locale, 'confirm.question', { cause: confirm.causes.thirdParty }));
    expect(first[0]?.text).not.toContain('✅');
    expect(first[0]?.locale).toBe(locale);
    expect(await conversation.sayText(confirm.yes)).toContain(procedure.outcome.exemptThirdParty.title);
  });

  it.each(LOCALES)('[%s] "no" leads to the cause question, and an unclear answer asks again', async (locale) => {
    const conversation = createTestConversation({ locale });
    await conversation.say(GUESSED_OUTAGE[locale]);
    const { confirm, procedure } = CATALOGS[locale];
    expect(await conversation.sayText('banane')).toContain(confirm.retry);
    expect(await conversation.sayText(confirm.no)).toContain(procedure.node.cause.question);
  });

  it('confirms a cause guessed from a sentence at the cause question too', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText("Suis-je dispensé aujourd'hui ?");
    const reply = await conversation.sayText('notre ordi a planté');
    expect(reply).toContain(CATALOGS.fr.confirm.causes.own);
    expect(await conversation.sayText('oui')).toContain(CATALOGS.fr.procedure.node.ownOtherChannel.question);
  });
});

const DUTCH = 'de router is stuk, wat moet ik doen';

describe('answers in the language the person writes (item 4)', () => {
  it.each(LOCALES.filter((l) => l !== 'nl'))('[%s channel] answers a Dutch sentence in Dutch, and keeps Dutch for buttons and numbers', async (locale) => {
    const conversation = createTestConversation({ locale });
    const first = await conversation.say(DUTCH);
    expect(first[0]?.locale).toBe('nl');
    expect(first[0]?.text).toContain(CATALOGS.nl.confirm.causes.own);
    const second = await conversation.say(CATALOGS.nl.confirm.yes);
    expect(second[0]?.locale).toBe('nl');
    expect(second[0]?.text).toContain(CATALOGS.nl.procedure.node.ownOtherChannel.question);
    const third = await conversation.say('2');
    expect(third[0]?.text).toContain(CATALOGS.nl.procedure.outcome.contactCentre.title);
  });

  it.each(LOCALES.filter((l) => l !== 'fr'))('[%s] an explicit choice of language wins over the language written', async (locale) => {
    const conversation = createTestConversation({ locale: 'fr-BE' });
    await conversation.say(CATALOGS[locale].meta.languageName);
    const replies = await conversation.say('plus de réseau gsm sur le chantier depuis ce matin');
    expect(replies[0]?.locale).toBe(locale);
  });

  it('a button label or a number never switches the language', async () => {
    const conversation = createTestConversation({ locale: 'en-US' });
    await conversation.say('Am I exempt today?');
    const replies = await conversation.say(CATALOGS.nl.procedure.node.cause.answer.serviceDown.label);
    expect(replies[0]?.locale).toBe('en');
    expect(replies[0]?.text).toContain(CATALOGS.en.procedure.outcome.exemptServiceDown.title);
  });
});

describe('"the problem does not come from our service" at step 1 (item 5)', () => {
  it.each(LOCALES)('[%s] asks the cause again without the provider, citing point 1, then decides', async (locale) => {
    const conversation = createTestConversation({ locale });
    const { procedure } = CATALOGS[locale];
    await conversation.sayText(procedure.node.cause.answer.provider.label);
    const reply = await conversation.say(procedure.node.providerContacted.answer.notFromProvider.label);
    expect(reply[0]?.text).toContain(procedure.node.causeElsewhere.question);
    const buttons = reply[0]?.suggestedActions?.actions.map((a) => a.title) ?? [];
    expect(buttons).not.toContain(procedure.node.cause.answer.provider.label);
    expect(buttons).toHaveLength(4);
    expect(await conversation.sayText('1')).toContain(procedure.outcome.exemptThirdParty.title);
  });

  it('confirms a cause guessed there too, then decides on it', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText(CATALOGS.fr.procedure.node.cause.answer.provider.label);
    await conversation.sayText(CATALOGS.fr.procedure.node.providerContacted.answer.notFromProvider.label);
    expect(await conversation.sayText(GUESSED_OUTAGE.fr)).toContain(CATALOGS.fr.confirm.causes.thirdParty);
    expect(await conversation.sayText('oui')).toContain(CATALOGS.fr.procedure.outcome.exemptThirdParty.title);
  });

  it('understands the answer typed as a sentence', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText('1');
    await conversation.sayText('1');
    expect(await conversation.sayText("il dit que c'est pas son problème")).toContain(CATALOGS.fr.procedure.node.causeElsewhere.question);
  });
});

const GREETINGS: Readonly<Record<Locale, readonly string[]>> = {
  fr: ['bonjour', 'merci', 'ok', 'lol', '?', 'on mange où ce midi ?'],
  nl: ['goeiemorgen', 'dankuwel', 'oké', 'haha', '??', 'wie wint de match vanavond'],
  de: ['Moin', 'danke schön', 'ok', 'haha', '?', 'wie wird das Wetter am Wochenende'],
  en: ['hi', 'thanks a lot', 'ok', 'lol', '?', 'who won the football yesterday'],
};

describe('greetings, thanks, off-topic, photos and stickers (item 6)', () => {
  it.each(LOCALES)('[%s] a short answer, never a procedure nobody asked for', async (locale) => {
    for (const text of GREETINGS[locale]) {
      const replies = await createTestConversation({ locale }).say(text);
      expect(replies, text).toHaveLength(1);
      expect(replies[0]?.text, text).not.toContain(CATALOGS[locale].procedure.node.cause.question);
      expect(Object.values(CATALOGS[locale].smallTalk), text).toContain(replies[0]?.text);
      expect((replies[0]?.text ?? '').length, text).toBeLessThan(200);
      expect(replies[0]?.suggestedActions?.actions.length, text).toBeGreaterThan(0);
    }
  });

  it.each(LOCALES)('[%s] a photo or a sticker without words', async (locale) => {
    const photo = { attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.invalid/site.jpg' }] };
    const sticker = { attachments: [{ contentType: 'image/gif', contentUrl: 'https://example.invalid/thumbs-up.gif', name: 'sticker' }] };
    for (const message of [photo, sticker]) {
      const replies = await createTestConversation({ locale }).say(message);
      expect(replies.map((r) => r.text)).toEqual([CATALOGS[locale].smallTalk.attachment]);
    }
  });

  it.each(LOCALES)('[%s] mid-procedure: a short answer, then the same question again', async (locale) => {
    const conversation = createTestConversation({ locale });
    await conversation.sayText(CATALOGS[locale].actions.exemptToday);
    const replies = await conversation.say(GREETINGS[locale][1] ?? '');
    expect(replies[0]?.text).toBe(CATALOGS[locale].smallTalk.thanks);
    expect(replies[1]?.text).toContain(CATALOGS[locale].procedure.node.cause.question);
  });

  it('"ok" answering the confirmation is a yes, not small talk', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText(GUESSED_OUTAGE.fr);
    expect(await conversation.sayText('ok')).toContain(CATALOGS.fr.procedure.outcome.exemptThirdParty.title);
  });
});

describe('a bare yes or no after an exemption answers its offer to record evidence', () => {
  const yes: Readonly<Record<Locale, string>> = { fr: 'oui', nl: 'ja', de: 'ja', en: 'yes' };
  const no: Readonly<Record<Locale, string>> = { fr: 'non', nl: 'nee', de: 'nein', en: 'no' };

  it.each(LOCALES)('[%s] yes records evidence, no is acknowledged', async (locale) => {
    const first = createTestConversation({ locale });
    await first.sayText(CATALOGS[locale].actions.exemptToday);
    expect(await first.sayText('3')).toContain(CATALOGS[locale].evidence.offer);
    expect(await first.sayText(yes[locale])).toContain(CATALOGS[locale].evidence.askNote);

    const second = createTestConversation({ locale });
    await second.sayText(CATALOGS[locale].actions.exemptToday);
    await second.sayText('3');
    expect(await second.sayText(no[locale])).toBe(CATALOGS[locale].smallTalk.declined);
    // Only right after the offer: later, "yes" is no longer taken for it.
    expect(await second.sayText(yes[locale])).not.toContain(CATALOGS[locale].evidence.askNote);
  });
});
