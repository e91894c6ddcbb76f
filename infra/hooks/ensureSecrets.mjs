// azd `preprovision` hook (azure.yaml): makes sure the azd environment holds the two secrets the
// bot's instances must share — DOWNLOAD_LINK_SECRET (64 hex characters, seals PDF download links)
// and BLOB_NAME_KEY (HMAC key for blob names) — generating each one the first time only. They
// live in .azure/<environment>/.env (git-ignored), reach Bicep through main.parameters.json as
// secure parameters, and become App Service settings; they are never in the repository.
//
// An existing value is never replaced: a new BLOB_NAME_KEY would orphan every stored listing.
// To rotate DOWNLOAD_LINK_SECRET on purpose: `azd env set DOWNLOAD_LINK_SECRET <new>` then
// `azd provision` (README, "Rotating secrets"). Plain Node, no dependency: it runs before `npm ci`.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const SECRETS = [
  {
    name: 'DOWNLOAD_LINK_SECRET',
    make: () => randomBytes(32).toString('hex'),
    isValid: (value) => /^[0-9a-fA-F]{64}$/.test(value),
    rule: '64 hexadecimal characters (openssl rand -hex 32)',
  },
  {
    name: 'BLOB_NAME_KEY',
    make: () => randomBytes(32).toString('base64url'),
    isValid: (value) => value.trim().length >= 16,
    rule: 'at least 16 characters',
  },
];

const azd = 'azd';
const problems = [];
for (const secret of SECRETS) {
  const current = process.env[secret.name] ?? '';
  if (current !== '') {
    if (!secret.isValid(current)) problems.push(`${secret.name} in the azd environment must be ${secret.rule}`);
    else process.stdout.write(`${secret.name}: kept (already in the azd environment)\n`);
    continue;
  }
  // `azd env set` writes it to .azure/<environment>/.env; the value is not printed.
  execFileSync(azd, ['env', 'set', secret.name, secret.make()], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write(`${secret.name}: generated and stored in the azd environment\n`);
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
