import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, type RunningAzurite, startAzurite } from '../../src/storage/azurite.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { type ManagedIdentityEndpoint, startManagedIdentityEndpoint } from '../helpers/managedIdentity.js';
import { writeSelfSignedCertificate } from '../helpers/selfSignedTls.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';

/**
 * Storage without keys, for real: Azurite over HTTPS (a certificate made here) accepting Entra
 * ID bearer tokens only as Azure does with allowSharedKeyAccess=false, the bot as its own process
 * with AZURE_STORAGE_ACCOUNT_URL and a user-assigned managed identity whose tokens come from the
 * App Service protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER) served here. Listings, evidence,
 * reminders and dialog state all go through it (the lean state client signs with a bearer token).
 */
const NISS_1 = buildNationalNumber('850730', 33, 1900);
const NISS_2 = buildNationalNumber('910214', 57, 1900);
const execFileAsync = promisify(execFile);

describe('blob storage with Microsoft Entra ID (no account key), through a managed identity', () => {
  let dir: string;
  let azurite: RunningAzurite;
  let identity: ManagedIdentityEndpoint;
  let certPath: string;
  const containers = { data: uniqueContainerName('entra-data'), state: uniqueContainerName('entra-state') };
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'entra-'));
    const tls = await writeSelfSignedCertificate(dir);
    certPath = tls.certPath;
    azurite = await startAzurite({ location: path.join(dir, 'azurite'), tls, oauth: true });
    identity = await startManagedIdentityEndpoint();
  });

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await identity?.close();
    await azurite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The environment of a deployed bot: account URL, managed identity, the test CA; no key anywhere. */
  function botEnv(port: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      AZURE_STORAGE_ACCOUNT_URL: azurite.accountUrl,
      AZURE_CLIENT_ID: identity.clientId,
      STORAGE_DATA_CONTAINER: containers.data,
      STORAGE_STATE_CONTAINER: containers.state,
      NODE_EXTRA_CA_CERTS: certPath,
      ...identity.env,
    };
    delete env.AZURE_STORAGE_CONNECTION_STRING;
    return env;
  }

  function startBot(port: number): { child: ChildProcess; lines: string[]; stderr: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: botEnv(port), stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, lines, stderr: () => stderr, exited };
  }

  async function readBack(): Promise<{ found: boolean; workers: number; access: string }> {
    const date = DateTime.now().setZone('Europe/Brussels').toISODate() ?? '';
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'test/helpers/readListing.ts', 'fakechannel:user:user-1', 'ENTRADECL0001', date], {
      env: botEnv(0),
    });
    return JSON.parse(stdout) as { found: boolean; workers: number; access: string };
  }

  it('starts, stores a listing through the managed identity, and another process reads it back', { timeout: 120_000 }, async () => {
    const port = await findFreePort();
    const bot = startBot(port);
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), { timeout: 60_000, interval: 200 }).toBe(true);
    expect(bot.lines.join('\n')).toContain('azure-blob (entra-id, managedIdentity)');
    expect(azurite.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);

    const channel: FakeChannel = await startFakeChannel(() => `http://127.0.0.1:${port}/api/messages`, `conv-${randomUUID()}`);
    const say = async (text: string) => {
      const { status, replies } = await channel.send({ text, locale: 'fr-BE' });
      expect(status).toBe(200);
      return replies.map((r) => r.text ?? '').join('\n');
    };
    try {
      await say("J'ai un numéro de référence");
      await say('REF-ENTRA-1');
      await say('entra-decl-0001');
      expect(await say("aujourd'hui")).toContain('Listing ouvert');
      await say(NISS_1);
      await say('Peeters');
      expect(await say('Jan')).toContain('Travailleurs sur le listing : 1');

      // Every token was asked for Azure Storage, by the identity's client id, with the secret header.
      expect(identity.requests.length).toBeGreaterThan(0);
      expect(identity.requests.every((r) => r.hadHeader && r.clientId === identity.clientId && r.resource?.startsWith('https://storage.azure.com'))).toBe(true);
      expect(await readBack()).toEqual({ found: true, workers: 1, access: 'entraId' });

      // Tokens go bad: expired, then for the wrong audience. The worker entered meanwhile is kept
      // (the user is told so), the logs say what is wrong and what to check, nothing is lost.
      // Clients renew a token shortly before it expires, in the background: one more turn after
      // the switch and both clients (the SDK's for listings, the lean one for state) hold a bad one.
      identity.mode = 'expired';
      const before = identity.requests.length;
      await say('liste');
      await expect.poll(() => identity.requests.length - before, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(2);
      await say(NISS_2);
      await say('Lambert');
      const kept = await say('Élodie');
      expect(kept).toMatch(/le stockage est injoignable pour l'instant\. Ce travailleur est gardé/);
      const logged = bot.lines.join('\n');
      expect(logged).toMatch(/"event":"listing.outbox_pending"/);
      expect(logged).toMatch(/"statusCode":403,"errorCode":"AuthenticationFailed","hint":"blob storage refused the credentials/);
      expect(logged).toContain('Storage Blob Data Contributor');
      identity.mode = 'wrong-audience';
      expect(await readBack().catch((error: unknown) => String(error))).toMatch(/RestError 403 AuthenticationFailed/);

      // Tokens are good again: within seconds the kept worker is stored, once.
      identity.mode = 'good';
      await expect.poll(async () => (await readBack()).workers, { timeout: 30_000, interval: 500 }).toBe(2);
      expect(await say('liste')).toContain('Lambert');
    } finally {
      await channel.close();
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  });

  it('stops at start-up with a clear error when the tokens are for the wrong audience', { timeout: 90_000 }, async () => {
    identity.mode = 'wrong-audience';
    try {
      const bot = startBot(await findFreePort());
      expect(await bot.exited).toBe(1);
      expect(bot.stderr()).toMatch(/Start-up failed: Blob storage https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1 refused access \(403 AuthenticationFailed\)/);
      expect(bot.stderr()).toContain("'Storage Blob Data Contributor' role");
      expect(bot.stderr()).toContain('https://storage.azure.com');
    } finally {
      identity.mode = 'good';
    }
  });
});
