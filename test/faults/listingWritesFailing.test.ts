import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { ListingStore } from '../../src/listing/listingStore.js';
import { createTestConversation, INSTANTS, testStores } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS_A = buildNationalNumber('850730', 33, 1900);
const NISS_B = buildNationalNumber('900215', 7, 1900);
const masked = (n: string) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-\\*\\*\\*.\\*\\*`;

/** The real store on Azurite, whose writes can be made to fail as when storage is unreachable. */
class WriteFailingListingStore extends ListingStore {
  isWriteDown = false;

  override async update(...args: Parameters<ListingStore['update']>): ReturnType<ListingStore['update']> {
    if (this.isWriteDown) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { name: 'RestError', code: 'ECONNREFUSED' });
    return super.update(...args);
  }
}

function conversationWithFailingWrites() {
  const stores = testStores(() => INSTANTS.open);
  const listingStore = new WriteFailingListingStore(stores.container, () => INSTANTS.open);
  const conversation = createTestConversation({ locale: 'en', stores: { ...stores, listingStore } });
  return { conversation, listingStore };
}

async function addWorker(conversation: ReturnType<typeof createTestConversation>, id: string, surname: string, firstName: string) {
  await conversation.sayText(id);
  await conversation.sayText(surname);
  return conversation.sayText(firstName);
}

/**
 * The listing dialog while its changes cannot be written (storage unreachable for writes, or
 * back but not caught up yet): what the user is told for each command.
 */
describe('the listing while changes wait for storage', () => {
  it('counts the waiting worker, lists it with a note, and gives the PDF only once everything is saved', async () => {
    const { conversation, listingStore } = conversationWithFailingWrites();
    await conversation.sayText('I have a reference number');
    await conversation.sayText('REF-WAIT-1');
    await conversation.sayText(`WAIT${randomUUID().slice(0, 8)}`);
    await conversation.sayText('today');
    expect(await addWorker(conversation, NISS_A, 'Goossens', 'Sara')).toContain('Workers on the listing: 1.');

    listingStore.isWriteDown = true;
    const kept = await addWorker(conversation, NISS_B, 'Peeters', 'Jan');
    expect(kept).toContain(t('en', 'listing.savePending', { id: masked(NISS_B), surname: 'Peeters', firstName: 'Jan' }));
    expect(kept).toContain(t('en', 'listing.askWorkerId', { n: 3 }));

    const list = await conversation.sayText('list');
    expect(list).toContain(`1. ${masked(NISS_A)} — Goossens Sara`);
    expect(list).toContain(`2. ${masked(NISS_B)} — Peeters Jan`);
    expect(list).toContain(t('en', 'listing.pendingNote', { count: 1 }));

    for (const command of ['pdf', 'done']) {
      const answer = await conversation.sayText(command);
      expect(answer).toContain(t('en', 'listing.pendingNote', { count: 1 }));
      expect(answer).toContain(CATALOGS.en.listing.pdfWhenSaved);
      expect(answer).not.toContain('/listings/');
      // Still in the listing, where it was.
      expect(answer).toContain(t('en', 'listing.askWorkerId', { n: 3 }));
    }

    listingStore.isWriteDown = false;
    const done = await conversation.sayText('done');
    expect(done).toContain('Listing saved with 2 workers:');
    expect(done).toMatch(/\(http:\/\/localhost:3978\/listings\/[A-Za-z0-9_-]+\.pdf\)/);
  });

  it('opens the listing when storage is back, with the workers entered meanwhile, in order', async () => {
    const { conversation, listingStore } = conversationWithFailingWrites();
    const declaration = `WAIT${randomUUID().slice(0, 8).toUpperCase()}`;
    await conversation.sayText('I have a reference number');
    await conversation.sayText('REF-WAIT-2');
    await conversation.sayText(declaration);

    listingStore.isWriteDown = true;
    const opened = await conversation.sayText('today');
    expect(opened).toContain(`Listing noted: declaration ${declaration}`);
    expect(opened).toContain(t('en', 'listing.askWorkerId', { n: 1 }));
    expect(await addWorker(conversation, NISS_A, 'Goossens', 'Sara')).toContain(t('en', 'listing.askWorkerId', { n: 2 }));
    expect(await conversation.sayText('remove 1')).toContain(CATALOGS.en.listing.changePending);

    listingStore.isWriteDown = false;
    const list = await conversation.sayText('list');
    expect(list).toContain(`Listing for declaration ${declaration}`);
    expect(list).toContain(CATALOGS.en.listing.empty);
    expect(list).not.toContain('⏳');
    const stored = await listingStore.get({ tenantKey: `test:user:${conversation.userId}`, declarationNumber: declaration, date: '2026-11-25' });
    expect(stored?.referenceNumber).toBe('REF-WAIT-2');
    expect(stored?.workers).toEqual([]);
  });
});
