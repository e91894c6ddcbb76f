import { describe, expect, it } from 'vitest';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { replyProblems, switchedLocaleOf } from './replyChecks.js';

const message = (text: string, titles: string[] = []) => ({
  type: 'message',
  text,
  ...(titles.length > 0 ? { suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } } : {}),
});

/** The fuzz's judge, judged: it accepts what the bot says and refuses what it must never say. */
describe('the fuzz’s reply checks', () => {
  it.each([
    ['a question with its buttons', message(CATALOGS.fr.procedure.node.cause.question, [CATALOGS.fr.actions.help, CATALOGS.fr.meta.languageName])],
    ['a filled template', message(t('fr', 'listing.askFirstName', { surname: 'Peeters' }))],
    ['a refusal and the question again', message(`${CATALOGS.fr.listing.error.workerId.checksum}\n\n${t('fr', 'listing.askWorkerId', { n: 2 })}`)],
    ['the language choice, each language in itself', message(CATALOGS.fr.language.choose, ['Français', 'Nederlands', 'Deutsch', 'English'])],
  ])('passes %s in French', (_name, reply) => {
    expect(replyProblems(reply, 'fr', '')).toEqual([]);
  });

  it.each([
    ['an English reply', message(CATALOGS.en.procedure.node.cause.question), /no fr text/],
    ['French with an English sentence in it', message(`${CATALOGS.fr.help}\n\n${CATALOGS.en.listing.askDeclaration}`), /foreign text/],
    ['a placeholder left unfilled', message(CATALOGS.fr.listing.askFirstName), /"\{surname\}"/],
    ['a raw key', message(`${CATALOGS.fr.help} listing.error.workerId.checksum`), /listing\.error/],
    ['undefined', message(`${CATALOGS.fr.help} undefined`), /"undefined"/],
    ['an object', message(`${CATALOGS.fr.help} [object Object]`), /\[object/],
    ['an empty text', message(''), /empty text/],
    ['an English button', message(CATALOGS.fr.help, [CATALOGS.en.actions.help]), /button "Help"/],
  ])('refuses %s in French', (_name, reply, problem) => {
    expect(replyProblems(reply, 'fr', '').join('; ')).toMatch(problem);
  });

  it('lets the bot echo what the user typed, even text of another language or a brace', () => {
    const typed = `\u0000${CATALOGS.en.listing.askDeclaration} {x} undefined`.toLowerCase();
    const reply = message(t('fr', 'listing.opened', { declaration: 'X', date: 'd', reference: `${CATALOGS.en.listing.askDeclaration} {x} undefined`, count: 0 }));
    expect(replyProblems(reply, 'fr', typed)).toEqual([]);
  });

  it('recognises the bot’s announcement of a language switch', () => {
    expect(switchedLocaleOf(CATALOGS.nl.language.switched)).toBe('nl');
    expect(switchedLocaleOf(CATALOGS.nl.help)).toBeUndefined();
  });
});
