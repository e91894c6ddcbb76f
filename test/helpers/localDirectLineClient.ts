import { expect } from 'vitest';

/** A Direct Line activity as the local path returns it. */
export interface DlActivity {
  readonly id: string;
  readonly type: string;
  readonly text?: string;
  readonly locale?: string;
  readonly timestamp: string;
  readonly channelId: string;
  readonly serviceUrl?: string;
  readonly replyToId?: string;
  readonly from: { readonly id: string; readonly role?: string };
  readonly conversation: { readonly id: string };
  readonly channelData?: Record<string, unknown>;
  readonly suggestedActions?: { readonly actions: readonly { readonly title: string }[] };
}

export interface Started {
  readonly conversationId: string;
  readonly token: string;
  readonly expires_in: number;
}

/** A client of the local Direct Line path, as DirectLineJS uses it (polling). `headers` go with every request. */
export function directLine(baseUrl: string, headers: Record<string, string> = {}) {
  const base = `${baseUrl}/v3/directline`;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    base,
    async start(body: unknown = {}): Promise<{ status: number; started: Started }> {
      const response = await fetch(`${base}/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, started: (await response.json()) as Started };
    },
    async post(conversationId: string, token: string, activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
      const response = await fetch(`${base}/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers, ...auth(token) },
        body: JSON.stringify(activity),
      });
      return { status: response.status, body: await response.json() };
    },
    async get(conversationId: string, token: string, watermark = ''): Promise<{ status: number; activities: DlActivity[]; watermark: string }> {
      const response = await fetch(`${base}/conversations/${conversationId}/activities?watermark=${watermark}`, { headers: { ...headers, ...auth(token) } });
      const body = (await response.json()) as { activities?: DlActivity[]; watermark?: string };
      return { status: response.status, activities: body.activities ?? [], watermark: body.watermark ?? '' };
    },
    /** Polls like DirectLineJS until `done` holds for the activities so far (bounded). */
    async pollUntil(conversationId: string, token: string, done: (all: DlActivity[]) => boolean): Promise<DlActivity[]> {
      const all: DlActivity[] = [];
      let watermark = '';
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const page = await this.get(conversationId, token, watermark);
        expect(page.status).toBe(200);
        all.push(...page.activities);
        watermark = page.watermark;
        if (done(all)) return all;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`gave up polling; got: ${all.map((a) => a.type).join(', ')}`);
    },
    refresh: (token: string) => fetch(`${base}/tokens/refresh`, { method: 'POST', headers: { ...headers, ...auth(token) } }),
  };
}
