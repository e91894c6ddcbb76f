/**
 * npm run bench:state-auth — CPU per turn of dialog state (one read + one write) with Microsoft
 * Entra ID tokens instead of an account key: this project's lean state client signing with a
 * cached bearer token (state/blobStateStorage.ts) against botbuilder-azure-blobs' BlobsStorage
 * with the same token credential (the Azure SDK pipeline). Same Azurite (HTTPS, --oauth basic),
 * same keys, alternating rounds; prints the medians.
 *
 *   BENCH_STATE_TURNS  read+write pairs per round (default 400); BENCH_REPEAT rounds (default 3)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { BlobStateStorage } from '../src/state/blobStateStorage.js';
import { startAzurite } from '../src/storage/azurite.js';
import { BearerTokenSource } from '../src/storage/blobTarget.js';
import { writeSelfSignedCertificate } from '../test/helpers/selfSignedTls.js';

const TURNS = Number(process.env.BENCH_STATE_TURNS ?? 400);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/** Entra-shaped tokens for Azurite's --oauth basic (claims checked, not the signature). */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => {
    const now = Math.floor(Date.now() / 1000);
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { aud: 'https://storage.azure.com', iss: `https://sts.windows.net/${randomUUID()}/`, nbf: now - 60, iat: now - 60, exp: now + 3600 };
    return { token: `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`, expiresOnTimestamp: (now + 3600) * 1000 };
  },
};

async function cpuPerTurn(storage: Storage, turns: number): Promise<number> {
  const key = `bench/conversations/${randomUUID()}`;
  await storage.write({ [key]: { dialogState: { dialogStack: [] }, turns: 0 } });
  const start = process.cpuUsage();
  for (let i = 0; i < turns; i += 1) {
    const item = (await storage.read([key]))[key] as Record<string, unknown>;
    await storage.write({ [key]: { ...item, turns: i } });
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / turns;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function measure(accountUrl: string): Promise<void> {
  const container = `state-auth-${randomBytes(4).toString('hex')}`;
  const lean = new BlobStateStorage({ endpoint: new URL(`${accountUrl}/`), tokens: new BearerTokenSource(credential) }, container);
  // BlobsStorage takes the container's URL with a credential.
  const sdk = new BlobsStorage('', container, {}, `${accountUrl}/${container}`, credential);
  await cpuPerTurn(lean, 50);
  await cpuPerTurn(sdk, 50);
  const results = { lean: [] as number[], sdk: [] as number[] };
  for (let round = 0; round < REPEAT; round += 1) {
    results.lean.push(await cpuPerTurn(lean, TURNS));
    results.sdk.push(await cpuPerTurn(sdk, TURNS));
  }
  lean.close();
  const lines = [
    '| dialog state client (Entra ID bearer token) | CPU ms per turn (read + write), median |',
    '|---|---|',
    `| lean client (state/blobStateStorage.ts) | ${median(results.lean).toFixed(2)} |`,
    `| BlobsStorage (Azure SDK pipeline) | ${median(results.sdk).toFixed(2)} |`,
    '',
    `ratio SDK / lean: ${(median(results.sdk) / median(results.lean)).toFixed(2)} (${REPEAT} alternating rounds of ${TURNS} turns)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  // The measuring process must trust the test certificate from its start (NODE_EXTRA_CA_CERTS).
  if (process.env.BENCH_STATE_ACCOUNT_URL) return measure(process.env.BENCH_STATE_ACCOUNT_URL);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-state-auth-'));
  const tls = await writeSelfSignedCertificate(dir);
  const azurite = await startAzurite({ location: dir, inMemory: true, tls, oauth: true });
  try {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename], {
      env: { ...process.env, BENCH_STATE_ACCOUNT_URL: azurite.accountUrl, NODE_EXTRA_CA_CERTS: tls.certPath },
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = 1;
  } finally {
    await azurite.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
