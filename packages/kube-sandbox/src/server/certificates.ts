import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** PEM material for the sandbox's private certificate authority and server. */
export interface SandboxCertificates {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

// forge's pure-JS RSA key generation takes seconds, so keys come from
// node:crypto and forge only signs. Even native RSA generation can take a
// second on a busy machine, so a process generates its two keys once and
// re-uses them for every sandbox (certificates are still unique).
const keyCache: string[] = [];

function newKeyPair(slot: number) {
  if (!keyCache[slot]) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyCache[slot] = privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  }
  const pem = keyCache[slot];
  const key = forge.pki.privateKeyFromPem(pem);
  const pub = forge.pki.setRsaPublicKey(key.n, key.e);
  return { key, pub, pem: forge.pki.privateKeyToPem(key) };
}

function serial() {
  // Positive, non-zero serial number (leading byte < 0x80).
  return `01${randomBytes(15).toString('hex')}`;
}

/**
 * Generates a throwaway CA and a server certificate signed by it, valid for
 * 127.0.0.1 and localhost, so clients can verify TLS with `caData` instead of
 * disabling verification.
 */
export function generateCertificates(
  commonName = 'kube-sandbox',
): SandboxCertificates {
  const now = new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 10 * 365 * 24 * 60 * 60 * 1000);

  const ca = newKeyPair(0);
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.pub;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  const caSubject = [{ name: 'commonName', value: `${commonName}-ca` }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.key, forge.md.sha256.create());

  const server = newKeyPair(1);
  const cert = forge.pki.createCertificate();
  cert.publicKey = server.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(caCert),
    caKey: ca.pem,
    serverCert: forge.pki.certificateToPem(cert),
    serverKey: server.pem,
  };
}
