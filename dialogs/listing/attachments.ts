import type { Activity, Attachment } from 'botbuilder';
import { kindOfFile, MAX_CREW_FILE_BYTES, readCrewFile } from '../../src/listing/crewFile.js';
import type { CrewFileRead } from '../listingDialog.js';

/**
 * Gets the spreadsheet a user attached, from where the channel put it — and from nowhere else:
 *
 * - Teams (personal chat): a `application/vnd.microsoft.teams.file.download.info` attachment whose
 *   `downloadUrl` is a pre-authenticated link on the tenant's SharePoint/OneDrive (https only).
 * - Web Chat on this server's local Direct Line: the upload inline, as a `data:` URL.
 * - Web Chat on Azure Direct Line: `contentUrl` on the Direct Line service (https only).
 *
 * An attachment is sender-controlled: fetching any URL in it would let anyone make the bot
 * request internal addresses (SSRF). So only https to those services' hosts is fetched, without
 * credentials, without following redirects elsewhere, bounded in time and size. Loopback http is
 * accepted only when authentication is off, i.e. in the local-only mode where the sender is the
 * machine itself (tests, a developer's Emulator).
 */

const TEAMS_FILE = 'application/vnd.microsoft.teams.file.download.info';
const ALLOWED_HOSTS = [/(^|\.)sharepoint\.com$/i, /(^|\.)sharepoint\.us$/i, /(^|\.)sharepoint\.de$/i, /(^|\.)sharepoint\.cn$/i, /(^|\.)botframework\.com$/i];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DOWNLOAD_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 2;

export interface AttachmentPolicy {
  /** Whether requests are authenticated (MicrosoftAppId set): then loopback http is never fetched. */
  readonly isAuthenticated: boolean;
  readonly fetch?: typeof fetch;
}

export function isAllowedDownload(url: URL, policy: AttachmentPolicy): boolean {
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:' && ALLOWED_HOSTS.some((host) => host.test(url.hostname))) return true;
  return !policy.isAuthenticated && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

/** The first spreadsheet-like attachment of the activity, read; undefined when it has none. */
export async function readAttachedCrew(activity: Partial<Activity>, policy: AttachmentPolicy): Promise<CrewFileRead | undefined> {
  const attachment = (activity.attachments ?? []).find((a) => a.contentType === TEAMS_FILE || typeof a.contentUrl === 'string');
  if (!attachment) return undefined;
  const source = sourceOf(attachment);
  if (!source || kindOfFile(source.name, source.contentType) === undefined) return { ok: false, error: 'notSpreadsheet' };
  let bytes: Buffer | 'tooBig' | undefined;
  if (source.url.startsWith('data:')) bytes = decodeDataUrl(source.url);
  else {
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      return { ok: false, error: 'notAllowed' };
    }
    if (!isAllowedDownload(url, policy)) return { ok: false, error: 'notAllowed' };
    bytes = await download(url, policy);
  }
  if (bytes === 'tooBig') return { ok: false, error: 'tooBig', max: MAX_CREW_FILE_BYTES / 1024 };
  if (bytes === undefined) return { ok: false, error: 'failed' };
  return readCrewFile(bytes, source.name, source.contentType);
}

function sourceOf(attachment: Attachment): { url: string; name?: string; contentType?: string } | undefined {
  if (attachment.contentType === TEAMS_FILE) {
    const content = attachment.content as { downloadUrl?: unknown; fileType?: unknown } | undefined;
    if (typeof content?.downloadUrl !== 'string') return undefined;
    const fileType = typeof content.fileType === 'string' ? content.fileType : undefined;
    return { url: content.downloadUrl, name: attachment.name ?? (fileType ? `file.${fileType}` : undefined) };
  }
  if (typeof attachment.contentUrl !== 'string') return undefined;
  return { url: attachment.contentUrl, ...(attachment.name ? { name: attachment.name } : {}), contentType: attachment.contentType };
}

function decodeDataUrl(url: string): Buffer | 'tooBig' | undefined {
  const match = /^data:[^,;]*(;base64)?,/.exec(url.slice(0, 256));
  if (!match) return undefined;
  const payload = url.slice(match[0].length);
  // base64 grows by 4/3: refuse before decoding anything much bigger than allowed.
  if (payload.length > (MAX_CREW_FILE_BYTES * 4) / 3 + 4) return 'tooBig';
  return match[1] ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
}

async function download(start: URL, policy: AttachmentPolicy): Promise<Buffer | 'tooBig' | undefined> {
  const get = policy.fetch ?? fetch;
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    let response: Response;
    try {
      response = await get(url, { redirect: 'manual', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { accept: '*/*' } });
    } catch {
      return undefined;
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) return undefined;
      const next = new URL(location, url);
      // A redirect is followed only to a host that would have been allowed in the first place.
      if (!isAllowedDownload(next, policy)) return undefined;
      url = next;
      continue;
    }
    if (!response.ok || !response.body) return undefined;
    if (Number(response.headers.get('content-length') ?? 0) > MAX_CREW_FILE_BYTES) {
      await response.body.cancel();
      return 'tooBig';
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > MAX_CREW_FILE_BYTES) return 'tooBig';
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  return undefined;
}
