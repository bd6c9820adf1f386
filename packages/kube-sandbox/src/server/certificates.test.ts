import forge from 'node-forge';
import { generateCertificates } from './certificates';

describe('generateCertificates', () => {
  it('issues a CA-signed server certificate for 127.0.0.1 and localhost', () => {
    const certs = generateCertificates('unit');
    const ca = forge.pki.certificateFromPem(certs.caCert);
    const server = forge.pki.certificateFromPem(certs.serverCert);
    expect(ca.verify(server)).toBe(true);
    const san = server.getExtension('subjectAltName') as {
      altNames: { type: number; value?: string; ip?: string }[];
    };
    expect(san.altNames).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 2, value: 'localhost' }),
        expect.objectContaining({ type: 7, ip: '127.0.0.1' }),
      ]),
    );
    expect(
      forge.pki
        .certificateFromPem(certs.caCert)
        .getExtension('basicConstraints'),
    ).toMatchObject({ cA: true });
  });
});
