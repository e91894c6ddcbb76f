import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { type BicepFile, entriesOf, parseBicep, resourceOf, valueAt } from './bicep.js';
import { execForm, instructionsOf, parseDockerfile, stageOf } from './dockerfile.js';

/**
 * infra/ and azure.yaml, checked offline. These templates were NOT deployed from CI (there is no
 * Azure subscription here) and no Bicep compiler can be installed on this machine (README,
 * "Deploy to Azure"); what can be proven without Azure is proven here: the files parse and
 * point at files that exist, modules and parameter files match the parameters they feed, the
 * resources carry the settings the issue asks for, and — the part most likely to drift — every
 * app setting is a variable src/config.ts reads, the settings together pass config validation,
 * and the outputs are enough for the real `npm run teams:package`.
 */

const ROOT = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const bicep = (file: string) => parseBicep(read(file));
const BICEP_FILES = ['infra/main.bicep', 'infra/azure.bicep', 'infra/botRegistration/azurebot.bicep'];

const azureYaml = parseYaml(read('azure.yaml')) as {
  name: string;
  infra: { provider: string; path: string; module: string };
  hooks: Record<string, Record<string, { shell: string; run: string }>>;
  services: Record<string, { project: string; language: string; host: string }>;
};
const main = bicep('infra/main.bicep');
const azure = bicep('infra/azure.bicep');
const botRegistration = bicep('infra/botRegistration/azurebot.bicep');

/** Every variable the app's configuration schema reads, found by handing loadConfig an env that records reads. */
function variablesConfigReads(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
      has: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return false;
      },
    },
  );
  try {
    loadConfig(env);
  } catch {
    // An empty env may be refused after the schema has read every key; the reads are what count.
  }
  return read;
}

const APP_ID = '3f2c8e4a-1b7d-4c39-9a55-0d6e2f1b8a71';
const TENANT_ID = 'a8d1c3e5-7f92-4b6a-8c0d-1e2f3a4b5c6d';
const HOST = 'ciawq7x2k9m3p1-abc123xyz.azurewebsites.net';

/** Values Azure would give the settings that are expressions in the Bicep (literals are taken from the Bicep). */
const SAMPLE_SETTING_VALUES: Record<string, string> = {
  MicrosoftAppId: APP_ID,
  MicrosoftAppTenantId: TENANT_ID,
  AZURE_CLIENT_ID: APP_ID,
  AZURE_STORAGE_ACCOUNT_URL: 'https://stciawq7x2k9m3p1abc123.blob.core.windows.net',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
  PUBLIC_BASE_URL: `https://${HOST}`,
  // The containers' names in the Bicep (checked against the app's defaults above).
  STORAGE_DATA_CONTAINER: 'checkinatwork-listings',
  STORAGE_STATE_CONTAINER: 'checkinatwork-state',
  LOG_LEVEL: 'info',
  DOWNLOAD_LINK_SECRET: 'ab'.repeat(32),
  BLOB_NAME_KEY: 'k'.repeat(43),
  DIRECT_LINE_SECRET: 'sample-direct-line-site-key',
};

/** Settings App Service or its build reads, not the app. */
const PLATFORM_SETTINGS = new Set(['SCM_DO_BUILD_DURING_DEPLOYMENT']);

/** Values Azure would give main.bicep's outputs, as `azd env get-values` prints them after `azd up`. */
const SAMPLE_OUTPUT_VALUES: Record<string, string> = {
  AZURE_LOCATION: 'westeurope',
  AZURE_RESOURCE_GROUP: 'rg-checkinatwork',
  AZURE_APP_SERVICE_RESOURCE_ID: '/subscriptions/0/resourceGroups/rg-checkinatwork/providers/Microsoft.Web/sites/ciawq7x2k9m3p1-abc123xyz',
  BOT_PUBLIC_URL: `https://${HOST}`,
  BOT_MESSAGING_ENDPOINT: `https://${HOST}/api/messages`,
  BOT_SERVICE_NAME: 'ciawq7x2k9m3p1-abc123xyz',
  PUBLIC_BASE_URL: `https://${HOST}`,
  MicrosoftAppId: APP_ID,
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppTenantId: TENANT_ID,
  TEAMS_APP_ID: APP_ID,
  AZURE_STORAGE_ACCOUNT_URL: 'https://stciawq7x2k9m3p1abc123.blob.core.windows.net',
  LOG_ANALYTICS_WORKSPACE_NAME: 'ciawq7x2k9m3p1-logs',
};

function literal(value: string | undefined): string | undefined {
  const match = /^'([^'$]*)'$/.exec(value?.trim() ?? '');
  return match?.[1];
}

function appSettings(): Map<string, string> {
  const settings = azure.declarations.find((d) => d.target.startsWith('Microsoft.Web/sites/config@') && /name:\s*'appsettings'/.test(d.body));
  if (!settings) throw new Error('no appsettings resource in infra/azure.bicep');
  const properties = valueAt(settings.body, 'properties');
  if (properties === undefined) throw new Error('appsettings has no properties');
  return entriesOf(properties);
}

describe('azure.yaml', () => {
  it('provisions infra/main.bicep and deploys this folder to App Service as TypeScript', () => {
    expect(azureYaml.name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    expect(azureYaml.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(existsSync(path.join(ROOT, azureYaml.infra.path, `${azureYaml.infra.module}.bicep`))).toBe(true);
    expect(existsSync(path.join(ROOT, azureYaml.infra.path, `${azureYaml.infra.module}.parameters.json`))).toBe(true);
    const services = Object.entries(azureYaml.services);
    expect(services).toHaveLength(1);
    const [name, service] = services[0] ?? [];
    expect(service).toEqual({ project: '.', language: 'ts', host: 'appservice' });
    expect(existsSync(path.join(ROOT, service?.project ?? '', 'package.json'))).toBe(true);
    // azd finds the web app by this tag.
    expect(resourceOf(azure, 'Microsoft.Web/sites').body).toContain(`'azd-service-name': '${name}'`);
  });

  it('runs hooks that exist, with node, on every platform', () => {
    const runs = Object.values(azureYaml.hooks).flatMap((platforms) => Object.values(platforms));
    expect(runs.length).toBeGreaterThan(0);
    for (const hook of runs) {
      const [command, script] = hook.run.split(/\s+/);
      expect(command).toBe('node');
      expect(existsSync(path.join(ROOT, script ?? ''))).toBe(true);
    }
  });
});

describe('Bicep files', () => {
  it.each(BICEP_FILES)('%s is well formed: brackets balanced, strings closed', (file) => {
    expect(bicep(file).problems).toEqual([]);
  });

  it.each(BICEP_FILES)('%s uses every parameter and variable it declares', (file) => {
    const parsed = bicep(file);
    const unused = [...parsed.params.map((p) => p.name), ...parsed.vars.keys()].filter(
      (name) => (parsed.code.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length < 2,
    );
    expect(unused).toEqual([]);
  });

  it.each(BICEP_FILES)('%s: every module exists and gets exactly the parameters it declares', (file) => {
    for (const module of bicep(file).declarations.filter((d) => d.kind === 'module')) {
      const target = path.join(path.dirname(file), module.target);
      expect(existsSync(path.join(ROOT, target)), target).toBe(true);
      const declared = bicep(target).params;
      const given = [...entriesOf(valueAt(module.body, 'params') ?? '').keys()];
      expect(given.filter((name) => !declared.some((p) => p.name === name)), `unknown parameters for ${target}`).toEqual([]);
      expect(declared.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name), `missing for ${target}`).toEqual([]);
    }
  });

  it('main.bicep is subscription-scoped (azd creates the resource group) and passes on what azure.bicep outputs', () => {
    expect(main.targetScope).toBe('subscription');
    for (const [name, value] of main.outputs) {
      const forwarded = /^resources\.outputs\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(value)?.[1];
      if (forwarded) expect(azure.outputs.has(forwarded), name).toBe(true);
    }
  });

  it.each([
    ['infra/main.parameters.json', main, /^\$\{([A-Z_][A-Z0-9_]*)\}$/],
    ['infra/azure.parameters.json', azure, /\$\{\{([A-Z_][A-Z0-9_]*)\}\}/],
  ] as const)('%s parses, names only declared parameters, gives every required one, and holds no secret', (file, template: BicepFile, placeholder) => {
    const parameters = (JSON.parse(read(file)) as { parameters: Record<string, { value: unknown }> }).parameters;
    const given = Object.keys(parameters);
    expect(given.filter((name) => !template.params.some((p) => p.name === name))).toEqual([]);
    expect(template.params.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
    for (const param of template.params.filter((p) => p.decorators.includes('@secure()'))) {
      const value = parameters[param.name]?.value;
      expect(typeof value === 'string' && placeholder.test(value), `${param.name} must come from the environment`).toBe(true);
    }
  });

  it('main.parameters.json reads only azd built-ins and the secrets the preprovision hook generates', () => {
    const hook = read('infra/hooks/ensureSecrets.mjs');
    const names = [...read('infra/main.parameters.json').matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1] ?? '');
    for (const name of names) expect(['AZURE_ENV_NAME', 'AZURE_LOCATION'].includes(name) || hook.includes(`name: '${name}'`), name).toBe(true);
  });
});

describe('the resources', () => {
  const storage = resourceOf(azure, 'Microsoft.Storage/storageAccounts');
  const webApp = resourceOf(azure, 'Microsoft.Web/sites');
  const plan = resourceOf(azure, 'Microsoft.Web/serverfarms');
  const bot = resourceOf(botRegistration, 'Microsoft.BotService/botServices');

  it('storage accepts Entra ID only, TLS 1.2, no public blobs, and has the two containers the app uses', () => {
    expect(valueAt(storage.body, 'properties.allowSharedKeyAccess')).toBe('false');
    expect(valueAt(storage.body, 'properties.minimumTlsVersion')).toBe("'TLS1_2'");
    expect(valueAt(storage.body, 'properties.allowBlobPublicAccess')).toBe('false');
    expect(valueAt(storage.body, 'properties.supportsHttpsTrafficOnly')).toBe('true');
    const containers = azure.declarations
      .filter((d) => d.target.startsWith('Microsoft.Storage/storageAccounts/blobServices/containers@'))
      .map((d) => azure.vars.get(valueAt(d.body, 'name') ?? '') ?? '');
    const defaults = loadConfig({}).storage;
    expect(containers.map((c) => literal(c)).sort()).toEqual([defaults.dataContainer, defaults.stateContainer].sort());
  });

  it('gives the bot identity Storage Blob Data Contributor on that account', () => {
    const role = resourceOf(azure, 'Microsoft.Authorization/roleAssignments');
    expect(valueAt(role.body, 'scope')).toBe(storage.symbol);
    expect(valueAt(role.body, 'properties.principalId')).toBe('identity.properties.principalId');
    expect(azure.code).toContain("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'");
    expect(valueAt(role.body, 'properties.principalType')).toBe("'ServicePrincipal'");
  });

  it('runs the app on Linux App Service: Node 20, always on, health check, HTTPS only, TLS 1.2, no FTP, two instances or more', () => {
    expect(valueAt(webApp.body, 'properties.httpsOnly')).toBe('true');
    expect(valueAt(webApp.body, 'properties.clientAffinityEnabled')).toBe('false');
    expect(valueAt(webApp.body, 'properties.siteConfig.linuxFxVersion')).toBe("'NODE|20-lts'");
    expect(valueAt(webApp.body, 'properties.siteConfig.alwaysOn')).toBe('true');
    expect(valueAt(webApp.body, 'properties.siteConfig.healthCheckPath')).toBe("'/healthz'");
    expect(valueAt(webApp.body, 'properties.siteConfig.minTlsVersion')).toBe("'1.2'");
    expect(valueAt(webApp.body, 'properties.siteConfig.ftpsState')).toBe("'Disabled'");
    expect(valueAt(webApp.body, 'identity.type')).toBe("'UserAssigned'");
    expect(valueAt(plan.body, 'properties.reserved')).toBe('true');
    expect(valueAt(plan.body, 'sku.capacity')).toBe('instanceCount');
    const instances = azure.params.find((p) => p.name === 'instanceCount');
    expect(instances?.decorators).toContain('@minValue(2)');
  });

  it('starts the compiled entry point exactly as the container does', () => {
    const cmd = execForm(instructionsOf(stageOf(parseDockerfile(read('Dockerfile'))), 'CMD').at(-1)?.args ?? '');
    expect(literal(valueAt(webApp.body, 'properties.siteConfig.appCommandLine'))).toBe(cmd?.join(' '));
  });

  it('registers the bot with its managed identity, the /api/messages endpoint, Teams and Direct Line', () => {
    expect(valueAt(bot.body, 'properties.msaAppType')).toBe("'UserAssignedMSI'");
    expect(valueAt(bot.body, 'properties.msaAppMSIResourceId')).toBe('identityResourceId');
    expect(valueAt(bot.body, 'properties.msaAppTenantId')).toBe('identityTenantId');
    expect(valueAt(bot.body, 'properties.endpoint')).toBe("'https://${botAppDomain}/api/messages'");
    const channels = botRegistration.declarations
      .filter((d) => d.target.startsWith('Microsoft.BotService/botServices/channels@'))
      .map((d) => valueAt(d.body, 'properties.channelName'));
    expect(channels.sort()).toEqual(["'DirectLineChannel'", "'MsTeamsChannel'"]);
  });

  it('sends telemetry and logs to Application Insights on a Log Analytics workspace', () => {
    const insights = resourceOf(azure, 'Microsoft.Insights/components');
    expect(valueAt(insights.body, 'properties.WorkspaceResourceId')).toBe('logAnalytics.id');
    expect(appSettings().get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe(`${insights.symbol}.properties.ConnectionString`);
  });
});

describe('the app settings', () => {
  const settings = appSettings();

  it('are all variables that src/config.ts reads (or App Service build settings)', () => {
    const known = variablesConfigReads();
    expect(known.size).toBeGreaterThan(30);
    expect([...settings.keys()].filter((name) => !known.has(name) && !PLATFORM_SETTINGS.has(name))).toEqual([]);
  });

  it('identify the bot by its managed identity and reach storage without keys', () => {
    expect(literal(settings.get('MicrosoftAppType'))).toBe('UserAssignedMSI');
    expect(settings.get('MicrosoftAppId')).toBe('identity.properties.clientId');
    expect(settings.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    expect(settings.get('MicrosoftAppTenantId')).toBe('identity.properties.tenantId');
    expect(settings.get('AZURE_STORAGE_ACCOUNT_URL')).toBe("'https://${storage.name}.blob.${environment().suffixes.storage}'");
    expect(settings.has('AZURE_STORAGE_CONNECTION_STRING')).toBe(false);
    expect(settings.has('MicrosoftAppPassword')).toBe(false);
  });

  it('share the secrets across instances from secure parameters, and the Direct Line key from the channel', () => {
    for (const [setting, param] of [['DOWNLOAD_LINK_SECRET', 'downloadLinkSecret'], ['BLOB_NAME_KEY', 'blobNameKey']] as const) {
      expect(settings.get(setting)).toBe(param);
      expect(azure.params.find((p) => p.name === param)?.decorators).toContain('@secure()');
    }
    expect(settings.get('DIRECT_LINE_SECRET')).toMatch(/^any\(directLineChannel\.listChannelWithKeys\('[0-9-]+'\)\)\.properties\.properties\.sites\[0\]\.key$/);
    // A secret in an output would be readable in the deployment history.
    for (const file of [main, azure, botRegistration]) {
      for (const [name, value] of file.outputs) expect(`${name} ${value}`).not.toMatch(/secret|listChannelWithKeys|blobNameKey|Password/i);
    }
  });

  it('together pass the bot configuration as App Service would give them', () => {
    const expressions = [...settings].filter(([, value]) => literal(value) === undefined).map(([name]) => name);
    expect(expressions.sort()).toEqual(Object.keys(SAMPLE_SETTING_VALUES).sort());
    const env = Object.fromEntries([...settings].map(([name, value]) => [name, literal(value) ?? SAMPLE_SETTING_VALUES[name]]));
    const config = loadConfig({ ...env, PORT: '8080' });
    expect(config.bot).toMatchObject({ appId: APP_ID, appType: 'UserAssignedMSI', appTenantId: TENANT_ID });
    expect(config.host).toBe('0.0.0.0');
    expect(config.storage.publicBaseUrl).toBe(`https://${HOST}`);
    expect(config.webChat.directLineSecret).toBe(SAMPLE_SETTING_VALUES.DIRECT_LINE_SECRET);
  });
});

describe('outputs → npm run teams:package', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'teams-from-outputs-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('gives the public URL, the messaging endpoint and what the package needs', () => {
    expect([...main.outputs.keys()].sort()).toEqual(Object.keys(SAMPLE_OUTPUT_VALUES).sort());
    expect(azure.outputs.get('BOT_MESSAGING_ENDPOINT')).toBe('azureBotRegistration.outputs.messagingEndpoint');
    expect(botRegistration.outputs.get('messagingEndpoint')).toBe('botService.properties.endpoint');
  });

  it('builds a valid Teams package from the azd environment alone', { timeout: 60_000 }, async () => {
    // What `set -a; eval "$(azd env get-values)"; npm run teams:package` does after `azd up`.
    const env = {
      PATH: process.env.PATH,
      HOME: tmp,
      AZURE_ENV_NAME: 'checkinatwork',
      AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000000',
      DOWNLOAD_LINK_SECRET: SAMPLE_SETTING_VALUES.DOWNLOAD_LINK_SECRET,
      BLOB_NAME_KEY: SAMPLE_SETTING_VALUES.BLOB_NAME_KEY,
      ...SAMPLE_OUTPUT_VALUES,
    };
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const { stdout } = await execFileAsync(process.execPath, ['--import', tsx, path.join(ROOT, 'scripts/teamsPackage.ts')], { cwd: tmp, env });
    expect(stdout).toContain('checkinatwork-emergency-bot.zip');
    expect(stdout).toContain(`bot ${APP_ID}`);
    expect(stdout).toContain(HOST);
    expect(existsSync(path.join(tmp, 'dist/teams/checkinatwork-emergency-bot.zip'))).toBe(true);
  });
});

describe('the preprovision hook (infra/hooks/ensureSecrets.mjs)', () => {
  let bin: string;
  let calls: string;
  beforeAll(async () => {
    bin = await mkdtemp(path.join(os.tmpdir(), 'fake-azd-'));
    calls = path.join(bin, 'calls.txt');
    // A stand-in for azd that records `azd env set NAME VALUE`, one call per line.
    await writeFile(path.join(bin, 'azd'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${calls}"\n`);
    await chmod(path.join(bin, 'azd'), 0o755);
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  const runHook = async (extra: Record<string, string>) => {
    await rm(calls, { force: true });
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
    const result = await execFileAsync(process.execPath, [path.join(ROOT, 'infra/hooks/ensureSecrets.mjs')], { env }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, out: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    const recorded = existsSync(calls) ? (await readFile(calls, 'utf8')).trim().split('\n').filter(Boolean) : [];
    return { ...result, recorded };
  };

  it('generates both secrets the first time, in the formats the app accepts, without printing them', async () => {
    const { code, out, recorded } = await runHook({});
    expect(code).toBe(0);
    const set = Object.fromEntries(recorded.map((line) => line.split(' ')).map(([, , name, value]) => [name, value]));
    expect(set.DOWNLOAD_LINK_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(set.BLOB_NAME_KEY?.length).toBeGreaterThanOrEqual(16);
    expect(out).not.toContain(set.DOWNLOAD_LINK_SECRET);
    expect(out).not.toContain(set.BLOB_NAME_KEY);
    expect(() => loadConfig({ DOWNLOAD_LINK_SECRET: set.DOWNLOAD_LINK_SECRET, BLOB_NAME_KEY: set.BLOB_NAME_KEY })).not.toThrow();
    const again = await runHook({});
    expect(again.recorded).not.toEqual(recorded);
  });

  it('keeps secrets the environment already has (a new BLOB_NAME_KEY would orphan the stored listings)', async () => {
    const { code, recorded } = await runHook({ DOWNLOAD_LINK_SECRET: 'cd'.repeat(32), BLOB_NAME_KEY: 'an-existing-key-of-some-length' });
    expect(code).toBe(0);
    expect(recorded).toEqual([]);
  });

  it('stops provisioning on a malformed secret instead of replacing it', async () => {
    const { code, out, recorded } = await runHook({ DOWNLOAD_LINK_SECRET: 'not-hex', BLOB_NAME_KEY: 'short' });
    expect(code).toBe(1);
    expect(out).toContain('DOWNLOAD_LINK_SECRET');
    expect(out).toContain('BLOB_NAME_KEY');
    expect(recorded).toEqual([]);
  });
});
