import type restify from 'restify';
import type { AccessConfig } from '../config.js';
import { hostNameOf, isLoopbackHost } from './loopback.js';
import { notesOf } from './requestLog.js';

/**
 * Unauthenticated mode only (AccessConfig): a request must be addressed to a loopback host name
 * or one the configuration names (PUBLIC_BASE_URL's). A web page whose own name an attacker
 * points at 127.0.0.1 (DNS rebinding) sends its own name in Host, and gets 421 — it cannot use
 * the visitor's browser to talk to the unauthenticated bot on their machine.
 */
export function isAllowedHost(header: string | undefined, access: AccessConfig): boolean {
  if (!access.isUnauthenticated || access.allowedHosts === 'any') return true;
  const name = hostNameOf(header);
  return name !== undefined && (isLoopbackHost(name) || access.allowedHosts.includes(name));
}

export function hostCheck(access: AccessConfig): restify.RequestHandler {
  return (req, res, next) => {
    if (isAllowedHost(req.headers.host, access)) return next();
    notesOf(req).outcome = 'host_not_allowed';
    res.setHeader('connection', 'close');
    res.send(421, { error: 'This server answers only for its own address.' });
    return next(false);
  };
}
