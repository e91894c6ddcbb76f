import { IANAZone } from 'luxon';
import { z } from 'zod';
import { getCentreStatus, type OpeningSchedule, parseWeeklyHours } from './contactCentre/index.js';
import { LOCALES, type Locale } from './i18n/index.js';
import { isLoopbackHost, isLoopbackUrl } from './http/loopback.js';
import { parseOrigins } from './webchat/origins.js';

/**
 * The only reader of process.env. Every setting is validated here so that a bad value stops
 * start-up with a message naming the variable, instead of surfacing mid-conversation.
 *
 * Contact-centre facts that no source confirms (opening hours, the contact form's address, the
 * voice-menu keys of languages other than French) are settings, never code: an operator must
 * confirm them (README, "Configuration").
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly defaultLocale: Locale;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  readonly bot: {
    readonly appId: string | undefined;
    readonly appPassword: string | undefined;
    /**
     * How the bot proves its identity to the channels (Azure Bot "Type of App"). New Azure Bots
     * are SingleTenant (app registration + secret in one tenant) or UserAssignedMSI (a
     * user-assigned managed identity: no secret at all); MultiTenant bots can no longer be
     * created since 31 July 2025 and are accepted for existing registrations only.
     */
    readonly appType: BotAppType;
    readonly appTenantId: string | undefined;
    /**
     * Where the bot reads the OpenID configuration (and through it the signing keys) that
     * channel tokens are checked against. Undefined: the Bot Framework's public one. Set it for
     * a private cloud, or to a local stand-in in tests (there is no internet there).
     */
    readonly openIdMetadataUrl: string | undefined;
  };
  readonly contactCentre: ContactCentreConfig;
  readonly storage: StorageConfig;
  readonly webChat: WebChatConfig;
  readonly teams: TeamsConfig;
  readonly telemetry: { readonly connectionString: string | undefined };
  readonly access: AccessConfig;
  readonly reminders: ReminderConfig;
  /**
   * Test only: a file holding "now" (one ISO-8601 instant), read by every process started with
   * it, so a test can move the time of several real bot processes at once (src/fileClock.ts).
   * Refused when NODE_ENV is production or MicrosoftAppId is set.
   */
  readonly testClockFile: string | undefined;
  readonly journal: JournalConfig;
  /** Without authentication: how long one reply may take to reach the channel (replyDeadline.ts). */
  readonly replyTimeoutMs: number;
}

export interface JournalConfig {
  /**
   * Folder of the durable local journal (src/storage/journal.ts): what users were told is kept
   * while blob storage is unreachable. On App Service, under /home (persistent, shared by the
   * instances); in a container, on a mounted volume.
   */
  readonly dir: string;
  /** Names this instance's journal file (WEBSITE_INSTANCE_ID on App Service; else the host name). */
  readonly instanceId: string | undefined;
  /** TEST ONLY, honoured only with NODE_ENV=test: kill the process during a journal write. */
  readonly fault: { readonly kind: 'kill-after-write' | 'kill-mid-write'; readonly type: string; readonly atAppend: number } | undefined;
}

/**
 * Without MicrosoftAppId nothing authenticates a request: the channel, tenant and serviceUrl of
 * an activity are whatever the sender says. That mode is local-only by construction — loopback
 * HOST, loopback Host headers, loopback serviceUrls — unless the operator opts out explicitly
 * (ALLOW_UNAUTHENTICATED_NETWORK, logged at every start).
 */
export interface AccessConfig {
  /** MicrosoftAppId is unset: local use (Emulator, the local Web Chat page, tests). */
  readonly isUnauthenticated: boolean;
  /** ALLOW_UNAUTHENTICATED_NETWORK=true: may listen beyond loopback without authentication. */
  readonly allowUnauthenticatedNetwork: boolean;
  /**
   * Host names (no port) requests may be addressed to when unauthenticated, besides loopback
   * ones: PUBLIC_BASE_URL's, and HOST's when the opt-out is on. A page on another name that
   * resolves to 127.0.0.1 (DNS rebinding) gets 421. `any` with the opt-out on a wildcard HOST.
   */
  readonly allowedHosts: readonly string[] | 'any';
}

export interface ReminderConfig {
  /** How often each instance looks for due "remind me when it opens" reminders. */
  readonly checkIntervalSeconds: number;
}

export const BOT_APP_TYPES = ['SingleTenant', 'UserAssignedMSI', 'MultiTenant'] as const;
export type BotAppType = (typeof BOT_APP_TYPES)[number];

export interface WebChatConfig {
  /**
   * Direct Line secret of the Azure Bot's Web Chat/Direct Line channel. When set, the page gets
   * short-lived tokens from the bot's token endpoint (the secret never reaches the browser) and
   * the local Direct Line path is off. When unset (and no MicrosoftAppId), the bot serves a local
   * Direct Line–compatible path so the page works with no Azure resource.
   */
  readonly directLineSecret: string | undefined;
  /** Direct Line service base URL (regional endpoints differ). */
  readonly directLineEndpoint: string;
  /**
   * WEBCHAT_USER_SECRET: key signing the Web Chat user cookie; undefined derives one from the
   * Direct Line secret (then rotating that secret gives every browser a new user id).
   */
  readonly userCookieSecret: string | undefined;
  /**
   * TRUSTED_PROXY_HOPS: proxies of our own between the internet and the bot (App Service,
   * Container Apps, Front Door: 1 each). 0: the TCP peer is the client (X-Forwarded-For ignored).
   */
  readonly trustedProxyHops: number;
  /**
   * WEBCHAT_EMBED_ORIGINS: the intranet/extranet pages allowed to embed the chat (embed.js): the
   * embedded page's frame-ancestors, and the browser origins besides the bot's own that may
   * start a conversation. Empty: nobody may frame the page.
   */
  readonly embedOrigins: readonly string[];
  /** WEBCHAT_USER_HINT_SECRET: shared with the intranet's server to sign user hints (userHint.ts). */
  readonly userHintSecret: string | undefined;
}

export interface TeamsConfig {
  /** Teams app id (manifest `id`, a GUID); defaults to the bot id. */
  readonly appId: string | undefined;
  /** Domains in the manifest's validDomains, besides the bot's own public host. */
  readonly validDomains: readonly string[];
  /** The publishing organisation, and its website, privacy and terms pages (manifest `developer`). */
  readonly developerName: string;
  readonly websiteUrl: string | undefined;
  readonly privacyUrl: string | undefined;
  readonly termsOfUseUrl: string | undefined;
}

/**
 * Where the blobs are. `connectionString`: an account key or SAS in a connection string (Azurite,
 * or an account that allows shared keys). `entraId`: the account's blob endpoint and a token
 * from Microsoft Entra ID — no key anywhere, the only way in when the account has
 * `allowSharedKeyAccess: false`. `embedded`: nothing configured, `npm start` runs Azurite.
 */
export type StorageAccess =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'entraId'; readonly accountUrl: string; readonly credential: StorageCredentialChoice }
  | { readonly kind: 'embedded' };

/**
 * Which @azure/identity credential gets the storage tokens: a managed identity (the
 * user-assigned one whose client id is given, as on App Service and Container Apps), or
 * DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI… — a
 * developer's `az login` included).
 */
export type StorageCredentialChoice =
  | { readonly kind: 'managedIdentity'; readonly clientId: string | undefined }
  | { readonly kind: 'default' };

export interface StorageConfig {
  readonly access: StorageAccess;
  /** Azure Blob Storage; undefined means "start the embedded Azurite" (local use). */
  readonly connectionString: string | undefined;
  /** Where the embedded Azurite keeps its data (git-ignored), so it survives a restart. */
  readonly embeddedDir: string;
  /** Listings and evidence records. */
  readonly dataContainer: string;
  /** Conversation and user state (BlobsStorage). */
  readonly stateContainer: string;
  /**
   * Where dialog state lives: `blob` (default; survives a restart, shared by instances) or
   * `memory` (one instance only, lost at a restart; for a single-instance trial or a benchmark).
   */
  readonly stateStorage: 'blob' | 'memory';
  /**
   * `memory` (default): while blob storage cannot be reached, dialog state is bridged in this
   * process's memory (resilientStorage.ts). `off`: a turn that cannot read or write its state
   * fails with the apology, and the user's next message continues from storage. Use `off` with
   * more than one instance: one instance's copy cannot know what the others wrote since, so a
   * conversation whose next turn lands elsewhere would meet older state (README, "Scale-out").
   */
  readonly stateOutageBridge: 'memory' | 'off';
  /** Secret HMAC key for blob names; undefined uses the public default (names still hold no personal data). */
  readonly blobNameKey: string | undefined;
  /** Listings and evidence older than this many days are deleted. */
  readonly retentionDays: number;
  /** Dialog state not written for this many days is deleted (STATE_RETENTION_DAYS, at most retentionDays). */
  readonly stateRetentionDays: number;
  /** Base URL people's browsers reach the bot at, for the PDF download links. */
  readonly publicBaseUrl: string;
  /** 32-byte key sealing download links; undefined means a random one per process. */
  readonly downloadLinkSecret: Buffer | undefined;
  readonly downloadLinkTtlMinutes: number;
}

export interface ContactCentreConfig {
  readonly phone: string;
  readonly phoneInternational: string;
  readonly schedule: OpeningSchedule;
  /** Human-readable, as configured: shown in help and README, e.g. "mon-fri 07:00-20:00". */
  readonly hoursSpec: string;
  readonly contactFormUrl: string | undefined;
  /** Voice-menu keys per language; only French (2, 5, 6) is confirmed by the official text. */
  readonly menuKeys: Readonly<Partial<Record<Locale, readonly string[]>>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A directory (tenant) id: a GUID, or a verified domain name. */
const TENANT_ID = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+)$/;

/** Azure container names: 3–63 lower-case letters, digits and single hyphens. */
const containerName = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'must be a valid blob container name (3-63 lower-case letters, digits, hyphens)');

const menuKeysSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"fr":["2","5","6"]}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.partialRecord(
      z.enum(LOCALES),
      z.array(z.string().regex(/^[0-9*#]$/, 'each key must be one of 0-9, * or #')).min(1).max(6),
      { message: `must map languages (${LOCALES.join(', ')}) to key lists` },
    ),
  );

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  // Default: 127.0.0.1 without MicrosoftAppId (local-only mode), 0.0.0.0 with it.
  HOST: optionalText,
  DEFAULT_LOCALE: z.enum(LOCALES).default('fr'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.enum(BOT_APP_TYPES, { message: `must be one of ${BOT_APP_TYPES.join(', ')}` }).default('SingleTenant'),
  MicrosoftAppTenantId: optionalText.pipe(z.string().regex(TENANT_ID, 'must be the directory (tenant) id: a GUID or a domain such as contoso.onmicrosoft.com').optional()),
  BOT_OPENID_METADATA_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, message: 'must be an https URL' })
      // The signing keys decide who may talk to the bot: over plain http anyone on the path could
      // replace them. Loopback only for a local stand-in (tests).
      .refine((url) => url.startsWith('https:') || isLoopbackUrl(url), 'must be an https URL (http only for a loopback address)')
      .optional(),
  ),
  CONTACT_CENTRE_PHONE: z.string().trim().min(3).default('02 511 51 51'),
  CONTACT_CENTRE_PHONE_INTERNATIONAL: z
    .string()
    .trim()
    .default('+32 2 511 51 51')
    // The tel: links and call buttons are made from it (+, then digits; spaces and dots allowed).
    .refine((phone) => /^\+[1-9]\d{5,14}$/.test(phone.replace(/[\s().\/-]/g, '')), 'must be an international number such as +32 2 511 51 51'),
  CONTACT_CENTRE_HOURS: z.string().trim().min(1).default('mon-fri 07:00-20:00'),
  CONTACT_CENTRE_TIME_ZONE: z
    .string()
    .trim()
    .default('Europe/Brussels')
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Brussels'),
  CONTACT_CENTRE_CLOSED_ON_LEGAL_HOLIDAYS: booleanText.default(true),
  CONTACT_CENTRE_EXTRA_CLOSED_DATES: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((d) => d.trim()).filter(Boolean))
    .refine((dates) => dates.every((d) => isoDate.test(d)), 'must be a comma-separated list of YYYY-MM-DD dates'),
  CONTACT_FORM_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  CONTACT_CENTRE_MENU_KEYS: menuKeysSchema.default({ fr: ['2', '5', '6'] }),
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_ACCOUNT_URL: optionalText.pipe(
    z
      .url({ protocol: /^https$/, message: 'must be the https blob endpoint of the account, e.g. https://<account>.blob.core.windows.net' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  ),
  AZURE_STORAGE_CREDENTIAL: optionalText.pipe(z.enum(['managed-identity', 'default'], { message: 'must be managed-identity or default' }).optional()),
  AZURE_CLIENT_ID: optionalText.pipe(z.uuid({ message: 'must be the client id (a GUID) of the managed identity' }).optional()),
  EMBEDDED_STORAGE_DIR: z.string().trim().min(1).default('.data/azurite'),
  STORAGE_DATA_CONTAINER: containerName.default('checkinatwork-listings'),
  STORAGE_STATE_CONTAINER: containerName.default('checkinatwork-state'),
  STATE_STORAGE: z.enum(['blob', 'memory']).default('blob'),
  BLOB_NAME_KEY: optionalText.pipe(z.string().min(16, 'must have at least 16 characters').optional()),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  PUBLIC_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
  DOWNLOAD_LINK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`')
      .transform((hex) => Buffer.from(hex, 'hex'))
      .optional(),
  ),
  DOWNLOAD_LINK_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  DIRECT_LINE_SECRET: optionalText,
  DIRECT_LINE_ENDPOINT: z
    .url({ protocol: /^https$/, message: 'must be an https URL' })
    .default('https://directline.botframework.com/v3/directline'),
  WEBCHAT_EMBED_ORIGINS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseOrigins(text);
      if (parsed.ok) return parsed.origins;
      ctx.addIssue({ code: 'custom', message: `${parsed.error} — expected comma-separated origins such as https://intranet.example.org` });
      return z.NEVER;
    }),
  WEBCHAT_USER_HINT_SECRET: optionalText.pipe(z.string().min(32, 'must have at least 32 characters, e.g. from `openssl rand -hex 32`').optional()),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
    z
      .string()
      .regex(/(^|;)\s*InstrumentationKey\s*=\s*[0-9a-fA-F-]{36}\s*(;|$)/, 'must be the connection string of an Application Insights resource (InstrumentationKey=…;IngestionEndpoint=…)')
      .optional(),
  ),
  TEAMS_APP_ID: optionalText.pipe(z.uuid({ message: 'must be a GUID' }).optional()),
  TEAMS_DEVELOPER_NAME: z.string().trim().min(1).max(32).default('checkinatwork-emergency-bot'),
  TEAMS_WEBSITE_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be an https URL' }).optional()),
  TEAMS_PRIVACY_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be an https URL' }).optional()),
  TEAMS_TERMS_URL: optionalText.pipe(z.url({ protocol: /^https$/, message: 'must be an https URL' }).optional()),
  TEAMS_VALID_DOMAINS: z
    .string()
    .default('')
    .transform((text) => text.split(',').map((d) => d.trim()).filter(Boolean)),
  ALLOW_UNAUTHENTICATED_NETWORK: booleanText.default(false),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  STATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  WEBCHAT_USER_SECRET: optionalText.pipe(z.string().min(32, 'must have at least 32 characters').optional()),
  REMINDER_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  TEST_CLOCK_FILE: optionalText,
  STATE_OUTAGE_BRIDGE: z.enum(['memory', 'off']).default('memory'),
  NODE_ENV: optionalText,
  LOCAL_JOURNAL_DIR: z.string().trim().min(1).default('.data/journal'),
  REPLY_TIMEOUT_MS: z.coerce.number().int().min(200).max(120_000).default(2_000),
  WEBSITE_INSTANCE_ID: optionalText,
  TEST_JOURNAL_FAULT: optionalText.pipe(
    z
      .string()
      .regex(/^(kill-after-write|kill-mid-write):(listing|evidence|state):[1-9]\d{0,5}$/, 'must be kill-after-write:TYPE:N or kill-mid-write:TYPE:N (tests only)')
      .optional(),
  ),
});

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What the configuration is loaded for: `run` the bot (the bot's identity must then be complete:
 * tenant, secret or managed identity), or `package` the Teams app, which needs only the app id.
 */
export type ConfigPurpose = 'run' | 'package';

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, purpose: ConfigPurpose = 'run'): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const [variable, ...inner] = issue.path.map(String);
        const where = inner.length > 0 ? ` (at ${inner.join('.')})` : '';
        return `${variable ?? '(environment)'}: ${issue.message}${where}`;
      }),
    );
  }
  const e = parsed.data;
  const weekly = parseWeeklyHours(e.CONTACT_CENTRE_HOURS);
  if (!weekly.ok) throw new ConfigError([`CONTACT_CENTRE_HOURS: ${weekly.error}`]);
  if (e.TEST_JOURNAL_FAULT !== undefined && e.NODE_ENV !== 'test') {
    throw new ConfigError(['TEST_JOURNAL_FAULT: a fault-injection switch for tests; it is refused unless NODE_ENV=test']);
  }
  const identityProblems = purpose === 'run' ? botIdentityProblems(e) : [];
  if (identityProblems.length > 0) throw new ConfigError(identityProblems);
  if (e.TEST_CLOCK_FILE && (e.NODE_ENV === 'production' || e.MicrosoftAppId)) {
    throw new ConfigError(['TEST_CLOCK_FILE: test only; refused when NODE_ENV is production or MicrosoftAppId is set']);
  }
  const access = storageAccess(e);
  const localOnly = localOnlyOf(e, purpose);
  const schedule: OpeningSchedule = {
    zone: e.CONTACT_CENTRE_TIME_ZONE,
    weekly: weekly.value,
    closedOnLegalHolidays: e.CONTACT_CENTRE_CLOSED_ON_LEGAL_HOLIDAYS,
    extraClosedDates: e.CONTACT_CENTRE_EXTRA_CLOSED_DATES,
  };
  try {
    // The schedule is checked as a whole on first use: do it now, so a mistake stops start-up.
    getCentreStatus(schedule, new Date(0));
  } catch (error) {
    throw new ConfigError([`CONTACT_CENTRE_*: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return {
    port: e.PORT,
    host: localOnly.host,
    defaultLocale: e.DEFAULT_LOCALE,
    logLevel: e.LOG_LEVEL,
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      appTenantId: e.MicrosoftAppTenantId,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL,
    },
    contactCentre: {
      phone: e.CONTACT_CENTRE_PHONE,
      phoneInternational: e.CONTACT_CENTRE_PHONE_INTERNATIONAL,
      hoursSpec: e.CONTACT_CENTRE_HOURS,
      schedule,
      contactFormUrl: e.CONTACT_FORM_URL,
      menuKeys: e.CONTACT_CENTRE_MENU_KEYS,
    },
    storage: {
      access,
      connectionString: e.AZURE_STORAGE_CONNECTION_STRING,
      embeddedDir: e.EMBEDDED_STORAGE_DIR,
      dataContainer: e.STORAGE_DATA_CONTAINER,
      stateContainer: e.STORAGE_STATE_CONTAINER,
      stateStorage: e.STATE_STORAGE,
      stateOutageBridge: e.STATE_OUTAGE_BRIDGE,
      blobNameKey: e.BLOB_NAME_KEY,
      retentionDays: e.RETENTION_DAYS,
      stateRetentionDays: Math.min(e.STATE_RETENTION_DAYS, e.RETENTION_DAYS),
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      downloadLinkSecret: e.DOWNLOAD_LINK_SECRET,
      downloadLinkTtlMinutes: e.DOWNLOAD_LINK_TTL_MINUTES,
    },
    webChat: {
      directLineSecret: e.DIRECT_LINE_SECRET,
      directLineEndpoint: e.DIRECT_LINE_ENDPOINT.replace(/\/+$/, ''),
      userCookieSecret: e.WEBCHAT_USER_SECRET,
      trustedProxyHops: e.TRUSTED_PROXY_HOPS,
      embedOrigins: e.WEBCHAT_EMBED_ORIGINS,
      userHintSecret: e.WEBCHAT_USER_HINT_SECRET,
    },
    telemetry: { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING },
    teams: {
      appId: e.TEAMS_APP_ID ?? e.MicrosoftAppId,
      validDomains: e.TEAMS_VALID_DOMAINS,
      developerName: e.TEAMS_DEVELOPER_NAME,
      websiteUrl: e.TEAMS_WEBSITE_URL,
      privacyUrl: e.TEAMS_PRIVACY_URL,
      termsOfUseUrl: e.TEAMS_TERMS_URL,
    },
    access: localOnly.config,
    reminders: { checkIntervalSeconds: e.REMINDER_CHECK_SECONDS },
    testClockFile: e.TEST_CLOCK_FILE,
    replyTimeoutMs: e.REPLY_TIMEOUT_MS,
    journal: {
      dir: e.LOCAL_JOURNAL_DIR,
      instanceId: e.WEBSITE_INSTANCE_ID,
      fault: journalFaultOf(e.TEST_JOURNAL_FAULT),
    },
  };
}

function journalFaultOf(text: string | undefined): JournalConfig['fault'] {
  if (text === undefined) return undefined;
  const [kind, type, count] = text.split(':');
  return { kind: kind === 'kill-mid-write' ? 'kill-mid-write' : 'kill-after-write', type: type ?? 'listing', atAppend: Number(count) };
}

type ParsedEnv = z.infer<typeof envSchema>;

/**
 * The Azure Bot's identity must be complete at start-up, not at the first reply: a bot that
 * starts and then cannot answer anyone is worse than one that says what is missing. Without
 * MicrosoftAppId the bot runs unauthenticated (local use) and nothing else is asked for.
 */
function botIdentityProblems(e: ParsedEnv): string[] {
  if (!e.MicrosoftAppId) return [];
  const problems: string[] = [];
  const type = e.MicrosoftAppType;
  if (!e.MicrosoftAppTenantId && type !== 'MultiTenant') {
    problems.push(`MicrosoftAppTenantId: required when MicrosoftAppType is ${type} (the directory id of the tenant the bot's ${type === 'UserAssignedMSI' ? 'managed identity' : 'app registration'} lives in)`);
  }
  if (type === 'UserAssignedMSI' && e.MicrosoftAppPassword) {
    problems.push('MicrosoftAppPassword: must be empty when MicrosoftAppType is UserAssignedMSI (the managed identity has no secret; MicrosoftAppId is its client id)');
  }
  if (type !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    problems.push(`MicrosoftAppPassword: required when MicrosoftAppType is ${type} (the client secret of the app registration MicrosoftAppId)`);
  }
  if (type === 'UserAssignedMSI' && e.AZURE_CLIENT_ID && e.AZURE_CLIENT_ID.toLowerCase() !== e.MicrosoftAppId.toLowerCase()) {
    problems.push('AZURE_CLIENT_ID: differs from MicrosoftAppId; with UserAssignedMSI both are the client id of the same managed identity (or leave AZURE_CLIENT_ID empty)');
  }
  return problems;
}

function storageAccess(e: ParsedEnv): StorageAccess {
  if (e.AZURE_STORAGE_CONNECTION_STRING && e.AZURE_STORAGE_ACCOUNT_URL) {
    throw new ConfigError(['AZURE_STORAGE_ACCOUNT_URL: set either it (Entra ID, no key) or AZURE_STORAGE_CONNECTION_STRING, not both']);
  }
  if (e.AZURE_STORAGE_CONNECTION_STRING) return { kind: 'connectionString', connectionString: e.AZURE_STORAGE_CONNECTION_STRING };
  if (!e.AZURE_STORAGE_ACCOUNT_URL) {
    if (e.AZURE_STORAGE_CREDENTIAL) throw new ConfigError(['AZURE_STORAGE_CREDENTIAL: only used with AZURE_STORAGE_ACCOUNT_URL']);
    return { kind: 'embedded' };
  }
  // A user-assigned identity is named by its client id: AZURE_CLIENT_ID, or the bot's own
  // identity when the bot is one (UserAssignedMSI) — the usual single-identity deployment.
  const identityClientId = e.AZURE_CLIENT_ID ?? (e.MicrosoftAppType === 'UserAssignedMSI' ? e.MicrosoftAppId : undefined);
  const choice = e.AZURE_STORAGE_CREDENTIAL ?? (identityClientId ? 'managed-identity' : 'default');
  return {
    kind: 'entraId',
    accountUrl: e.AZURE_STORAGE_ACCOUNT_URL,
    credential: choice === 'managed-identity' ? { kind: 'managedIdentity', clientId: identityClientId } : { kind: 'default' },
  };
}

/**
 * The local-only rule (AccessConfig): without MicrosoftAppId, HOST defaults to 127.0.0.1, and a
 * non-loopback HOST or a DIRECT_LINE_SECRET (a public channel) stops start-up unless
 * ALLOW_UNAUTHENTICATED_NETWORK=true.
 */
function localOnlyOf(e: ParsedEnv, purpose: ConfigPurpose): { host: string; config: AccessConfig } {
  const isUnauthenticated = !e.MicrosoftAppId;
  const host = e.HOST ?? (isUnauthenticated ? '127.0.0.1' : '0.0.0.0');
  const optOut = e.ALLOW_UNAUTHENTICATED_NETWORK;
  if (isUnauthenticated && !optOut && purpose === 'run') {
    const problems: string[] = [];
    const why = 'without MicrosoftAppId nothing authenticates requests, so the bot only runs on loopback; set MicrosoftAppId (or, knowingly, ALLOW_UNAUTHENTICATED_NETWORK=true)';
    if (!isLoopbackHost(host)) problems.push(`HOST: ${host} is not a loopback address — ${why}`);
    if (e.DIRECT_LINE_SECRET) problems.push(`DIRECT_LINE_SECRET: set without MicrosoftAppId — ${why}`);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const publicHost = e.PUBLIC_BASE_URL ? new URL(e.PUBLIC_BASE_URL).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1') : undefined;
  const isWildcard = host === '0.0.0.0' || host === '::';
  const allowedHosts =
    optOut && isWildcard ? 'any' : [...new Set([publicHost, optOut ? host.toLowerCase() : undefined].filter((h): h is string => h !== undefined && h !== ''))];
  return { host, config: { isUnauthenticated, allowUnauthenticatedNetwork: optOut, allowedHosts } };
}
