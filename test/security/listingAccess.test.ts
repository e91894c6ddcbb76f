import { randomUUID } from 'node:crypto';
import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/index.js';
import { createTestConversation } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * Issue 13, finding 6: every listing operation checks that the listing belongs to the person
 * answering, not only that it is the one in the conversation's state. Two members of one group
 * conversation outside Teams are two tenants (channel + user); in Teams they share the
 * organisation's listings.
 */
const NISS = buildNationalNumber('850730', 33, 1900);
const OTHER = buildNationalNumber('900215', 7, 1900);
const NOT_YOURS = CATALOGS.en.security.listingNotYours;

/** Two people in one group conversation: the same conversation id and the same state. */
function groupOf(channelId: string, extra: { conversationId?: string } = {}) {
  const storage = new MemoryStorage();
  const conversationId = extra.conversationId ?? `group-${randomUUID()}`;
  const owner = createTestConversation({ locale: 'en', storage, channelId, conversationId });
  const other = createTestConversation({ locale: 'en', storage, channelId, conversationId });
  return { owner, other };
}

async function openWithOneWorker(owner: ReturnType<typeof createTestConversation>): Promise<string> {
  const declaration = `DECL${randomUUID().slice(0, 8)}`.toUpperCase();
  await owner.sayText('I have a reference number');
  await owner.sayText('REF-ACCESS-1');
  await owner.sayText(declaration);
  await owner.sayText('today');
  await owner.sayText(NISS);
  await owner.sayText('Peeters');
  expect(await owner.sayText('Jan')).toContain('Added:');
  return declaration;
}

describe('one access check for every listing operation', () => {
  it('does not list, add to, or give the PDF of a listing to another member of the conversation', async () => {
    const { owner, other } = groupOf('webchat');
    await openWithOneWorker(owner);

    const listed = await other.sayText('list');
    expect(listed).toContain(NOT_YOURS);
    expect(listed).not.toContain('Peeters');
    expect(listed).not.toContain('85.07.30');

    const pdf = await other.sayText('pdf');
    expect(pdf).toContain(NOT_YOURS);
    expect(pdf).not.toContain('/listings/');

    expect(await other.sayText(OTHER)).toContain(NOT_YOURS);
    expect(await other.sayText('remove 1')).toContain(NOT_YOURS);

    // The owner's listing is as it was, and the owner goes on.
    const own = await owner.sayText('list');
    expect(own).toContain('Peeters');
    expect(own).not.toContain('90.02.15');
    expect(await owner.sayText('done')).toContain('/listings/');
  });

  it('lets nobody else answer the questions that open a listing', async () => {
    const { owner, other } = groupOf('webchat');
    expect(await owner.sayText('I have a reference number')).toContain(CATALOGS.en.listing.askReference);
    const refused = await other.sayText('REF-OTHER-9');
    expect(refused).toContain(NOT_YOURS);
    expect(refused).not.toContain(CATALOGS.en.listing.askDeclaration);
    expect(await owner.sayText('REF-OWNER-1')).toContain(CATALOGS.en.listing.askDeclaration);
    expect(await other.sayText('DECLOTHER1')).toContain(NOT_YOURS);
    expect(await owner.sayText('DECLOWNER1')).toContain('Which date is this listing for?');
    expect(await other.sayText('today')).toContain(NOT_YOURS);
    const opened = await owner.sayText('today');
    expect(opened).toContain('Listing open');
    expect(opened).toContain('REF-OWNER-1');
  });

  it('lets nobody else answer the erase question', async () => {
    const { owner, other } = groupOf('webchat');
    const declaration = await openWithOneWorker(owner);
    expect(await owner.sayText('erase the listing')).toContain('Permanently erase');
    const answered = await other.sayText('yes');
    expect(answered).toContain(NOT_YOURS);
    expect(answered).not.toContain(CATALOGS.en.listing.erase.done);
    expect(await other.sayText('erase the listing')).toContain(CATALOGS.en.listing.erase.nothing);
    const key = { tenantKey: `webchat:user:${owner.userId}`, declarationNumber: declaration, date: '2026-11-25' };
    expect((await owner.listingStore.get(key))?.workers).toHaveLength(1);
  });
});
