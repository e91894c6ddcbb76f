import { describe, expect, it } from 'vitest';
import { CATALOGS, LOCALES, type Locale, t } from '../../src/i18n/index.js';
import { NODES } from '../../src/procedure/table.js';
import { createTestConversation, INSTANTS } from '../helpers/testBot.js';

const exemptTitle = (locale: Locale, outcome: 'exemptServiceDown' | 'exemptThirdParty') =>
  CATALOGS[locale].procedure.outcome[outcome].title;

describe('"am I exempt today?" answered in one turn when the message names the cause plainly', () => {
  it.each([
    ['en', 'Checkinatwork is down, am I exempt?', 'exemptServiceDown'],
    ['en', 'Power cut on the site, am I exempt today?', 'exemptThirdParty'],
    ['fr', 'Checkinatwork est en panne, suis-je dispensé ?', 'exemptServiceDown'],
    ['fr', 'Coupure de courant sur le chantier, suis-je dispensé aujourd’hui ?', 'exemptThirdParty'],
    ['fr', "Plus d'internet sur le chantier à cause de notre opérateur", 'exemptThirdParty'],
    ['nl', 'Checkinatwork ligt plat, ben ik vrijgesteld?', 'exemptServiceDown'],
    ['nl', 'Geen internet op de werf door onze operator', 'exemptThirdParty'],
    ['de', 'Checkinatwork ist ausgefallen, bin ich befreit?', 'exemptServiceDown'],
    ['de', 'Kein Strom auf der Baustelle, bin ich heute befreit?', 'exemptThirdParty'],
  ] as const)('[%s] %s', async (locale, message, outcome) => {
    const conversation = createTestConversation({ locale });
    const replies = await conversation.say(message);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(exemptTitle(locale, outcome));
  });
});

describe('a cause read from one word, a typo or several causes is confirmed before the verdict', () => {
  it.each([
    ['en', 'internet is out at the site because of our operator…', 'thirdParty', 'exemptThirdParty'],
    ['fr', 'panne chez Sibelga ce matin', 'thirdParty', 'exemptThirdParty'],
    ['de', 'Stromausfall auf der Baustelle, bin ich heute befreit?', 'thirdParty', 'exemptThirdParty'],
    ['nl', 'checkinatwerk ligt plaat', 'serviceDown', 'exemptServiceDown'],
  ] as const)('[%s] %s', async (locale, message, cause, outcome) => {
    const conversation = createTestConversation({ locale });
    const first = await conversation.say(message);
    expect(first).toHaveLength(1);
    expect(first[0]?.text).toContain(t(locale, 'confirm.question', { cause: CATALOGS[locale].confirm.causes[cause] }));
    expect(first[0]?.text).not.toContain(exemptTitle(locale, outcome));
    expect(first[0]?.suggestedActions?.actions.map((a) => a.title)).toEqual([CATALOGS[locale].confirm.yes, CATALOGS[locale].confirm.no]);
    expect(await conversation.sayText(CATALOGS[locale].confirm.yes)).toContain(exemptTitle(locale, outcome));
  });

  it('asks the cause itself when the person says the guess is wrong', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('our operator is down');
    expect(await conversation.sayText('No, choose')).toContain(CATALOGS.en.procedure.node.cause.question);
    expect(await conversation.sayText('3')).toContain(exemptTitle('en', 'exemptServiceDown'));
  });

  it('confirms a permanent lack of network at the workplace before "not exempt"', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    const reply = await conversation.sayText('There is never any network on this site, am I exempt?');
    expect(reply).toContain(CATALOGS.en.confirm.causes.permanent);
    expect(reply).not.toContain(CATALOGS.en.procedure.outcome.notExemptPermanent.title);
    expect(await conversation.sayText('yes')).toContain(CATALOGS.en.procedure.outcome.notExemptPermanent.title);
  });
});

describe('"am I exempt today?" without a cause takes two turns', () => {
  it.each([
    ['en', 'Am I exempt today?', '3'],
    ['fr', "Suis-je dispensé aujourd'hui ?", 'Checkinatwork est indisponible'],
    ['nl', 'Ben ik vandaag vrijgesteld?', '3'],
    ['de', 'Bin ich heute befreit?', '3'],
  ] as const)('[%s] %s', async (locale, question, answer) => {
    const conversation = createTestConversation({ locale });
    const first = await conversation.sayText(question);
    expect(first).toContain(CATALOGS[locale].procedure.node.cause.question);
    expect(await conversation.sayText(answer)).toContain(exemptTitle(locale, 'exemptServiceDown'));
  });
});

describe('"is the contact centre open?"', () => {
  it.each([
    ['en', 'Is the contact centre open?'],
    ['fr', 'Le centre de contact est-il ouvert ?'],
    ['nl', 'Is het contactcenter open?'],
    ['de', 'Ist das Kontaktzentrum geöffnet?'],
  ] as const)('[%s] says yes and until when during opening hours', async (locale, question) => {
    const reply = await createTestConversation({ locale, now: INSTANTS.open }).sayText(question);
    expect(reply).toContain(t(locale, 'centre.open', { closesAt: '20:00', phone: '[02 511 51 51](tel:+3225115151)' }));
  });

  it('says no and when it opens next on a Saturday', async () => {
    const reply = await createTestConversation({ locale: 'en', now: INSTANTS.closed }).sayText('Is the contact centre open?');
    expect(reply).toContain('No, the contact centre is closed now. It opens again on Monday 30 November at 07:00.');
  });

  it('names the legal holiday on Easter Monday and opens on Tuesday', async () => {
    const now = new Date('2026-04-06T08:00:00Z');
    const reply = await createTestConversation({ locale: 'fr', now }).sayText('Le centre de contact est-il ouvert ?');
    expect(reply).toContain('lundi de Pâques');
    expect(reply).toContain('demain à 07:00');
  });

  it('answers in the middle of the procedure, then asks the same question again', async () => {
    const conversation = createTestConversation({ locale: 'en', now: INSTANTS.closed });
    await conversation.sayText('Am I exempt today?');
    expect(await conversation.sayText('1')).toContain(CATALOGS.en.procedure.node.providerContacted.question);
    const replies = await conversation.say('is the contact center open?');
    expect(replies).toHaveLength(2);
    expect(replies[0]?.text).toContain('No, the contact centre is closed now');
    expect(replies[1]?.text).toContain(CATALOGS.en.procedure.node.providerContacted.question);
    expect(await conversation.sayText('2')).toContain(CATALOGS.en.procedure.node.providerOtherChannel.question);
  });
});

describe('"I have no reference number"', () => {
  it.each([
    ['nl', 'ik heb nog geen referentienummer, wat moet ik doen?', 'open'],
    ['fr', "Je n'ai pas reçu de numéro de référence", 'open'],
    ['en', "I don't have a reference number", 'closed'],
    ['de', 'Ich habe keine Referenznummer', 'closed'],
  ] as const)('[%s] %s: says the contact centre gives it, and whether it is open (%s)', async (locale, message, when) => {
    const reply = await createTestConversation({ locale, now: INSTANTS[when] }).sayText(message);
    expect(reply).toContain(t(locale, 'centre.noReference'));
    // Not the listing's first question: there is no reference number to give yet.
    expect(reply).not.toContain(t(locale, 'listing.askReference'));
    if (when === 'open') expect(reply).toContain(t(locale, 'centre.open', { closesAt: '20:00', phone: '[02 511 51 51](tel:+3225115151)' }));
    else expect(reply).toContain(CATALOGS[locale].centre.closed.split('{')[0] ?? '');
  });
});

describe('commands at any point', () => {
  it('switches language by name mid-procedure and asks the current question in the new language', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('Am I exempt today?');
    await conversation.sayText('4');
    const reply = await conversation.sayText('Nederlands');
    expect(reply).toContain(CATALOGS.nl.language.switched);
    expect(reply).toContain(CATALOGS.nl.procedure.node.ownOtherChannel.question);
    // The choice sticks over the channel's locale for the rest of the conversation.
    expect(await conversation.sayText('2')).toContain(CATALOGS.nl.procedure.outcome.contactCentre.title);
  });

  it.each(LOCALES)('[%s] offers the four languages when asked to change language', async (locale) => {
    const replies = await createTestConversation({ locale }).say(CATALOGS[locale].intents.language[0] ?? '');
    expect(replies[0]?.suggestedActions?.actions.map((a) => a.title)).toEqual(LOCALES.map((l) => CATALOGS[l].meta.languageName));
  });

  it.each(LOCALES)('[%s] gives help and then repeats the current question', async (locale) => {
    const conversation = createTestConversation({ locale });
    await conversation.sayText(CATALOGS[locale].actions.restart);
    const replies = await conversation.say(CATALOGS[locale].actions.help);
    expect(replies[0]?.text).toBe(CATALOGS[locale].help);
    expect(replies[1]?.text).toContain(CATALOGS[locale].procedure.node.cause.question);
  });

  it('starts over from the first question', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('Am I exempt today?');
    await conversation.sayText('1');
    const reply = await conversation.sayText('start over');
    expect(reply).toContain(CATALOGS.en.restarted);
    expect(reply).toContain(CATALOGS.en.procedure.node.cause.question);
  });

  it('cancels the procedure and says so', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText("Suis-je dispensé aujourd'hui ?");
    expect(await conversation.sayText('annuler')).toContain(CATALOGS.fr.cancelled);
    expect(await conversation.sayText('annuler')).toContain(CATALOGS.fr.nothingToCancel);
  });

  it('re-asks with the options when an answer is not understood, and keeps the answers so far', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('Am I exempt today?');
    await conversation.sayText('my service provider');
    const reply = await conversation.sayText('banana');
    expect(reply).toContain(t('en', 'prompt.retry', { count: NODES.providerContacted.answers.length }));
    expect(reply).toContain(CATALOGS.en.procedure.node.providerContacted.question);
    expect(await conversation.sayText('not yet')).toContain(CATALOGS.en.procedure.outcome.contactProviderFirst.title);
  });

  it('accepts an Adaptive Card submit like a typed answer', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('Am I exempt today?');
    expect(await conversation.sayText({ value: { answer: 'serviceDown' } })).toContain(exemptTitle('en', 'exemptServiceDown'));
  });

  it('greets new members in their language in two lines', async () => {
    const conversation = createTestConversation({ locale: 'de-BE' });
    const replies = await conversation.say({
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user1', name: 'Site manager' }],
    });
    expect(replies[0]?.text).toBe(CATALOGS.de.welcome);
    expect(CATALOGS.de.welcome.split('\n')).toHaveLength(2);
  });
});
