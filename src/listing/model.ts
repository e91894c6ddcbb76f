import { z } from 'zod';
import {
  declarationNumberSchema,
  personNameSchema,
  referenceNumberSchema,
  type WorkerId,
  workerIdSchema,
} from '../identity/index.js';

/**
 * The paper attendance listing of step 3.3 of the official procedure, kept as the company's
 * legal proof: the reference number, the declaration-of-works number, the date, and for each
 * worker present or who will be present, the NISS/BIS or Limosa L1 number, surname, first name.
 *
 * One listing per (tenant, declaration number, date). Stored as a JSON blob with a schema
 * version; validated with zod on every read and write.
 */
export const LISTING_SCHEMA_VERSION = 1;

/** A listing is for a Belgian working day: "today" is today in Brussels, wherever the server runs. */
export const LISTING_ZONE = 'Europe/Brussels';

/** How many applied activity ids a listing remembers, to ignore a redelivered activity. */
export const MAX_REMEMBERED_OPERATIONS = 500;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD');
const isoInstant = z.iso.datetime({ offset: true });

export const workerEntrySchema = z.object({
  /** Stable id of the entry (not personal data): used to correct or remove it. */
  entryId: z.string().min(1).max(64),
  workerId: workerIdSchema,
  surname: personNameSchema,
  firstName: personNameSchema,
  addedAt: isoInstant,
});
export type WorkerEntry = z.infer<typeof workerEntrySchema>;

export const listingSchema = z.object({
  schemaVersion: z.literal(LISTING_SCHEMA_VERSION),
  /** Opaque tenant key (Teams tenant id, or channel + user elsewhere): never shown, never in a blob name. */
  tenantKey: z.string().min(1).max(512),
  declarationNumber: declarationNumberSchema,
  /** The day the listing is for, in Europe/Brussels. */
  date: isoDate,
  referenceNumber: referenceNumberSchema,
  /** The cause the user reported (procedure table cause id), if known. */
  cause: z.string().max(32).optional(),
  /** When the problem was reported to the contact centre (time of the report). */
  reportedAt: isoInstant,
  createdAt: isoInstant,
  updatedAt: isoInstant,
  workers: z.array(workerEntrySchema).max(2000),
  /** Ids of the operations (activity ids) already applied, newest last, bounded. */
  appliedOperations: z.array(z.string().min(1).max(256)).max(MAX_REMEMBERED_OPERATIONS),
});
export type Listing = z.infer<typeof listingSchema>;

/** Which listing: the key the store addresses it by. */
export interface ListingKey {
  readonly tenantKey: string;
  readonly declarationNumber: string;
  readonly date: string;
}

export type { WorkerId };
