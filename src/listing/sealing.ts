import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of short payloads into URL-safe tokens: opaque, tamper-proof, and bound
 * to a context (`binding`, authenticated but not stored) so a token made for one purpose or one
 * conversation does not open in another. Used by download links and by the worker being entered
 * (pendingWorker.ts). Token: base64url(iv ‖ tag ‖ ciphertext).
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealer {
  seal(plain: string, binding?: string): string;
  /** The plain text, or undefined for a token that is forged, damaged, or bound to something else. */
  open(token: string, binding?: string): string | undefined;
}

export function createSealer(secret: Buffer, maxTokenChars: number): Sealer {
  if (secret.length !== 32) throw new RangeError('The sealing secret must be 32 bytes');
  return {
    seal(plain, binding = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      if (binding) cipher.setAAD(Buffer.from(binding, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(token, binding = '') {
      if (token.length > maxTokenChars || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, IV_BYTES));
        if (binding) decipher.setAAD(Buffer.from(binding, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // Wrong key, tampered bytes or another binding: all mean "not a token of ours".
        return undefined;
      }
    },
  };
}

/** A key for one purpose, derived from a configured secret (HKDF-SHA256). */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'checkinatwork', purpose, 32));
}
