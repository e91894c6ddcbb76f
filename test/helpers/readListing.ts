/**
 * Reads one listing back from blob storage the way the deployed bot reaches it, as its own
 * process: configuration from the environment (AZURE_STORAGE_ACCOUNT_URL, the managed identity,
 * NODE_EXTRA_CA_CERTS for a test certificate), @azure/identity, the real ListingStore.
 * Prints counts only: `{"found":true,"workers":2}`.
 *
 *   node --import tsx test/helpers/readListing.ts <tenantKey> <declarationNumber> <YYYY-MM-DD>
 */
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { ListingStore } from '../../src/listing/listingStore.js';
import { blobTargetOf, containerClientOf } from '../../src/storage/blobTarget.js';

async function main(): Promise<void> {
  const [tenantKey, declarationNumber, date] = process.argv.slice(2);
  if (!tenantKey || !declarationNumber || !date) throw new Error('usage: readListing <tenantKey> <declarationNumber> <date>');
  const config = loadConfig(process.env);
  if (config.storage.access.kind === 'embedded') throw new Error('no storage configured');
  const target = await blobTargetOf(config.storage.access);
  const store = new ListingStore(containerClientOf(target, config.storage.dataContainer), systemClock, { nameKey: config.storage.blobNameKey });
  const listing = await store.get({ tenantKey, declarationNumber, date });
  process.stdout.write(`${JSON.stringify({ found: listing !== undefined, workers: listing?.workers.length ?? 0, access: target.kind })}\n`);
}

main().catch((error: unknown) => {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  process.stderr.write(`${error instanceof Error ? `${error.name} ${String(statusCode)} ${String(code)}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
