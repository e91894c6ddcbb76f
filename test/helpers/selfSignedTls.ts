import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

/**
 * A self-signed certificate for 127.0.0.1 and localhost, written as PEM files in `dir`: Azurite
 * serves HTTPS with it, and a bot process trusts it through NODE_EXTRA_CA_CERTS.
 */
export async function writeSelfSignedCertificate(dir: string): Promise<{ certPath: string; keyPath: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const certPath = path.join(dir, 'azurite-cert.pem');
  const keyPath = path.join(dir, 'azurite-key.pem');
  await writeFile(certPath, pems.cert);
  await writeFile(keyPath, pems.private);
  return { certPath, keyPath };
}
