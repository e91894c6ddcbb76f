import type restify from 'restify';
import { notesOf } from './requestLog.js';

/**
 * The one JSON body parser of every route (/api/messages, the local Direct Line path, the token
 * endpoint), in place of restify's jsonBodyParser: the same JSON, but nested at most
 * MAX_JSON_DEPTH levels. No activity comes near that; a body nested 20,000 levels deep parses
 * fine but then overflows the stack of whatever walks it recursively (a serializer, a schema
 * check, restify's own error formatter), and a stored one broke its conversation for good.
 */
export const MAX_JSON_DEPTH = 32;

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/** True when the JSON text opens more than `max` arrays/objects inside one another. Linear, no recursion. */
export function isNestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; error: 'invalid' | 'tooDeep' };

/** Parses a JSON body with the depth limit; never throws. */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonBodyResult {
  if (isNestedDeeperThan(text, maxDepth)) return { ok: false, error: 'tooDeep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: 'invalid' };
  }
}

/**
 * After restify's bodyReader (which enforces the size limit): a JSON body becomes `req.body`;
 * invalid or too deeply nested JSON gets 400 with a general message, never the body quoted.
 * Other content types keep the raw body (each route decides: /api/messages answers 415).
 */
export function jsonBodyParser(): restify.RequestHandler {
  return (req, res, next) => {
    const raw: unknown = req.body;
    if (raw === undefined || raw === null || !JSON_CONTENT_TYPE.test(req.getContentType())) return next();
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    if (text.length === 0) {
      req.body = undefined;
      return next();
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      notesOf(req).outcome = parsed.error === 'tooDeep' ? 'json_too_deep' : 'invalid_json';
      const message = parsed.error === 'tooDeep' ? `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.` : 'The body is not valid JSON.';
      res.send(400, { code: 'InvalidContent', message });
      return next(false);
    }
    req.body = parsed.value;
    return next();
  };
}
