import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/storage/azurite.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { writeSelfSignedCertificate } from '../helpers/selfSignedTls.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * Azure Monitor through OpenTelemetry, for real: the bot as its own process with
 * APPLICATIONINSIGHTS_CONNECTION_STRING pointing at an ingestion endpoint served here, which
 * keeps every envelope the exporter sends. Requests, dependencies and logs arrive; no
 * identifier, name or message text ever does.
 */
const NISS = buildNationalNumber('850730', 33, 1900);
const SURNAME = 'Vandermeulen';
const FIRST_NAME = 'Griet';
const MESSAGE_TEXT = 'Onze router op de werf is stuk sinds vanmorgen';

interface Envelope {
  readonly name: string;
  readonly data?: { readonly baseType?: string; readonly baseData?: Record<string, unknown> };
}

/** The exporter speaks HTTPS only: the endpoint has a certificate made here, trusted by the bot through NODE_EXTRA_CA_CERTS. */
async function startIngestion(tls: { certPath: string; keyPath: string }): Promise<{ url: string; bodies: string[]; envelopes: Envelope[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const envelopes: Envelope[] = [];
  const server: Server = createServer({ cert: await readFile(tls.certPath), key: await readFile(tls.keyPath) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      bodies.push(text);
      const parsed: unknown = text.trim().startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
      const items = Array.isArray(parsed) ? (parsed as Envelope[]) : [];
      envelopes.push(...items);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    bodies,
    envelopes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('telemetry to Azure Monitor (OpenTelemetry)', () => {
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let bot: ChildProcess | undefined;
  let dir: string;
  let certPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'otel-'));
    const tls = await writeSelfSignedCertificate(dir);
    certPath = tls.certPath;
    ingestion = await startIngestion(tls);
  });

  afterAll(async () => {
    if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
    await ingestion?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports requests, dependencies and logs, and nothing personal', { timeout: 120_000 }, async () => {
    const port = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      STORAGE_DATA_CONTAINER: uniqueContainerName('otel-data'),
      STORAGE_STATE_CONTAINER: uniqueContainerName('otel-state'),
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${randomUUID()};IngestionEndpoint=${ingestion.url}`,
      NODE_EXTRA_CA_CERTS: certPath,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    bot = child;
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), { timeout: 60_000, interval: 200 }).toBe(true);
    expect(output).toContain('"telemetry":"azure-monitor"');

    const channel: FakeChannel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    const say = async (text: string) => {
      const { status } = await channel.send({ text, locale: 'nl-BE' });
      expect(status).toBe(200);
    };
    try {
      await say(MESSAGE_TEXT);
      await say('Ik heb een referentienummer');
      await say('REF-OTEL-7');
      await say('otel-decl-0001');
      await say('vandaag');
      await say(NISS);
      await say(SURNAME);
      await say(FIRST_NAME);
    } finally {
      await channel.close();
    }
    // SIGTERM: the bot flushes what the exporter still holds before it exits.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const baseTypes = new Set(ingestion.envelopes.map((e) => e.data?.baseType));
    expect(baseTypes).toContain('RequestData');
    expect(baseTypes).toContain('RemoteDependencyData');
    expect(baseTypes).toContain('MessageData');
    const requests = ingestion.envelopes.filter((e) => e.data?.baseType === 'RequestData').map((e) => String(e.data?.baseData?.url ?? ''));
    expect(requests.some((url) => url.includes('/api/messages'))).toBe(true);
    const messages = ingestion.envelopes.filter((e) => e.data?.baseType === 'MessageData').map((e) => String(e.data?.baseData?.message ?? ''));
    expect(messages).toContain('server.listening');
    expect(messages).toContain('http.request');

    const everything = ingestion.bodies.join('\n');
    for (const secret of [NISS, NISS.slice(0, 6), SURNAME, FIRST_NAME, MESSAGE_TEXT, 'router', 'REF-OTEL-7', 'OTELDECL0001']) {
      expect(everything).not.toContain(secret);
    }
    const shaped = /(?<![\d.])\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}(?![\d.])/.exec(everything);
    expect(shaped ? everything.slice(Math.max(0, shaped.index - 200), shaped.index + 50) : '').toBe('');
    // No client address of the person's device, no query string (download tokens, SAS).
    expect(everything).not.toMatch(/"client\.address"|"http\.client_ip"|sig=/);
  });
});
