import { describe, expect, it } from 'vitest';
import { CATALOGS, LOCALES, type Locale, translateDynamic } from '../../src/i18n/index.js';
import { enumeratePaths } from '../../src/procedure/paths.js';
import { NODES } from '../../src/procedure/table.js';
import { createTestConversation, INSTANTS } from '../helpers/testBot.js';

const paths = enumeratePaths();
const cases = LOCALES.flatMap((locale) =>
  paths.map((path) => [locale, path.steps.map((s) => `${s.node}=${s.answer}`).join(' → '), path] as const),
);

const question = (locale: Locale, node: string) => translateDynamic(locale, `procedure.node.${node}.question`);
const label = (locale: Locale, node: string, answer: string) =>
  translateDynamic(locale, `procedure.node.${node}.answer.${answer}.label`);
const title = (locale: Locale, outcome: string) => translateDynamic(locale, `procedure.outcome.${outcome}.title`);

describe('the procedure, every branch in every language', () => {
  it.each(cases)('[%s] %s', async (locale, _name, path) => {
    const conversation = createTestConversation({ locale: `${locale}-BE`, now: INSTANTS.open });
    let reply = await conversation.sayText(CATALOGS[locale].actions.restart);
    for (const [i, step] of path.steps.entries()) {
      expect(reply).toContain(question(locale, step.node));
      // Alternate typing the option's number and its label: both must work.
      const index = NODES[step.node].answers.findIndex((a) => a.id === step.answer);
      const typed = i % 2 === 0 ? String(index + 1) : label(locale, step.node, step.answer);
      reply = await conversation.sayText(typed);
    }
    expect(reply).toContain(title(locale, path.outcome));
    if (CATALOGS[locale].procedure.outcome[path.outcome].title.startsWith('✅')) {
      expect(reply).toContain(CATALOGS[locale].procedure.caveat);
    }
  });
});

describe('the contact-centre verdict', () => {
  const toContactCentre = ['Restart', '4', '2'] as const; // own company → no channel works

  it('gives the phone route with the confirmed French menu keys while the centre is open', async () => {
    const conversation = createTestConversation({ locale: 'fr-BE', now: INSTANTS.open });
    let reply = '';
    for (const text of ['recommencer', '4', '2']) reply = await conversation.sayText(text);
    expect(reply).toContain('02 511 51 51');
    expect(reply).toContain('tapez 2 pour le français, puis 5 pour «\u202fAutres\u202f», puis 6 pour parler à un agent');
    expect(reply).toContain("jusqu'à 20:00");
    expect(reply).not.toContain('formulaire de contact');
  });

  it.each(LOCALES.filter((l) => l !== 'fr'))(
    '[%s] never invents menu keys for a language whose menu is not confirmed',
    async (locale) => {
      const conversation = createTestConversation({ locale, now: INSTANTS.open });
      let reply = '';
      for (const text of [CATALOGS[locale].actions.restart, '4', '2']) reply = await conversation.sayText(text);
      expect(reply).toContain(CATALOGS[locale].route.menuNotConfirmed);
      expect(reply).toContain('2, 5, 6');
    },
  );

  it('gives the contact form and the next opening while the centre is closed', async () => {
    const conversation = createTestConversation({ locale: 'en-GB', now: INSTANTS.closed });
    let reply = '';
    for (const text of toContactCentre) reply = await conversation.sayText(text);
    expect(reply).toContain('contact form');
    expect(reply).toContain('on Monday 30 November at 07:00');
    expect(reply).not.toContain('Call 02 511 51 51');
  });

  it('uses the configured menu keys of a language once an operator confirms them', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const config = loadConfig({ CONTACT_CENTRE_MENU_KEYS: '{"fr":["2","5","6"],"nl":["1","5","6"]}' });
    const conversation = createTestConversation({ locale: 'nl-BE', now: INSTANTS.open, config });
    let reply = '';
    for (const text of [CATALOGS.nl.actions.restart, '4', '2']) reply = await conversation.sayText(text);
    expect(reply).toContain(translateDynamic('nl', 'route.menuDescribed', { key1: '1', key2: '5', key3: '6' }));
  });
});
