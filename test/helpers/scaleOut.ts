import type { Activity } from 'botbuilder';
import { CATALOGS } from '../../src/i18n/index.js';
import { findFreePort } from '../../src/storage/azurite.js';
import { buildNationalNumber } from '../identity/nationalNumberBuilder.js';
import { type BotProcess, type LogEvent, startBotProcess, TSX_ENTRY_POINT } from './botProcess.js';
import type { FakeChannel } from './fakeChannel.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './roundRobinProxy.js';

/**
 * Several real bot processes sharing one blob storage account, behind the round-robin proxy,
 * and the conversation every scale-out client has: the procedure to a contact-centre verdict,
 * then a paper listing with several workers. Shared by test/scale/scaleOut.test.ts and
 * bench/scale.ts. No vitest import (the benchmark uses it).
 */
export interface Cluster {
  readonly proxy: RoundRobinProxy;
  readonly ports: readonly number[];
  /** The process currently serving each port (a restart replaces it). */
  readonly bots: readonly BotProcess[];
  /** SIGKILL instance `i`. */
  kill(i: number): Promise<void>;
  /** Starts instance `i` again on the same port, with the same settings; resolves once it is healthy. */
  restart(i: number): Promise<void>;
  /** The log events of every process started, killed ones included, with the instance index. */
  events(): (LogEvent & { instance: number })[];
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly instances: number;
  /** Settings every instance gets (storage, secrets…); PORT, HOST and PUBLIC_BASE_URL are set here. */
  readonly env: Record<string, string>;
  readonly command?: readonly string[];
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const ports: number[] = [];
  for (let i = 0; i < options.instances; i += 1) ports.push(await findFreePort());
  const proxy = await startRoundRobinProxy(ports);
  // Links the bot gives point at the proxy: where people's browsers would reach "the bot".
  const env = { ...options.env, PUBLIC_BASE_URL: proxy.url };
  const start = (i: number) => startBotProcess({ port: ports[i] ?? 0, env, command: options.command ?? TSX_ENTRY_POINT });
  const started: { instance: number; bot: BotProcess }[] = [];
  const bots: BotProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map(({ bot }) => bot.kill()));
    await proxy.close();
  };
  try {
    await Promise.all(
      ports.map(async (_, i) => {
        const bot = await start(i);
        bots[i] = bot;
        started.push({ instance: i, bot });
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    proxy,
    ports,
    bots,
    kill: async (i) => bots[i]?.kill(),
    restart: async (i) => {
      const bot = await start(i);
      bots[i] = bot;
      started.push({ instance: i, bot });
    },
    events: () => started.flatMap(({ instance, bot }) => bot.events().map((event) => ({ ...event, instance }))),
    stop,
  };
}

/** One client conversation of the scale-out run: a Teams user of one tenant. */
export interface ScalePlan {
  readonly index: number;
  readonly tenantId: string;
  readonly conversationId: string;
  /** Colleagues of a tenant all add their workers to one listing (this declaration, today). */
  readonly declaration: string;
  readonly workers: readonly { readonly niss: string; readonly surname: string; readonly firstName: string }[];
  /** Asks for the PDF before "done". */
  readonly asksPdf: boolean;
}

export interface ScalePlanOptions {
  readonly conversations: number;
  readonly tenants: number;
  readonly workersPerConversation: number;
  /** Every n-th conversation asks for the PDF (0: none). */
  readonly pdfEvery: number;
  /** Makes ids unique to this run. */
  readonly runId: string;
}

const FIRST_NAMES = ['Sara', 'Jan', 'Lea', 'Ahmed', 'Marie', 'Luca', 'Nora', 'Tom'];

/** "Aa", "Ab", … "Zz": distinct, letters only (names are checked as names). */
function lettersOf(n: number): string {
  return `${String.fromCharCode(65 + Math.floor(n / 26) % 26)}${String.fromCharCode(97 + (n % 26))}`;
}

export function planConversations(options: ScalePlanOptions): ScalePlan[] {
  return Array.from({ length: options.conversations }, (_, index) => {
    const tenant = index % options.tenants;
    // Synthetic NISS: born on 1 January 1980 + tenant, a counter per worker of that tenant.
    const birth = `80${String(1 + Math.floor(tenant / 28)).padStart(2, '0')}${String(1 + (tenant % 28)).padStart(2, '0')}`;
    const workers = Array.from({ length: options.workersPerConversation }, (_, w) => {
      const n = Math.floor(index / options.tenants) * options.workersPerConversation + w;
      return { niss: buildNationalNumber(birth, n + 1, 1900), surname: `${lettersOf(index)}${lettersOf(w).toLowerCase()}`, firstName: FIRST_NAMES[n % FIRST_NAMES.length] ?? 'Sara' };
    });
    return {
      index,
      tenantId: `tenant-${options.runId}-${tenant}`,
      conversationId: `scale-${options.runId}-${index}`,
      declaration: `SCALE${options.runId.slice(0, 6).toUpperCase()}${tenant}`,
      workers,
      asksPdf: options.pdfEvery > 0 && index % options.pdfEvery === 0,
    };
  });
}

/** The tenant key listings are stored under (dialogs/tenant.ts): the Teams organisation. */
export const tenantKeyOfPlan = (plan: Pick<ScalePlan, 'tenantId'>) => `msteams:tenant:${plan.tenantId}`;

export interface ConversationRun {
  readonly turns: number;
  /** Deliveries beyond the first, over all turns (the channel redelivered after a failure). */
  readonly redeliveries: number;
  /** Messages the user sent again after the bot's apology (not counted in `turns`). */
  readonly resent: number;
  /** The download link given in this conversation (its path) and the activity that asked for it. */
  readonly pdf?: { readonly path: string; readonly activityId: string };
}

export class ConversationFailed extends Error {}

/** The fixed words a message template starts with, before its first placeholder. */
const lead = (template: string) => template.split('{')[0] ?? template;

/** How often a turn is delivered again after a failure; the pause doubles from 200 ms (~25 s in all). */
export const CHANNEL_REDELIVERIES = 7;
/** How often a person sends a message again after the bot's apology before giving up. */
const MAX_RESENDS = 3;

/**
 * Runs one plan to the end through `channel` (whose bot endpoint is the proxy), checking each
 * answer; throws ConversationFailed naming the step when an answer is not the expected one.
 */
export async function runConversation(channel: FakeChannel, plan: ScalePlan): Promise<ConversationRun> {
  const { node, outcome } = CATALOGS.en.procedure;
  const listing = CATALOGS.en.listing;
  const conversation = { id: plan.conversationId, tenantId: plan.tenantId, isGroup: false, conversationType: 'personal', name: '' };
  let turns = 0;
  let redeliveries = 0;
  let resent = 0;
  const apology = CATALOGS.en.error.turn;
  const say = async (text: string, expected: string): Promise<{ text: string; id: string }> => {
    const deliver = () =>
      channel.send(
        { text, channelId: 'msteams', locale: 'en-US', conversation, channelData: { tenant: { id: plan.tenantId } }, from: { id: `user-${plan.conversationId}`, name: 'Foreman' } },
        { redeliveries: CHANNEL_REDELIVERIES },
      );
    let sent = await deliver();
    turns += 1;
    redeliveries += sent.deliveries - 1;
    // The bot apologised (a turn that could not reach storage, say) and asked to send the message
    // again: a person does, as a new message.
    for (let again = 0; again < MAX_RESENDS && sent.replies.some((r: Activity) => r.text === apology); again += 1) {
      resent += 1;
      sent = await deliver();
      redeliveries += sent.deliveries - 1;
    }
    const answer = sent.replies.map((r: Activity) => r.text ?? '').join('\n');
    if (sent.status !== 200 || !answer.includes(expected)) {
      throw new ConversationFailed(`conversation ${plan.index}, turn ${turns} ("${text}"): HTTP ${sent.status} after ${sent.deliveries} deliveries, expected "${expected}", got "${answer.slice(0, 300)}"`);
    }
    return { text: answer, id: sent.id };
  };

  // The procedure, typed as people do on a phone: the option numbers. Service provider → no
  // solution → no other channel → no infrastructure exemption: report it to the contact centre.
  await say('am I exempt today?', node.cause.question);
  await say('1', node.providerContacted.question);
  await say('2', node.providerOtherChannel.question);
  await say('2', node.infrastructure.question);
  await say('2', outcome.contactCentre.title);

  await say('I have a reference number', lead(listing.askReference));
  await say(`REF-${plan.index}`, lead(listing.askDeclaration));
  await say(plan.declaration, lead(listing.askDate));
  await say('today', lead(listing.opened));
  for (const worker of plan.workers) {
    await say(worker.niss, lead(listing.askSurname));
    await say(worker.surname, `${lead(listing.askFirstName)}${worker.surname}`);
    await say(worker.firstName, lead(listing.added));
  }
  let pdf: ConversationRun['pdf'];
  if (plan.asksPdf) {
    const answer = await say('pdf', lead(listing.pdfLink));
    const path = /\((https?:\/\/[^)\s]+)\)/.exec(answer.text)?.[1];
    if (!path) throw new ConversationFailed(`conversation ${plan.index}: no download link in the answer`);
    pdf = { path: new URL(path).pathname, activityId: answer.id };
  }
  await say('done', lead(listing.finished));
  return { turns, redeliveries, resent, ...(pdf ? { pdf } : {}) };
}
