import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CATALOGS } from '../../src/i18n/index.js';
import { connectStores, type Stores } from '../../src/storage/connect.js';
import { uniqueContainerName } from '../helpers/azurite.js';
import { type FakeChannel, startFakeChannel } from '../helpers/fakeChannel.js';
import { type Cluster, planConversations, runConversation, type ScalePlan, startCluster, tenantKeyOfPlan } from '../helpers/scaleOut.js';

/**
 * Scale-out, proven with real processes: three instances of the bot (the real entry point, each
 * its own process and port) share one Azurite and the same secrets, behind a round-robin load
 * balancer that never gives a conversation's turn to the instance that took its previous turn.
 * 100 conversations run at once — the procedure to a contact-centre verdict, then the paper
 * listing, ten colleagues of each of ten companies adding workers to their company's one
 * listing — while one instance is killed with SIGKILL halfway and started again on its port.
 *
 * Nothing here is timed: the checks are on outcomes (what every client got, what storage holds,
 * where each turn went, how many reminders were sent).
 */
const INSTANCES = 3;
const CONVERSATIONS = 100;
const TENANTS = 10;
const WORKERS_PER_CONVERSATION = 3;
/** The instance that gets killed. */
const VICTIM = 1;
/** Saturday 28 November 2026, 10:00 in Brussels: the contact centre is closed until Monday 07:00. */
const SATURDAY = '2026-11-28T09:00:00Z';
const LISTING_DATE = '2026-11-28';
/** Monday 30 November 2026, 07:00:30 in Brussels: open. */
const MONDAY_OPENING = '2026-11-30T06:00:30Z';
/** How often every instance looks for due reminders here (REMINDER_CHECK_SECONDS). */
const REMINDER_CHECK_SECONDS = 1;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
}

describe(`${INSTANCES} bot processes behind a round-robin load balancer, one of them killed halfway`, () => {
  const runId = randomUUID().replace(/-/g, '');
  const containers = { data: uniqueContainerName('scale-data'), state: uniqueContainerName('scale-state') };
  const secrets = { DOWNLOAD_LINK_SECRET: randomUUID().replace(/-/g, '').repeat(2), BLOB_NAME_KEY: `scale-${runId}` };
  let clockDir: string;
  let clockFile: string;
  let cluster: Cluster | undefined;
  let channel: FakeChannel;
  let stores: Stores;

  /** Moves "now" for every instance at once (src/fileClock.ts): written whole, then renamed. */
  const setNow = async (iso: string) => {
    const next = `${clockFile}.next`;
    await writeFile(next, iso);
    await rename(next, clockFile);
  };

  beforeAll(async () => {
    clockDir = await mkdtemp(path.join(os.tmpdir(), 'scale-clock-'));
    clockFile = path.join(clockDir, 'now');
    await setNow(SATURDAY);
    const env = {
      AZURE_STORAGE_CONNECTION_STRING: inject('azuriteConnectionString'),
      STORAGE_DATA_CONTAINER: containers.data,
      STORAGE_STATE_CONTAINER: containers.state,
      ...secrets,
      // Production settings for several instances (README, "Scale-out").
      STATE_OUTAGE_BRIDGE: 'off',
      TEST_CLOCK_FILE: clockFile,
      REMINDER_CHECK_SECONDS: String(REMINDER_CHECK_SECONDS),
      LOG_LEVEL: 'info',
    };
    cluster = await startCluster({ instances: INSTANCES, env });
    const proxyUrl = cluster.proxy.url;
    channel = await startFakeChannel(() => `${proxyUrl}/api/messages`);
    // The test reads back through the real stores, with the instances' settings.
    const config = loadConfig({ STORAGE_DATA_CONTAINER: containers.data, STORAGE_STATE_CONTAINER: containers.state, ...secrets });
    stores = await connectStores(inject('azuriteConnectionString'), config.storage, () => new Date(SATURDAY));
  }, 180_000);

  afterAll(async () => {
    await channel?.close();
    await cluster?.stop();
    await stores?.close();
    if (clockDir) await rm(clockDir, { recursive: true, force: true });
  });

  it('completes every conversation, stores every worker once, and serves links and reminders from any instance', { timeout: 600_000 }, async () => {
    if (!cluster) throw new Error('no cluster');
    const live = cluster;
    const { log } = live.proxy;
    const plans = planConversations({ conversations: CONVERSATIONS, tenants: TENANTS, workersPerConversation: WORKERS_PER_CONVERSATION, pdfEvery: 10, runId });
    const turnsPerPlan = (plan: ScalePlan) => 9 + 3 * plan.workers.length + (plan.asksPdf ? 1 : 0) + 1;
    const totalTurns = plans.reduce((sum, plan) => sum + turnsPerPlan(plan), 0);

    // Halfway through the turns, SIGKILL one instance — turns are in flight there — and start it
    // again on the same port. The load balancer answers 502 for the turns it loses; the channel
    // delivers them again (same activity id), to another instance.
    let killedAfter = 0;
    const killAndRestart = (async () => {
      while (log.filter((entry) => !entry.failed).length < totalTurns / 2) await new Promise((resolve) => setTimeout(resolve, 20));
      killedAfter = log.length;
      await live.kill(VICTIM);
      await live.restart(VICTIM);
    })();

    // Meanwhile, in another conversation, someone asks to be reminded when the centre opens.
    const reminderConversation = { id: `scale-remind-${runId}`, tenantId: `tenant-${runId}-remind`, isGroup: false, conversationType: 'personal', name: '' };
    const sayInReminderConversation = (text: string) =>
      channel.send({ text, channelId: 'msteams', locale: 'en-US', conversation: reminderConversation, from: { id: `user-remind-${runId}`, name: 'Foreman' } }, { redeliveries: 7 });
    const reminderSet = (async () => {
      const closed = await sayInReminderConversation('is the contact centre open now?');
      // Closed on Saturday: the answer offers the reminder (in Teams, as a card button).
      expect(JSON.stringify(closed.replies)).toContain(CATALOGS.en.actions.remindMe);
      const set = await sayInReminderConversation('remind me when it opens');
      expect(set.replies.map((r) => r.text ?? '').join('\n')).toContain('Monday 30 November at 07:00');
      return set.id;
    })();
    // Awaited below, after the conversations; a failure must not go unhandled meanwhile.
    reminderSet.catch(() => undefined);

    const started = performance.now();
    const outcomes = await Promise.allSettled(plans.map((plan) => runConversation(channel, plan)));
    const conversationsMs = performance.now() - started;
    await killAndRestart;
    const reminderActivityId = await reminderSet;

    // Every conversation completed, each answer the expected one.
    // (A failure names the conversation's route: the instance of each turn, × for a lost one.)
    const routeOf = (plan: ScalePlan | undefined) =>
      log.filter((entry) => entry.conversationId === plan?.conversationId).map((entry) => `${entry.instance}${entry.failed ? '×' : ''}`).join(' ');
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${String(o.reason)}; route: ${routeOf(plans[i])}`] : []));
    expect(failures).toEqual([]);
    const runs = outcomes.flatMap((o, i) => (o.status === 'fulfilled' && plans[i] ? [{ ...o.value, plan: plans[i] }] : []));
    expect(runs.reduce((sum, run) => sum + run.turns, 0)).toBe(totalTurns);

    // Every turn went to a different instance than the previous turn of its conversation
    // (the proxy's own log; a failed delivery counts as a turn that went somewhere).
    const byConversation = groupBy(log, (entry) => entry.conversationId);
    const repeats = [...byConversation.values()].flatMap((entries) => entries.slice(1).filter((entry, i) => entry.instance === entries[i]?.instance));
    expect(repeats).toEqual([]);
    expect(new Set(log.map((entry) => entry.instance))).toEqual(new Set([0, 1, 2]));

    // The kill lost turns in flight at that instance, and only there; each was delivered again
    // and answered by another instance.
    const failed = log.filter((entry) => entry.failed);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((entry) => entry.instance))).toEqual(new Set([VICTIM]));
    for (const lost of failed) {
      expect(log.some((entry) => entry.activityId === lost.activityId && !entry.failed && entry.status === 200 && entry.instance !== VICTIM)).toBe(true);
    }
    // The restarted instance took turns again.
    expect(log.slice(killedAfter).some((entry) => entry.instance === VICTIM && !entry.failed)).toBe(true);

    // Every worker is stored exactly once, with the names typed, on its company's one listing —
    // read back from blob storage through the real ListingStore.
    for (const [tenantId, tenantPlans] of groupBy(plans, (plan) => plan.tenantId)) {
      const first = tenantPlans[0];
      if (!first) continue;
      const listing = await stores.listingStore.get({ tenantKey: tenantKeyOfPlan({ tenantId }), declarationNumber: first.declaration, date: LISTING_DATE });
      const stored = (listing?.workers ?? []).map((w) => `${w.workerId.digits} ${w.surname} ${w.firstName}`).sort();
      const entered = tenantPlans.flatMap((plan) => plan.workers.map((w) => `${w.niss} ${w.surname} ${w.firstName}`)).sort();
      expect(stored).toEqual(entered);
    }

    // A download link given by one instance works on another (asked directly, not through the
    // load balancer): same link secret, listing read from shared storage.
    const links = runs.flatMap(({ pdf, plan }) => (pdf ? [{ ...pdf, plan }] : []));
    expect(links).toHaveLength(CONVERSATIONS / 10);
    for (const link of links) {
      const madeBy = log.find((entry) => entry.activityId === link.activityId && entry.status === 200)?.instance;
      expect(madeBy).toBeDefined();
      const other = (Number(madeBy) + 1) % INSTANCES;
      const response = await fetch(`http://127.0.0.1:${live.ports[other]}${link.path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const { text } = await extractText(new Uint8Array(await response.arrayBuffer()), { mergePages: true });
      for (const worker of link.plan.workers) expect(text).toContain(worker.surname);
    }

    // The reminder, set through one instance on Saturday, is sent once on Monday at 07:00 by
    // whichever of the three claims it first — all three look for it every second.
    expect(log.find((entry) => entry.activityId === reminderActivityId && entry.status === 200)).toBeDefined();
    const reminderMessages = () =>
      channel.received.filter((a) => a.conversation?.id === reminderConversation.id && (a.text ?? '').includes(CATALOGS.en.reminder.message));
    expect(reminderMessages()).toHaveLength(0);
    await setNow(MONDAY_OPENING);
    await expect.poll(() => reminderMessages().length, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
    // The claim deleted it; several more passes of every instance change nothing.
    expect(await stores.reminderStore.get({ channelId: 'msteams', conversation: { id: reminderConversation.id } })).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 4 * REMINDER_CHECK_SECONDS * 1000));
    expect(reminderMessages()).toHaveLength(1);
    const current = live.bots.map((bot) => bot.events());
    for (const events of current) expect(events.some((e) => e.event === 'test_clock.moved' && e.now === new Date(MONDAY_OPENING).toISOString())).toBe(true);
    expect(live.events().filter((e) => e.event === 'reminder.sent')).toHaveLength(1);

    const redelivered = live.events().filter((e) => e.event === 'activity.redelivered').length;
    process.stdout.write(
      `scale-out: ${totalTurns} turns, ${failed.length} lost at the killed instance and delivered again, ` +
        `${runs.reduce((sum, run) => sum + run.redeliveries, 0)} redeliveries, ${redelivered} recognised as already processed, ` +
        `${runs.reduce((sum, run) => sum + run.resent, 0)} messages sent again after an apology; ` +
        `conversations took ${(conversationsMs / 1000).toFixed(1)} s\n`,
    );
  });
});
