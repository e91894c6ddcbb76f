/**
 * Reads a multipart/form-data body (RFC 7578) already in memory — what DirectLineJS posts to
 * Direct Line's `/upload`: an `activity` part (JSON) and one `file` part per attachment. The body
 * was size-limited by the server's body reader before it gets here. Hand-written because the
 * server takes JSON only (restify's multipart parser writes uploads to disk, outside any limit)
 * and this is the only route that needs it: ~40 lines, bounded in parts.
 */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

const MAX_PARTS = 10;

/** The boundary of a `multipart/form-data; boundary=…` content type; undefined otherwise. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** The parts, or undefined when the body is not well-formed. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) return undefined;
  while (parts.length <= MAX_PARTS) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return parts;
    if (body.subarray(start, start + 2).toString() !== '\r\n') return undefined;
    start += 2;
    const end = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (end < 0) return undefined;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0 || headerEnd > end) return undefined;
    const headers = body.subarray(start, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type.slice(type.indexOf(':') + 1).trim() } : {}),
      data: body.subarray(headerEnd + 4, end),
    });
    start = end + 2;
  }
  return undefined;
}
