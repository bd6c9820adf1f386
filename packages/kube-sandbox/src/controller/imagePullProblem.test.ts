import { imagePullProblem } from './imagePullProblem';

describe('imagePullProblem', () => {
  it('pulls ordinary images', () => {
    expect(imagePullProblem('nginx:1.25')).toBeUndefined();
    expect(
      imagePullProblem(`ghcr.io/acme/app@sha256:${'a'.repeat(64)}`),
    ).toBeUndefined();
    expect(imagePullProblem('localhost:5000/app')).toBeUndefined();
  });

  it('cannot resolve registries under reserved TLDs', () => {
    for (const host of [
      'registry.invalid',
      'r.test',
      'x.example',
      'reg.localhost:5000',
    ]) {
      const p = imagePullProblem(`${host}/team/app:1`);
      expect(p?.reason).toBe('ErrImagePull');
      expect(p?.message).toContain('no such host');
      expect(p?.message).toContain(
        `failed to pull and unpack image "${host}/team/app:1"`,
      );
    }
  });

  it('refuses malformed references with InvalidImageName', () => {
    for (const image of [
      'Nginx:1',
      'nginx::1',
      'bad image',
      ':1',
      'app:-tag',
    ]) {
      expect(imagePullProblem(image)).toMatchObject({
        reason: 'InvalidImageName',
        message: expect.stringContaining(
          `couldn't parse image name "${image}"`,
        ),
      });
    }
  });

  it('fails configured unknown repositories and tags', () => {
    const unknownImages = ['acme/private', 'nginx:0.0.0-missing'];
    expect(
      imagePullProblem('acme/private:2', { unknownImages })?.message,
    ).toContain('pull access denied');
    expect(
      imagePullProblem('docker.io/acme/private', { unknownImages })?.reason,
    ).toBe('ErrImagePull');
    expect(
      imagePullProblem('nginx:0.0.0-missing', { unknownImages })?.message,
    ).toContain('docker.io/library/nginx:0.0.0-missing: not found');
    expect(imagePullProblem('nginx:1.25', { unknownImages })).toBeUndefined();
  });

  it('keeps the old does-not-exist trigger', () => {
    expect(
      imagePullProblem('registry.local/does-not-exist:1')?.message,
    ).toContain('not found');
  });
});
