import { randomUUID } from 'node:crypto';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { startTestApp } from '../helpers/testApp.js';
import { startFakeChannel, type FakeChannel } from '../helpers/fakeChannel.js';
import { INSTANTS } from '../helpers/testBot.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

const NISS = buildNationalNumber('850730', 33, 1900);
const NISS_2000 = buildNationalNumber('050412', 124, 2000);
const BAD_CHECK = `${NISS.slice(0, 9)}00`; // right shape, wrong check digits

describe('a listing over /api/messages, down to the PDF', () => {
  let app: App;
  let port = 0;
  let channel: FakeChannel;
  const logs: string[] = [];

  beforeAll(async () => {
    ({ app, port } = await startTestApp({}, { clock: () => INSTANTS.open, logger: createLogger('debug', (line) => logs.push(line)) }));
    channel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
  });

  afterAll(async () => {
    await channel?.close();
    await app?.close();
  });

  const say = async (text: string) => {
    const { status, replies } = await channel.send({ text, locale: 'fr-BE' });
    expect(status).toBe(200);
    return replies.map((r) => r.text ?? '').join('\n');
  };

  it('stores exactly the valid workers and serves a PDF with every required field', async () => {
    await say("J'ai un numéro de référence");
    await say('REF-E2E-42');
    await say('e2e-decl-0001');
    expect(await say("aujourd'hui")).toContain('Listing ouvert');
    await say(NISS);
    await say('Peeters');
    expect(await say('Jan')).toContain('Travailleurs sur le listing\u00a0: 1');
    expect(await say(BAD_CHECK)).toContain('chiffres de contrôle');
    await say(NISS_2000);
    await say('Lambert');
    expect(await say('Élodie')).toContain('Travailleurs sur le listing\u00a0: 2');
    const done = await say('terminé');
    const url = /\((http:\/\/localhost:\d+\/listings\/[A-Za-z0-9_-]+\.pdf)\)/.exec(done)?.[1];
    expect(url).toBeDefined();

    const pathname = new URL(url ?? '').pathname;
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="attendance-listing-2026-11-25.pdf"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    for (const expected of ['REF-E2E-42', 'E2EDECL0001', '2026-11-25', '85.07.30-033.28', 'Peeters', 'Jan', '05.04.12-124', 'Lambert', 'Élodie']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(BAD_CHECK);
  });

  it('refuses a tampered or unknown download link with 404', async () => {
    const path = app.links.pathFor({ tenantKey: 'fakechannel:user:user-1', declarationNumber: 'E2EDECL0001', date: '2026-11-25' }, 'fr');
    const tampered = path.replace(/[A-Za-z0-9](?=[A-Za-z0-9_-]{10}\.pdf$)/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`http://127.0.0.1:${port}${tampered}`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/listings/nothing.pdf`)).status).toBe(404);
    // The untampered link of another tenant's key opens nothing of this tenant's.
    const otherTenant = app.links.pathFor({ tenantKey: 'fakechannel:user:someone-else', declarationNumber: 'E2EDECL0001', date: '2026-11-25' }, 'fr');
    expect((await fetch(`http://127.0.0.1:${port}${otherTenant}`)).status).toBe(404);
  });

  it('writes no identifier and no name to the logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    const all = logs.join('\n');
    expect(all).not.toMatch(/\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}/);
    for (const secret of [NISS, NISS_2000, 'Peeters', 'Lambert', 'Élodie', BAD_CHECK]) expect(all).not.toContain(secret);
  });
});
