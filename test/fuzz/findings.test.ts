import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CATALOGS, t } from '../../src/i18n/index.js';
import { createTestConversation } from '../helpers/testBot.js';

/**
 * Bugs the fuzz found in code outside test/fuzz and src/{server,adapter,logger}.ts, pinned as
 * failing tests: each passes once its bug is fixed, and `it.fails` must then become `it`.
 */
describe('found by the fuzz', () => {
  // dialogs/listingDialog.ts (and the evidence and erase dialogs): TextPrompt keeps the prompt
  // activity rendered when it was first asked, and replays it on reprompt and on every retry.
  it('asks the listing’s current question in the language the user just switched to', async () => {
    const conversation = createTestConversation({ locale: 'fr-BE' });
    await conversation.sayText("J'ai un numéro de référence");
    await conversation.sayText('REF-LANG-1');
    await conversation.sayText(`DECL${randomUUID().slice(0, 8)}`);
    await conversation.sayText("aujourd'hui");
    const switched = await conversation.say('Deutsch');
    expect(switched[0]?.text).toBe(CATALOGS.de.language.switched);
    expect(switched[1]?.text).toContain(t('de', 'listing.askWorkerId', { n: 1 }));
    expect(await conversation.sayText('abc')).toContain(t('de', 'listing.askWorkerId', { n: 1 }));
  });

  // src/bot.ts, EmergencyBot.currentListing: inside the listing dialog it reads the options of
  // the innermost dialog — the worker prompt — instead of the worker loop's, so it finds no key.
  it('erases the listing being entered when asked in the middle of the worker loop', async () => {
    const conversation = createTestConversation({ locale: 'en-US' });
    await conversation.sayText('I have a reference number');
    await conversation.sayText('REF-ERASE-1');
    await conversation.sayText(`DECL${randomUUID().slice(0, 8)}`);
    await conversation.sayText('today');
    expect(await conversation.sayText('erase the listing')).toContain('Permanently erase the listing');
  });
});
