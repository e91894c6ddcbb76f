import type { ContainerClient } from '@azure/storage-blob';
import { DateTime } from 'luxon';
import type { Expirable } from '../listing/retention.js';
import { LISTING_ZONE } from '../listing/model.js';

/**
 * Dialog state gets a retention of its own, like listings and evidence (retention.ts): a state
 * blob nobody has written since the cutoff (STATE_RETENTION_DAYS, at most RETENTION_DAYS) is
 * deleted — the conversation, if it ever comes back, starts afresh. What it may hold of a
 * listing is sealed and expires much sooner (pendingWorker.ts); this removes the rest: the
 * conversation's language, last verdict and the key of the listing last worked on.
 *
 * The delete is conditional (If-Unmodified-Since the cutoff): a conversation that writes its
 * state while the sweep runs keeps it.
 */
export class StateRetention implements Expirable {
  constructor(private readonly container: ContainerClient) {}

  async deleteOlderThan(cutoffDate: string): Promise<number> {
    const cutoff = DateTime.fromISO(cutoffDate, { zone: LISTING_ZONE }).toJSDate();
    let deleted = 0;
    for await (const blob of this.container.listBlobsFlat()) {
      const modified = blob.properties.lastModified;
      if (modified >= cutoff) continue;
      try {
        await this.container.deleteBlob(blob.name, { conditions: { ifUnmodifiedSince: cutoff }, deleteSnapshots: 'include' });
        deleted += 1;
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        // 412: written meanwhile (kept); 404: deleted meanwhile.
        if (status !== 412 && status !== 404) throw error;
      }
    }
    return deleted;
  }
}
