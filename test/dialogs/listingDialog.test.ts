import { randomUUID } from 'node:crypto';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { describe, expect, inject, it } from 'vitest';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { createTestConversation, INSTANTS, testStores } from '../helpers/testBot.js';

const NISS_A = buildNationalNumber('850730', 33, 1900); // 85073003328
const NISS_B = buildNationalNumber('900215', 7, 1900);
const BIS_C = buildNationalNumber('904215', 7, 1900);
const LIMOSA = '12345678901234567';
const dotted = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`;
const masked = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-\\*\\*\\*.\\*\\*`;

/** What Teams puts in every activity of a personal chat: the tenant, in two places. */
function teamsFields(tenant: string) {
  return {
    channelData: { tenant: { id: tenant } },
    conversation: { id: `teams-${randomUUID()}`, tenantId: tenant, isGroup: false, conversationType: 'personal', name: '' },
  };
}

/** Opens a listing for today (25 November 2026) with a fresh declaration number. */
async function openListing(conversation: ReturnType<typeof createTestConversation>, declaration = `DECL${randomUUID().slice(0, 8)}`) {
  await conversation.sayText('I have a reference number');
  await conversation.sayText('REF-TEST-0001');
  await conversation.sayText(declaration);
  const opened = await conversation.sayText('today');
  return { declaration: declaration.toUpperCase(), opened };
}

async function addWorker(conversation: ReturnType<typeof createTestConversation>, id: string, surname: string, firstName: string) {
  await conversation.sayText(id);
  await conversation.sayText(surname);
  return conversation.sayText(firstName);
}

describe('the listing dialog', () => {
  it('takes the reference, declaration and date, then workers, and stores exactly the valid ones', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    expect(await conversation.sayText('I have a reference number')).toContain(CATALOGS.en.listing.askReference);
    expect(await conversation.sayText('REF-TEST-0001')).toContain(CATALOGS.en.listing.askDeclaration);
    const declaration = `abc ${randomUUID().slice(0, 6)}-9`;
    expect(await conversation.sayText(declaration)).toContain('Which date is this listing for?');
    const opened = await conversation.sayText('today');
    expect(opened).toContain('Listing open');
    expect(opened).toContain(t('en', 'listing.askWorkerId', { n: 1 }));

    expect(await conversation.sayText(dotted(NISS_A))).toContain(t('en', 'listing.askSurname', { id: masked(NISS_A) }));
    expect(await conversation.sayText('Dupont')).toContain(t('en', 'listing.askFirstName', { surname: 'Dupont' }));
    expect(await conversation.sayText('Jean')).toContain(`Added: ${masked(NISS_A)} — Dupont Jean. Workers on the listing: 1.`);

    // A wrong check digit is refused with the reason, and asked again; nothing is lost.
    const wrong = `${NISS_B.slice(0, 9)}${String((Number(NISS_B.slice(9)) + 1) % 100).padStart(2, '0')}`;
    const refused = await conversation.sayText(wrong);
    expect(refused).toContain(CATALOGS.en.listing.error.workerId.checksum);
    expect(refused).toContain(t('en', 'listing.askWorkerId', { n: 2 }));
    expect(await conversation.sayText('13.13.13-001.01')).toContain(CATALOGS.en.listing.error.workerId.date);
    expect(await conversation.sayText('AB-12')).toContain(CATALOGS.en.listing.error.workerId.length);
    expect(await conversation.sayText('Dupont Jean')).toContain('No number (NISS, BIS or Limosa) on this line.');

    expect(await addWorker(conversation, `L1 ${LIMOSA}`, 'Müller-Lüdenscheidt', 'Łukasz')).toContain('Workers on the listing: 2.');
    expect(await addWorker(conversation, BIS_C, "D'Hondt", 'Marie')).toContain('Workers on the listing: 3.');

    const list = await conversation.sayText('list');
    expect(list).toContain(`1. ${masked(NISS_A)} — Dupont Jean`);
    expect(list).toContain("3. 90.42.15-\\*\\*\\*.\\*\\* — D'Hondt Marie");
    expect(list).not.toContain(dotted(NISS_A));
    expect(list).not.toContain(NISS_A);

    expect(await conversation.sayText('remove 2')).toContain('Worker no. 2 removed from the listing. Workers left: 2.');
    const done = await conversation.sayText('done');
    expect(done).toContain('Listing saved with 2 workers:');
    const link = /\((http:\/\/localhost:3978\/listings\/([A-Za-z0-9_-]+)\.pdf)\)/.exec(done);
    expect(link).not.toBeNull();

    const key = conversation.links.open(link?.[2] ?? '')?.key;
    expect(key).toMatchObject({ date: '2026-11-25', declarationNumber: expect.stringMatching(/^ABC[0-9A-F]+9$/i) });
    const stored = await conversation.listingStore.get(key ?? { tenantKey: '', declarationNumber: '', date: '' });
    expect(stored?.referenceNumber).toBe('REF-TEST-0001');
    expect(stored?.workers.map((w) => [w.workerId.kind, w.workerId.digits, w.surname, w.firstName])).toEqual([
      ['niss', NISS_A, 'Dupont', 'Jean'],
      ['bis', BIS_C, "D'Hondt", 'Marie'],
    ]);
  });

  it('treats 85.07.30-033.28, 85073003328 and 85 07 30 033 28 as the same worker, and never overwrites it silently', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await openListing(conversation);
    await addWorker(conversation, '85.07.30-033.28', 'Dupont', 'Jean');
    // The same worker again, same name: said at once, nothing changes.
    expect(await conversation.sayText('85073003328 Dupont Jean')).toContain('This worker is already on the listing (no. 1): 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean. Nothing changed.');
    // Another name under the same number (a copy-paste slip): said at once, asked, kept unless corrected.
    const slip = await conversation.sayText('85 07 30 033 28 Peeters Jan');
    expect(slip).toContain('⚠️ This worker is already on the listing (no. 1): 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean. Nothing has been changed.');
    expect(slip).toContain('You typed: Peeters Jan. Keep the listing as it is, or correct the name?');
    expect(await conversation.sayText('Keep as it is')).toContain('no. 1 stays Dupont Jean');
    expect(await conversation.sayText('list')).toContain('1. 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean');
    // The identifier alone: said before any name is asked; an explicit correction changes it.
    const again = await conversation.sayText('85 07 30 033 28');
    expect(again).toContain('already on the listing (no. 1)');
    expect(again).toContain('Keep it as it is, or correct the name?');
    expect(await conversation.sayText('Correct the name')).toContain(t('en', 'listing.askSurname', { id: '85.07.30-\\*\\*\\*.\\*\\*' }));
    await conversation.sayText('Dupont');
    expect(await conversation.sayText('Jean-Pierre')).toContain('No. 1 corrected: 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean-Pierre.');
    const list = await conversation.sayText('list');
    expect(list).toContain('1. 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean-Pierre');
    expect(list).not.toContain('2.');
  });

  it('corrects an entry in place', async () => {
    const conversation = createTestConversation({ locale: 'fr' });
    await conversation.sayText("J'ai un numéro de référence");
    await conversation.sayText('REF-1');
    await conversation.sayText(`DECL${randomUUID().slice(0, 8)}`);
    await conversation.sayText("aujourd'hui");
    await addWorker(conversation, NISS_A, 'Dupond', 'Jean');
    expect(await conversation.sayText('corriger 1')).toContain(t('fr', 'listing.correcting', { n: 1 }));
    expect(await addWorker(conversation, NISS_A, 'Dupont', 'Jean')).toContain('N° 1 corrigé');
    expect(await conversation.sayText('liste')).toContain('1. 85.07.30-\\*\\*\\*.\\*\\* — Dupont Jean');
  });

  it('refuses a bad reference, declaration or date with the reason, keeping what was entered', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await conversation.sayText('I have a reference number');
    expect(await conversation.sayText('<b>')).toContain(CATALOGS.en.listing.error.reference.characters);
    await conversation.sayText('REF-OK-1');
    expect(await conversation.sayText('AB')).toContain(CATALOGS.en.listing.error.declaration.length);
    await conversation.sayText(`DECL${randomUUID().slice(0, 8)}`);
    expect(await conversation.sayText('31/02/2026')).toContain(CATALOGS.en.listing.badDate);
    expect(await conversation.sayText('01/01/2020')).toContain('Wednesday 1 January 2020 is not within one day of today (Wednesday 25 November 2026)');
    expect(await conversation.sayText('26/11/2026')).toContain('Thursday 26 November 2026, reference REF-OK-1');
  });

  it('does not add a worker twice when the channel redelivers the same activity', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await openListing(conversation);
    await conversation.sayText(NISS_A);
    await conversation.sayText('Dupont');
    const first = await conversation.say({ text: 'Jean', id: 'activity-first-name' });
    expect(first[0]?.text).toContain('Workers on the listing: 1.');
    expect(await conversation.say({ text: 'Jean', id: 'activity-first-name' })).toEqual([]);
    expect(await conversation.sayText('list')).not.toContain('2.');
  });

  it('accepts the whole worker as an Adaptive Card submit in Teams', async () => {
    const tenant = randomUUID();
    const conversation = createTestConversation({ locale: 'en', channelId: 'msteams' });
    const teams = teamsFields(tenant);
    await conversation.say({ text: 'I have a reference number', ...teams });
    await conversation.say({ text: 'REF-T-1', ...teams });
    await conversation.say({ text: `DECL${randomUUID().slice(0, 8)}`, ...teams });
    const opened = await conversation.say({ text: 'today', ...teams });
    expect(opened.at(-1)?.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const added = await conversation.say({ value: { form: 'worker', workerId: NISS_A, surname: 'Peeters', firstName: 'An' }, ...teams });
    expect(added[0]?.text).toContain('✅ 1 worker added (1 line read). Workers on the listing: 1.');
  });
});

describe('tenant isolation', () => {
  it('gives colleagues of one Teams tenant the same listing, and another tenant none of it', async () => {
    const stores = testStores(() => INSTANTS.open);
    const declaration = `SHARED${randomUUID().slice(0, 6)}`;
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const inTeams = (tenant: string) => {
      const conversation = createTestConversation({ locale: 'en', channelId: 'msteams', stores });
      const extra = teamsFields(tenant);
      return { say: (text: string) => conversation.sayText({ text, ...extra }) };
    };
    const alice = inTeams(tenantA);
    await alice.say('I have a reference number');
    await alice.say('REF-A');
    await alice.say(declaration);
    await alice.say('today');
    await alice.say(NISS_A);
    await alice.say('Janssens');
    await alice.say('Alice');

    const bob = inTeams(tenantA);
    await bob.say('I have a reference number');
    await bob.say('REF-A');
    await bob.say(declaration);
    expect(await bob.say('today')).toContain('Workers already on it: 1.');

    const mallory = inTeams(tenantB);
    await mallory.say('I have a reference number');
    await mallory.say('REF-A');
    await mallory.say(declaration);
    expect(await mallory.say('today')).toContain('Workers already on it: 0.');
    expect(await mallory.say('list')).not.toContain('Janssens');
  });

  it('keeps Web Chat users apart: a listing is the user’s own', async () => {
    const declaration = `WEB${randomUUID().slice(0, 6)}`;
    const first = createTestConversation({ locale: 'en', channelId: 'webchat' });
    await openListing(first, declaration);
    await addWorker(first, NISS_A, 'Claes', 'Eva');
    const second = createTestConversation({ locale: 'en', channelId: 'webchat' });
    const { opened } = await openListing(second, declaration);
    expect(opened).toContain('Workers already on it: 0.');
  });
});

describe('evidence of an exemption', () => {
  it('records the cause, the time and a note, and shows them for the date', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    const verdict = await conversation.say('Checkinatwork is down, am I exempt?');
    expect(verdict[0]?.suggestedActions?.actions[0]?.title).toBe(CATALOGS.en.actions.recordEvidence);
    expect(await conversation.sayText(CATALOGS.en.actions.recordEvidence)).toContain(CATALOGS.en.evidence.askNote);
    expect(await conversation.sayText('ab')).toContain(CATALOGS.en.evidence.badNote);
    expect(await conversation.sayText('Status page screenshot at 06:55, incident 4711')).toContain('Evidence recorded for Wednesday 25 November 2026 at 10:00');
    const list = await conversation.sayText('show my evidence for 25/11/2026');
    expect(list).toContain('10:00 — ✅ Exempt for today. — Status page screenshot at 06:55, incident 4711');
    const other = createTestConversation({ locale: 'en' });
    expect(await other.sayText('show my evidence for 25/11/2026')).toContain('No evidence recorded for Wednesday 25 November 2026.');
  });
});

describe('erasing a listing', () => {
  it('erases the listing after an explicit yes, and only then', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await openListing(conversation);
    await addWorker(conversation, NISS_A, 'Wouters', 'Tom');
    const done = await conversation.sayText('done');
    const key = conversation.links.open(/listings\/([A-Za-z0-9_-]+)\.pdf/.exec(done)?.[1] ?? '')?.key;
    expect(key).toBeDefined();
    expect(await conversation.sayText('erase the listing')).toContain('Permanently erase the listing');
    expect(await conversation.sayText('no')).toContain(CATALOGS.en.listing.erase.kept);
    expect(await conversation.listingStore.get(key!)).toBeDefined();
    await conversation.sayText('erase the listing');
    expect(await conversation.sayText('Yes, erase')).toContain(CATALOGS.en.listing.erase.done);
    expect(await conversation.listingStore.get(key!)).toBeUndefined();
  });
});

describe('dialog state in blob storage', () => {
  it('continues at the same step after a restart (a new bot on the same storage)', async () => {
    const storage = new BlobsStorage(inject('azuriteConnectionString'), uniqueContainerName('state'));
    const ids = { userId: `user-${randomUUID()}`, conversationId: `conv-${randomUUID()}`, storage, locale: 'en' };
    const before = createTestConversation(ids);
    await openListing(before);
    expect(await before.sayText(NISS_A)).toContain('Surname of this worker');

    const after = createTestConversation(ids); // a new process would build exactly this
    expect(await after.sayText('Maes')).toContain(t('en', 'listing.askFirstName', { surname: 'Maes' }));
    expect(await after.sayText('Lotte')).toContain('Workers on the listing: 1.');
  });
});

describe('names the printed listing cannot show', () => {
  it('refuses a name in a script the PDF font lacks, and accepts Latin, Cyrillic and Greek', async () => {
    const conversation = createTestConversation({ locale: 'en' });
    await openListing(conversation);
    await conversation.sayText(NISS_A);
    expect(await conversation.sayText('王')).toContain(CATALOGS.en.listing.error.name.script);
    expect(await conversation.sayText('Дмитриев')).toContain('First name of Дмитриев?');
    expect(await conversation.sayText('Ελένη')).toContain('Workers on the listing: 1.');
  });
});
