import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';

/**
 * `node dist/src/healthcheck.js`: the container's HEALTHCHECK (see Dockerfile). It asks this
 * instance's `GET /healthz` with Node's own fetch — the slim runtime image has no curl or wget,
 * and adding them would only be surface — and exits 0 on a 200 within the timeout, 1 otherwise.
 * It reads HOST and PORT the way the server does (config.ts, the same `.env`), so the probe
 * follows the server wherever it is told to listen.
 */

const TIMEOUT_MS = 3_000;

/** The address to probe: a server listening on every interface answers on loopback. */
export function healthUrl(host: string, port: number): string {
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${target.includes(':') ? `[${target}]` : target}:${port}/healthz`;
}

/** True when the URL answers 200 within the timeout; false on any error, status or timeout. */
export async function isHealthy(url: string, timeoutMs = TIMEOUT_MS): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const url = healthUrl(config.host, config.port);
  const healthy = await isHealthy(url);
  if (!healthy) process.stderr.write(`unhealthy: ${url} did not answer 200 within ${TIMEOUT_MS} ms\n`);
  process.exit(healthy ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`health check failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
