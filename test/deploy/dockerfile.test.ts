import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthUrl } from '../../src/healthcheck.js';
import {
  execForm,
  instructionsOf,
  isInContext,
  parseCopy,
  parseDockerfile,
  parseEnv,
  parseHealthcheck,
  stageOf,
} from './dockerfile.js';

/**
 * The Dockerfile's promises, read from the file itself (productionImage.test.ts then replays the
 * runtime stage for real): official Node 20 images, a build stage that compiles, a runtime stage
 * with production dependencies only, an unprivileged user, a health check without curl, the
 * compiled entry point started directly, and no secret anywhere in the image.
 */

const ROOT = path.resolve(__dirname, '../..');
const dockerfileText = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const build = stageOf(dockerfile, 'build');
const runtime = stageOf(dockerfile);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const runs = (stage: typeof runtime) => instructionsOf(stage, 'RUN').map((i) => i.args);
const runtimeEnv = Object.fromEntries(instructionsOf(runtime, 'ENV').flatMap((i) => parseEnv(i.args)));

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on the official Node 20 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.name).toBe('runtime');
    for (const stage of dockerfile.stages) expect(stage.image).toMatch(/^node:20(?:[.-][a-z0-9.-]+)?(?:@sha256:[0-9a-f]{64})?$/);
  });

  it('compiles with the project build script in the build stage', () => {
    expect(runs(build).some((r) => /^npm ci\b(?!.*--omit)/.test(r))).toBe(true);
    expect(runs(build)).toContain('npm run build');
    // productionImage.test.ts stands in for this step with tsc -p tsconfig.json.
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.json');
  });

  it('copies into the build stage everything tsc compiles (tsconfig.json "include")', () => {
    // A folder missed here builds fine on this machine (tsc reads the working tree) and fails only
    // in `docker build`: the corpus and the font coverage in data/ are imported by src/.
    const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const copied = instructionsOf(build, 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => s.replace(/^\.\//, '').replace(/\/$/, '')));
    const roots = [...new Set(tsconfig.include.map((pattern) => pattern.split('/')[0] ?? pattern))];
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) expect(copied, root).toContain(root);
  });

  it('installs production dependencies only in the runtime stage, from the lockfile', () => {
    const install = runs(runtime).find((r) => r.startsWith('npm ci'));
    expect(install).toMatch(/^npm ci --omit=dev\b/);
    expect(runs(runtime).join(' ')).not.toMatch(/npm (?:install|i)\b/);
    const contextCopies = instructionsOf(runtime, 'COPY').map((i) => parseCopy(i.args)).filter((c) => c.from === undefined);
    expect(contextCopies.flatMap((c) => c.sources).sort()).toEqual(['package-lock.json', 'package.json']);
  });

  it('takes only the compiled app from the build stage', () => {
    const fromBuild = instructionsOf(runtime, 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from !== undefined);
    expect(fromBuild).toEqual([{ from: 'build', sources: ['/app/dist'], destination: './dist' }]);
  });

  it('runs as an unprivileged user, in production mode, listening on every interface', () => {
    const user = instructionsOf(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    const userLine = instructionsOf(runtime, 'USER').at(-1)?.line ?? 0;
    const cmdLine = instructionsOf(runtime, 'CMD').at(-1)?.line ?? 0;
    expect(userLine).toBeLessThan(cmdLine);
    expect(runtimeEnv).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(instructionsOf(runtime, 'EXPOSE').map((i) => i.args)).toEqual([runtimeEnv.PORT]);
  });

  it('starts the compiled entry point with node directly (npm start would rebuild with TypeScript)', () => {
    const cmd = execForm(instructionsOf(runtime, 'CMD').at(-1)?.args ?? '');
    expect(cmd?.[0]).toBe('node');
    expect(cmd?.at(-1)).toBe('dist/src/main.js');
    // The same command as `npm start` without its prestart build: same flags, same entry point.
    expect(cmd).toEqual(pkg.scripts.start?.split(' '));
    expect(pkg.scripts.prestart).toBe('npm run build');
  });

  it('checks /healthz with node itself, no curl', () => {
    const { options, command } = parseHealthcheck(instructionsOf(runtime, 'HEALTHCHECK').at(-1)?.args ?? '');
    expect(command).toEqual(['node', 'dist/src/healthcheck.js']);
    const commands = dockerfile.stages.flatMap((stage) => [...instructionsOf(stage, 'RUN'), ...instructionsOf(stage, 'HEALTHCHECK')]);
    expect(commands.filter((i) => /\b(?:curl|wget)\b/.test(i.args))).toEqual([]);
    expect(options).toMatchObject({ interval: expect.any(String), timeout: expect.any(String), 'start-period': expect.any(String) });
  });

  it('bakes no secret into any layer', () => {
    const secretName = /SECRET|PASSWORD|TOKEN|CONNECTION_STRING|_KEY$|^MicrosoftApp(?:Id|Password)$/i;
    for (const stage of dockerfile.stages) {
      for (const env of instructionsOf(stage, 'ENV')) for (const [name] of parseEnv(env.args)) expect(name).not.toMatch(secretName);
      for (const arg of instructionsOf(stage, 'ARG')) expect(arg.args).not.toMatch(secretName);
    }
    const copied = dockerfile.stages.flatMap((stage) => instructionsOf(stage, 'COPY').flatMap((i) => parseCopy(i.args).sources));
    expect(copied.filter((source) => /(?:^|\/)\.env|^\.\/?$/.test(source))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const contextSources = dockerfile.stages.flatMap((stage) =>
    instructionsOf(stage, 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => s.replace(/^\.\//, '').replace(/\/$/, ''))),
  );

  it('lets in everything the Dockerfile copies from the context', () => {
    expect(contextSources.length).toBeGreaterThan(0);
    for (const source of contextSources) expect(isInContext(dockerignore, source), source).toBe(true);
    expect(isInContext(dockerignore, 'src/main.ts')).toBe(true);
    expect(isInContext(dockerignore, 'locales/fr.json')).toBe(true);
    expect(isInContext(dockerignore, 'data/corpus/train.json')).toBe(true);
  });

  it.each(['.env', 'src/.env', '.env.production', '.azure/dev/.env', '.data/azurite/__blobstorage__', 'node_modules/zod/package.json', 'dist/src/main.js', '.git/config', 'test-artifacts/x.png', 'infra/main.bicep', 'bot.log'])(
    'keeps %s out of the build context',
    (file) => expect(isInContext(dockerignore, file)).toBe(false),
  );
});

describe('the health check probe', () => {
  it.each([
    ['0.0.0.0', 3978, 'http://127.0.0.1:3978/healthz'],
    ['::', 8080, 'http://[::1]:8080/healthz'],
    ['127.0.0.1', 3978, 'http://127.0.0.1:3978/healthz'],
    ['10.1.2.3', 80, 'http://10.1.2.3:80/healthz'],
  ])('asks %s:%i at %s', (host, port, url) => expect(healthUrl(host, port)).toBe(url));
});
