import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAzurite } from '../../src/storage/azurite.js';

export interface TestAzurite {
  readonly connectionString: string;
  /** A fresh, valid container name: `${prefix}-${random}`, lower case. */
  containerName(prefix: string): string;
  /** Stops Azurite and removes its workspace folder. */
  stop(): Promise<void>;
}

// Blob container names: 3–63 characters, lower-case letters, digits and single hyphens,
// starting and ending with a letter or digit.
const CONTAINER_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;
const MAX_PREFIX_CHARS = 40;

/** A real Azurite on a free port, in its own temporary folder: call in beforeAll, stop in afterAll. */
export async function useAzurite(): Promise<TestAzurite> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'azurite-test-'));
  let server: Awaited<ReturnType<typeof startAzurite>>;
  try {
    server = await startAzurite({ location });
  } catch (error) {
    await rm(location, { recursive: true, force: true });
    throw error;
  }
  return {
    connectionString: server.connectionString,
    containerName: (prefix) => uniqueContainerName(prefix),
    stop: async () => {
      try {
        await server.stop();
      } finally {
        await rm(location, { recursive: true, force: true });
      }
    },
  };
}

export function uniqueContainerName(prefix: string): string {
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_PREFIX_CHARS)
    .replace(/-+$/, '');
  const name = `${cleaned || 'test'}-${randomBytes(6).toString('hex')}`;
  if (!CONTAINER_NAME.test(name)) throw new RangeError(`not a valid container name: ${name}`);
  return name;
}
