/** The real bot in its own process for the security tests: local mode, storage in the run's Azurite. */
import { inject } from 'vitest';
import { findFreePort } from '../../src/storage/azurite.js';
import { uniqueContainerName } from './azurite.js';
import { type BotProcess, startBotProcess, TSX_ENTRY_POINT } from './botProcess.js';

/**
 * The real bot (`src/main.ts`) in its own process on a free loopback port, storage in the run's
 * Azurite under containers of its own, dialog state in memory. `nodeFlags` go before the script.
 */
export async function startLocalBot(env: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Promise<BotProcess> {
  const port = await findFreePort();
  const [node, ...script] = TSX_ENTRY_POINT;
  return startBotProcess({
    port,
    command: [node ?? process.execPath, ...nodeFlags, ...script],
    env: {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
      STATE_STORAGE: 'memory',
      AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      STORAGE_DATA_CONTAINER: uniqueContainerName('process-data'),
      STORAGE_STATE_CONTAINER: uniqueContainerName('process-state'),
      ...env,
    },
  });
}
