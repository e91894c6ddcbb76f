import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { errorFields, type Logger } from '../logger.js';
import { LISTING_ZONE } from './model.js';

/** Anything that can delete what is older than a date: the listing and evidence stores. */
export interface Expirable {
  deleteOlderThan(cutoffDate: string): Promise<number>;
}

/** The first day still kept: listings and records dated before it are deleted. */
export function retentionCutoff(now: Date, retentionDays: number): string {
  return DateTime.fromJSDate(now).setZone(LISTING_ZONE).minus({ days: retentionDays }).toISODate() ?? '';
}

const SWEEP_INTERVAL_MS = 6 * 60 * 60 * 1000;

/**
 * Personal data is kept no longer than configured (RETENTION_DAYS): a sweep at start-up and
 * every six hours. A failed sweep is logged and tried again at the next one.
 */
export function startRetention(stores: readonly Expirable[], retentionDays: number, clock: Clock, logger: Logger): { stop(): void } {
  const sweep = async () => {
    const cutoff = retentionCutoff(clock(), retentionDays);
    try {
      const deleted = await Promise.all(stores.map((s) => s.deleteOlderThan(cutoff)));
      logger.info('retention.swept', { cutoff, deleted: deleted.reduce((a, b) => a + b, 0) });
    } catch (error) {
      logger.error('retention.failed', errorFields(error));
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
