import { createHash } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';

/**
 * Blob names are at most 1,024 characters, and both state clients (ours and BlobsStorage) cut a
 * longer URI-encoded key there: two long conversation ids sharing their first few hundred
 * characters would then share one state blob — one conversation reading and overwriting the
 * other's. Keys that would not fit are replaced by a readable prefix and the SHA-256 of the whole
 * key, which fits and cannot collide. Short keys (all real channels' so far) are unchanged, so
 * state written before stays where it is.
 */
const MAX_ENCODED_CHARS = 1024;
const PREFIX_ENCODED_CHARS = 512;

export function boundedStateKey(key: string): string {
  if (encodeURIComponent(key).length <= MAX_ENCODED_CHARS) return key;
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  let prefix = key.slice(0, PREFIX_ENCODED_CHARS);
  while (encodeURIComponent(prefix).length > PREFIX_ENCODED_CHARS) prefix = prefix.slice(0, -16);
  return `${prefix}~sha256~${digest}`;
}

/** A Storage whose keys are bounded (boundedStateKey); callers see their own keys. */
export class BoundedKeyStorage implements Storage {
  constructor(readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    const bounded = new Map(keys.map((key) => [boundedStateKey(key), key]));
    const items = await this.inner.read([...bounded.keys()]);
    const result: StoreItems = {};
    for (const [stored, item] of Object.entries(items)) {
      const original = bounded.get(stored);
      if (original !== undefined) result[original] = item;
    }
    return result;
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(Object.fromEntries(Object.entries(changes).map(([key, item]) => [boundedStateKey(key), item])));
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys.map(boundedStateKey));
  }
}
