import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Stores } from '../../src/storage/connect.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * The fast ways of taking down the listing (issue 9), over /api/messages against Azurite, as a
 * foreman would type them: a worker in one line, a crew pasted, yesterday's crew copied, dates as
 * said, the reference straight after the verdict. Prints the turns each way takes (Measures).
 */

const DAY = 24 * 60 * 60 * 1000;
let now = INSTANTS.open; // Wednesday 25 November 2026, 10:00 in Brussels
/** A synthetic, valid NISS per index (birth dates in 1970–1989, counters from 1). */
const niss = (i: number) => buildNationalNumber(`${70 + (i % 20)}0${1 + (i % 9)}1${i % 10}`, 1 + Math.floor(i / 20), 1900);
const masked = (d: string) => `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-\\*\\*\\*.\\*\\*`;
const dotted = (d: string) => `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}`;
const SURNAMES = ['Peeters', 'Janssens', 'Van den Broeck', 'De Smet', 'Vande Velde', 'El Amrani', "D'Hondt", 'Dupont-Durand', 'Maes', 'Claes'];
const FIRST_NAMES = ['Jan', 'Marie', 'Youssef', 'Lies', 'Pieter', 'An', 'Karim', 'Sofie', 'Tom', 'Elke'];
const crewLine = (i: number) => `${dotted(niss(i))} ${SURNAMES[i % 10]} ${FIRST_NAMES[(i * 3) % 10]}`;

describe('the fast listing over /api/messages', () => {
  let app: App;
  let port = 0;
  let stores: Stores;

  beforeAll(async () => {
    ({ app, port, stores } = await startTestApp({}, { clock: () => now }));
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A conversation of its own (a user of its own, so a tenant of its own). */
  async function conversation(locale = 'en-GB', user = `user-${randomUUID()}`) {
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    const send = async (activity: Partial<Activity>) => {
      const { status, replies } = await channel.send({ locale, from: { id: user, name: 'Foreman' }, ...activity });
      expect(status).toBe(200);
      return replies;
    };
    const say = async (text: string, id?: string) => (await send({ text, ...(id ? { id } : {}) })).map((r) => r.text ?? '').join('\n');
    return { channel, send, say, tenantKey: `fakechannel:user:${user}` };
  }

  async function openToday(c: Awaited<ReturnType<typeof conversation>>, declaration: string) {
    await c.say('I have a reference number');
    await c.say('REF-FAST-1');
    await c.say(declaration);
    expect(await c.say('today')).toContain('Listing open');
  }

  const stored = (tenantKey: string, declarationNumber: string, date = '2026-11-25') => stores.listingStore.get({ tenantKey, declarationNumber, date });

  it('takes one worker in one line, in any order, and asks once when the split is ambiguous', async () => {
    const c = await conversation();
    const declaration = `ONE${randomUUID().slice(0, 6)}`.toUpperCase();
    await openToday(c, declaration);
    expect(await c.say(`${dotted(niss(1))} Peeters Jan`)).toContain(`Added: ${masked(niss(1))} — Peeters Jan. Workers on the listing: 1.`);
    expect(await c.say(`Van den Broeck Lies ${niss(2)}`)).toContain('Van den Broeck Lies. Workers on the listing: 2.');
    expect(await c.say(`${niss(3)};El Amrani;Youssef`)).toContain('El Amrani Youssef');
    const asked = await c.say(`${niss(4)} Peeters Janssens Marie`);
    expect(asked).toContain('which is the surname?');
    expect(asked).toContain('1. Surname Peeters, first name Janssens Marie');
    expect(asked).toContain('2. Surname Peeters Janssens, first name Marie');
    expect(await c.say('2')).toContain('Peeters Janssens Marie. Workers on the listing: 4.');
    const listing = await stored(c.tenantKey, declaration);
    expect(listing?.workers.map((w) => [w.surname, w.firstName])).toEqual([
      ['Peeters', 'Jan'],
      ['Van den Broeck', 'Lies'],
      ['El Amrani', 'Youssef'],
      ['Peeters Janssens', 'Marie'],
    ]);
    await c.channel.close();
  });

  it('never overwrites a worker already on the listing: says so at once, with its number, name and position', async () => {
    const c = await conversation();
    const declaration = `DUP${randomUUID().slice(0, 6)}`.toUpperCase();
    await openToday(c, declaration);
    await c.say(`${niss(1)} Peeters Jan`);
    await c.say(`${niss(2)} Maes An`);
    const slip = await c.say(`${niss(1)} Claes Tom`);
    expect(slip).toContain(`already on the listing (no. 1): ${masked(niss(1))} — Peeters Jan. Nothing has been changed.`);
    expect(slip).toContain('You typed: Claes Tom.');
    // Moving on without answering keeps it as it is.
    expect(await c.say(`${niss(3)} De Smet Sofie`)).toContain('Workers on the listing: 3.');
    expect((await stored(c.tenantKey, declaration))?.workers[0]).toMatchObject({ surname: 'Peeters', firstName: 'Jan' });
    // Only an explicit correction changes it.
    await c.say(`${niss(1)} Claes Tom`);
    expect(await c.say('Use the new name')).toContain(`No. 1 corrected: ${masked(niss(1))} — Claes Tom.`);
    expect((await stored(c.tenantKey, declaration))?.workers.map((w) => w.surname)).toEqual(['Claes', 'Maes', 'De Smet']);
    await c.channel.close();
  });

  it('takes a crew of 210 pasted lines in one message: one summary, refused lines by number, fixed or skipped one by one, nothing twice on redelivery', async () => {
    const c = await conversation();
    const declaration = `CREW${randomUUID().slice(0, 6)}`.toUpperCase();
    await openToday(c, declaration);
    await c.say(`${niss(0)} Peeters Jan`); // already on the listing before the paste
    const lines = Array.from({ length: 210 }, (_, i) => crewLine(i + 1));
    lines[3] = `${niss(4).slice(0, 9)}00 Maes Tom`; // line 4: bad check digits
    lines[9] = `${niss(1)} Claes Elke`; // line 10: same number as line 1
    lines[14] = `${niss(0)} Janssens Piet`; // line 15: on the listing already (another name: a slip)
    lines[19] = `${niss(20)} Maes`; // line 20: no first name
    lines[24] = `${niss(25)} Peeters Jan Karel`; // line 25: surname or first name?
    const paste = ['NISS;Name;First name', ...lines].join('\n');
    expect(paste.length).toBeLessThan(28_000); // fits a Teams message
    const started = performance.now();
    const replies = await c.send({ text: paste, id: 'paste-1' });
    const elapsed = performance.now() - started;
    console.log(`[measure] 211-line paste (210 workers + header) over /api/messages with blob storage: ${elapsed.toFixed(0)} ms to the reply`);
    const summary = replies.map((r) => r.text ?? '').join('\n');
    expect(summary).toContain('✅ 205 workers added (210 lines read). Workers on the listing: 206.');
    expect(summary).toContain('4 lines not added:');
    expect(summary).toContain("Line 5: The check digits of this number don't match");
    expect(summary).toContain('Line 11: Same number as line 2');
    expect(summary).toContain('Line 16: Already on the listing (no. 1), unchanged');
    expect(summary).toContain('Line 21: The first name is missing');
    expect(summary).toContain("1 line where I can't tell the surname from the first name");
    expect((await stored(c.tenantKey, declaration))?.workers[0]).toMatchObject({ surname: 'Peeters', firstName: 'Jan' });

    // The channel redelivers the same message: nothing is added twice.
    // (The fake channel returns every reply to that activity id: the first ones, and no new one.)
    expect(await c.send({ text: paste, id: 'paste-1' })).toHaveLength(replies.length);
    expect((await stored(c.tenantKey, declaration))?.workers).toHaveLength(206);

    // Refused lines, one by one: line 5 corrected, line 11 skipped, line 21 corrected, line 26 chosen.
    expect(summary).toContain("Line 5: The check digits of this number don't match");
    expect(await c.say(`${niss(4)} Maes Tom`)).toContain('Maes Tom. Workers on the listing: 207.');
    const next = await c.say('skip');
    expect(next).toContain('Line 11 skipped');
    expect(next).toContain('Line 21: The first name is missing');
    expect(await c.say(`${niss(20)} Maes Elke`)).toContain('Workers on the listing: 208.');
    const choice = await c.say('help me'); // not an answer: the question stays
    expect(choice).toBeTruthy();
    expect(await c.say('Surname Peeters, first name Jan Karel')).toContain('Peeters Jan Karel. Workers on the listing: 209.');
    const listing = await stored(c.tenantKey, declaration);
    expect(listing?.workers).toHaveLength(209);
    expect(new Set(listing?.workers.map((w) => w.workerId.digits)).size).toBe(209);
    await c.channel.close();
  });

  it('understands the date as people say it, and "done" at the date question', async () => {
    const c = await conversation('fr-BE');
    await c.say("J'ai un numéro de référence");
    await c.say('REF-DATE-1');
    await c.say(`DATE${randomUUID().slice(0, 6)}`);
    const monday = await c.say('lundi');
    expect(monday).toContain("n'est pas à un jour d'aujourd'hui");
    expect(monday).toContain('un jour avant ou après aujourd');
    expect(await c.say('demain')).toContain('jeudi 26 novembre 2026');
    await c.say('stop');
    const c2 = await conversation('nl-BE');
    await c2.say('Ik heb een referentienummer');
    await c2.say('REF-DATE-2');
    await c2.say(`DATE${randomUUID().slice(0, 6)}`);
    expect(await c2.say('gisteren')).toContain('dinsdag 24 november 2026');
    const c4 = await conversation('fr-BE');
    await c4.say("J'ai un numéro de référence");
    await c4.say('REF-DATE-4');
    await c4.say(`DATE${randomUUID().slice(0, 6)}`);
    expect(await c4.say('jeudi')).toContain('jeudi 26 novembre 2026');
    await c4.channel.close();
    const c5 = await conversation('nl-BE');
    await c5.say('Ik heb een referentienummer');
    await c5.say('REF-DATE-5');
    await c5.say(`DATE${randomUUID().slice(0, 6)}`);
    const list = await c5.say('lijst');
    expect(list).toContain('woensdag 25 november 2026'); // "lijst" opens today's listing and lists it
    expect(list).toContain('Nog geen werknemers.');
    await c5.channel.close();
    const c3 = await conversation('de-BE');
    await c3.say('Ich habe eine Referenznummer');
    await c3.say('REF-DATE-3');
    await c3.say(`DATE${randomUUID().slice(0, 6)}`);
    expect(await c3.say('fertig')).toContain('keine Liste geöffnet');
    for (const ch of [c, c2, c3]) await ch.channel.close();
  });

  it('opens the listing with the reference typed straight after a contact-centre verdict, or with everything in one message', async () => {
    const c = await conversation();
    await c.say('Am I exempt today?');
    await c.say('My own company');
    const verdict = await c.say("No, nothing works");
    if (!/contact centre/i.test(verdict)) await c.say('No'); // the procedure may ask one more question
    const opened = await c.say('REF-2026-4471');
    expect(opened).toContain('What is the declaration-of-works number?');
    // A bare number might be something else: confirmed first.
    const c3 = await conversation();
    await c3.say('Am I exempt today?');
    await c3.say('My own company');
    const verdict3 = await c3.say('No, nothing works');
    if (!/contact centre/i.test(verdict3)) await c3.say('No');
    expect(await c3.say('4471')).toContain('Is this the reference number the contact centre gave you: 4471?');
    expect(await c3.say('yes')).toContain('What is the declaration-of-works number?');
    await c3.channel.close();
    const c2 = await conversation();
    const header = await c2.say('reference REF-1, declaration 1Y102M7NZF7PZ, today');
    expect(header).toContain('Listing open: declaration 1Y102M7NZF7PZ, Wednesday 25 November 2026, reference REF-1.');
    expect((await stored(c2.tenantKey, '1Y102M7NZF7PZ'))?.referenceNumber).toBe('REF-1');
    for (const ch of [c, c2]) await ch.channel.close();
  });

  it('copies yesterday’s crew after one confirmation: a button at the date question, then "yes" (2 turns)', async () => {
    const user = `user-${randomUUID()}`;
    const declaration = `COPY${randomUUID().slice(0, 6)}`.toUpperCase();
    now = new Date(INSTANTS.open.getTime() - DAY); // yesterday: 20 workers pasted
    const yesterday = await conversation('en-GB', user);
    await openToday(yesterday, declaration);
    await yesterday.say(Array.from({ length: 20 }, (_, i) => crewLine(i + 100)).join('\n'));
    await yesterday.channel.close();
    now = INSTANTS.open;
    const c = await conversation('en-GB', user);
    await c.say('I have a reference number');
    await c.say('REF-COPY-2');
    const dateQuestion = await c.send({ text: declaration });
    const button = dateQuestion.flatMap((r) => r.suggestedActions?.actions ?? []).find((a) => String(a.title).startsWith('Today + crew of 24/11'));
    expect(button?.title).toBe('Today + crew of 24/11 (20)');
    const turns: string[] = [];
    turns.push(await c.say(String(button?.value)));
    expect(turns[0]).toContain('Copy the 20 workers of the listing of Tuesday 24 November 2026 onto this one?');
    turns.push(await c.say('Yes, copy 20'));
    expect(turns[1]).toContain('✅ 20 workers added (20 lines read). Workers on the listing: 20.');
    expect((await stored(c.tenantKey, declaration))?.workers).toHaveLength(20);
    console.log(`[measure] turns from the date question to 20 workers stored, by copy: ${turns.length}`);
    // Typed, not clicked: "same workers as yesterday" on another declaration's listing finds none.
    expect(await c.say('same workers as yesterday')).toContain('Copy the 20 workers');
    expect(await c.say('no')).toContain('nothing was copied');
    for (const typed of ['copy the listing of 24/11', 'zelfde ploeg als gisteren', "mêmes travailleurs qu'hier", 'dieselben Arbeiter wie gestern']) {
      expect(await c.say(typed)).toContain('Copy the 20 workers of the listing of Tuesday 24 November 2026');
      expect(await c.say('No')).toContain('nothing was copied');
    }
    expect(await c.say('copy the listing of 20/11')).toContain(`I can't find a listing for declaration ${declaration} on Friday 20 November 2026.`);
    await c.channel.close();
  });

  it('takes a crew of 20 in 2 turns from the date question by paste, with real plural forms', async () => {
    const c = await conversation('fr-BE');
    await c.say("J'ai un numéro de référence");
    await c.say('REF-PASTE-20');
    await c.say(`PASTE${randomUUID().slice(0, 6)}`);
    const turns = [await c.say("aujourd'hui"), await c.say(Array.from({ length: 20 }, (_, i) => crewLine(i + 300)).join('\n'))];
    expect(turns[1]).toContain('✅ 20 travailleurs ajoutés (20 lignes lues). Travailleurs sur le listing : 20.');
    console.log(`[measure] turns from the date question to 20 workers stored, by paste: ${turns.length}`);
    expect(await c.say('terminé')).toContain('Listing enregistré avec 20 travailleurs');
    await c.channel.close();
  });

  it('takes several workers from the card in Teams, with per-row errors', async () => {
    const tenant = randomUUID();
    const channel: FakeChannel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `teams-${randomUUID()}`);
    const teams = { channelId: 'msteams', locale: 'en-GB', channelData: { tenant: { id: tenant } }, conversation: { id: `teams-${randomUUID()}`, tenantId: tenant, conversationType: 'personal' } };
    const say = async (activity: Partial<Activity>) => (await channel.send({ ...teams, ...activity } as Partial<Activity>)).replies;
    await say({ text: 'I have a reference number' });
    await say({ text: 'REF-CARD-1' });
    await say({ text: 'CARD1234' });
    const opened = await say({ text: 'today' });
    const card = opened.flatMap((r) => r.attachments ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    const content = card?.content as { version: string; body: unknown[]; actions: { data: unknown }[] };
    expect(content.version).toBe('1.5');
    const replies = await say({
      value: {
        form: 'workers',
        workerId1: dotted(niss(1)), surname1: 'Van den Broeck', firstName1: 'Jan',
        workerId2: `${niss(2).slice(0, 9)}00`, surname2: 'Maes', firstName2: 'An',
        workerId3: niss(3), surname3: 'De Smet', firstName3: '',
        workerId4: '', surname4: '', firstName4: '',
        workerId5: `${niss(5)} El Amrani Youssef`, surname5: '', firstName5: '',
      },
    });
    const text = replies.map((r) => r.text ?? '').join('\n');
    expect(text).toContain('✅ 2 workers added (4 lines read). Workers on the listing: 2.');
    expect(text).toContain("Row 2: The check digits of this number don't match");
    expect(text).toContain('Row 3: The first name is missing');
    const listing = await stores.listingStore.get({ tenantKey: `msteams:tenant:${tenant}`, declarationNumber: 'CARD1234', date: '2026-11-25' });
    expect(listing?.workers.map((w) => [w.surname, w.firstName])).toEqual([['Van den Broeck', 'Jan'], ['El Amrani', 'Youssef']]);
    await channel.close();
  });
});
