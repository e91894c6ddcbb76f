import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { startTestApp } from '../helpers/testApp.js';
import { INSTANTS } from '../helpers/testBot.js';

/**
 * One tap to call: wherever the bot gives the phone route, a tel: action (and the contact form
 * as a button when it is configured), over /api/messages as Teams and Web Chat send activities.
 */
const BOT = { id: '28:bot-app-id', name: 'Checkinatwork' };
const TEL = 'tel:+3225115151';
const FORM = 'https://contact.example.org/form';

interface CardAction {
  readonly type: string;
  readonly title: string;
  readonly url?: string;
}

function cardActions(reply: Activity | undefined): CardAction[] {
  const card = reply?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return (card?.content as { actions?: CardAction[] } | undefined)?.actions ?? [];
}

describe('the phone route as a tap, over /api/messages', () => {
  let app: App;
  let channel: FakeChannel;
  let now = INSTANTS.open;

  beforeAll(async () => {
    let port: number;
    ({ app, port } = await startTestApp({ CONTACT_FORM_URL: FORM }, { clock: () => now }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  const teams = () => {
    const tenant = randomUUID();
    return {
      channelId: 'msteams',
      recipient: BOT,
      from: { id: `29:${randomUUID()}`, name: 'Site manager' },
      conversation: { id: `a:${randomUUID()}`, tenantId: tenant, conversationType: 'personal', isGroup: false, name: '' },
      channelData: { tenant: { id: tenant } },
      locale: 'en-GB',
    };
  };
  const webChat = (): Partial<Activity> => ({
    channelId: 'webchat',
    recipient: BOT,
    from: { id: `web-${randomUUID()}`, name: '', role: 'user' },
    conversation: { id: randomUUID(), isGroup: false, conversationType: 'personal', name: '' },
    locale: 'nl-BE',
  });

  /** Own company, no other channel works: the contact-centre verdict (step 3.2). */
  async function contactCentreVerdict(shape: Partial<Activity>, words: readonly string[]): Promise<Activity | undefined> {
    let last: Activity[] = [];
    for (const text of words) last = (await channel.send({ ...shape, text })).replies;
    return last.at(-1);
  }

  it('Teams: the open-centre verdict carries an Action.OpenUrl to tel:+3225115151, and the number stays in the text', async () => {
    now = INSTANTS.open;
    const verdict = await contactCentreVerdict(teams(), ['Am I exempt today?', 'my own company', '2']);
    expect(verdict?.text).toContain(CATALOGS.en.procedure.outcome.contactCentre.title);
    // Readable, and a link in the text too (Teams' desktop client opens tel: from text links).
    expect(verdict?.text).toContain(`[02 511 51 51](${TEL})`);
    const actions = cardActions(verdict);
    expect(actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Call 02 511 51 51', url: TEL });
    // The other buttons still send their label, like typing it.
    expect(actions.slice(1).every((a) => a.type === 'Action.Submit')).toBe(true);
    expect(actions.some((a) => a.type === 'Action.OpenUrl' && a.url === FORM)).toBe(false);
  });

  it('Teams: "is the contact centre open?" answers with the call button while it is open', async () => {
    now = INSTANTS.open;
    const { replies } = await channel.send({ ...teams(), text: 'is the contact centre open right now?' });
    expect(replies[0]?.text).toContain(`[02 511 51 51](${TEL})`);
    expect(cardActions(replies[0])).toContainEqual({ type: 'Action.OpenUrl', title: 'Call 02 511 51 51', url: TEL });
  });

  it('Teams: while the centre is closed, the contact form is the button and nothing offers to call', async () => {
    now = INSTANTS.closed;
    const verdict = await contactCentreVerdict(teams(), ['Am I exempt today?', 'my own company', '2']);
    const actions = cardActions(verdict);
    expect(actions[0]).toEqual({ type: 'Action.OpenUrl', title: CATALOGS.en.contactActions.contactForm, url: FORM });
    expect(actions.some((a) => a.url?.startsWith('tel:'))).toBe(false);
  });

  it('Teams: the reminder sent when the centre opens carries the call button too', async () => {
    now = INSTANTS.closed;
    const shape = teams();
    await channel.send({ ...shape, text: CATALOGS.en.actions.remindMe });
    now = new Date('2026-11-30T06:00:30Z'); // Monday 07:00:30 in Brussels: open
    const before = channel.received.length;
    expect(await app.reminders.tick()).toBeGreaterThanOrEqual(1);
    const proactive = channel.received.slice(before).find((a) => a.conversation?.id === shape.conversation.id);
    expect(proactive?.text).toContain(`[02 511 51 51](${TEL})`);
    expect(cardActions(proactive)).toEqual([{ type: 'Action.OpenUrl', title: 'Call 02 511 51 51', url: TEL }]);
  });

  it('Web Chat: the verdict has an openUrl button to tel: and a tel: link in its text', async () => {
    now = INSTANTS.open;
    const verdict = await contactCentreVerdict(webChat(), ['Ben ik vandaag vrijgesteld?', 'mijn eigen bedrijf', '2']);
    expect(verdict?.text).toContain(CATALOGS.nl.procedure.outcome.contactCentre.title);
    expect(verdict?.text).toContain(`[02 511 51 51](${TEL})`);
    expect(verdict?.suggestedActions?.actions[0]).toEqual({ type: 'openUrl', title: 'Bel 02 511 51 51', value: TEL });
  });

  it('Web Chat: no call button when the centre is closed, the form instead', async () => {
    now = INSTANTS.closed;
    const { replies } = await channel.send({ ...webChat(), text: 'Is het contactcenter open?' });
    const actions = replies[0]?.suggestedActions?.actions ?? [];
    expect(actions[0]).toEqual({ type: 'openUrl', title: CATALOGS.nl.contactActions.contactForm, value: FORM });
    expect(actions.some((a) => String(a.value).startsWith('tel:'))).toBe(false);
  });
});

describe('without a contact form address', () => {
  it('offers no form button (the text names the portal instead)', async () => {
    const { app, port } = await startTestApp({}, { clock: () => INSTANTS.closed });
    const channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`);
    try {
      const { replies } = await channel.send({ channelId: 'webchat', text: 'is the contact centre open?', locale: 'en-US' });
      expect(replies[0]?.suggestedActions?.actions.some((a) => a.type === 'openUrl')).toBe(false);
    } finally {
      await channel.close();
      await app.close();
    }
  });
});
