import {
  cleanProviderError,
  MAX_PROVIDER_ERROR_LENGTH,
} from './cleanProviderError';

describe('cleanProviderError', () => {
  it('removes the credentials of a signed Alibaba request from an SDK error', () => {
    const message =
      'code: 403, Specified signature is not matched with our calculation. ' +
      'request id: 5A3B, Recommend: https://api.aliyun.test/troubleshoot?q=SignatureDoesNotMatch ' +
      'url: https://ecs.cn-hangzhou.aliyuncs.test/?AccessKeyId=LTAI5tQ9xYzAbCdEfGhIjKlM' +
      '&Action=DescribeInstances&Signature=Zm9vYmFyYmF6cXV4%3D&SignatureNonce=8c1f0d2e' +
      '&SecurityToken=CAIS8gF1q6Ft5B2yfSjIr5bSEsLarrtH&Timestamp=2026-11-23T10%3A00%3A00Z';
    const cleaned = cleanProviderError(new Error(message));
    for (const secret of [
      'LTAI5tQ9xYzAbCdEfGhIjKlM',
      'Zm9vYmFyYmF6cXV4',
      '8c1f0d2e',
      'CAIS8gF1q6Ft5B2yfSjIr5bSEsLarrtH',
    ]) {
      expect(cleaned).not.toContain(secret);
    }
    // What an admin needs to act stays.
    expect(cleaned).toContain(
      'Specified signature is not matched with our calculation',
    );
    expect(cleaned).toContain('Action=DescribeInstances');
    expect(cleaned).toContain('ecs.cn-hangzhou.aliyuncs.test');
  });

  it('removes authorization headers, bearer tokens, JWTs and passwords in URLs', () => {
    const cleaned = cleanProviderError(
      [
        'GET https://admin:hunter2hunter2@inventory.example.test/servers failed',
        'headers: {"Authorization":"Bearer abcdefghijklmnop","x-acs-security-token":"tok123456"}',
        'Authorization: ACS LTAIabcdefghijkl:c2lnbmF0dXJl',
        'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
        'config: { accessKeySecret: "s3cr3tValue99", password=pa55word }',
      ].join('\n'),
    );
    for (const secret of [
      'hunter2hunter2',
      'abcdefghijklmnop',
      'tok123456',
      'LTAIabcdefghijkl',
      'c2lnbmF0dXJl',
      'eyJhbGciOiJIUzI1NiJ9',
      's3cr3tValue99',
      'pa55word',
    ]) {
      expect(cleaned).not.toContain(secret);
    }
    expect(cleaned).toContain('inventory.example.test/servers failed');
  });

  it("removes the provider's own configured secrets, wherever they appear", () => {
    expect(
      cleanProviderError(
        'InvalidAccessKeyId: the key k3y-f0r-test-only is unknown',
        {
          secrets: ['k3y-f0r-test-only', undefined],
        },
      ),
    ).toBe('InvalidAccessKeyId: the key [redacted] is unknown');
  });

  it('drops stack traces and keeps the message', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:443');
    error.stack = `${error.stack}`;
    const withStack = `${error.stack}\n    at async Promise.all (index 0)\n    at Array.forEach (<anonymous>)`;
    const cleaned = cleanProviderError(withStack);
    expect(cleaned).toBe('Error: connect ECONNREFUSED 127.0.0.1:443');
  });

  it('keeps at most a few kilobytes', () => {
    const cleaned = cleanProviderError(`Error: ${'x'.repeat(10_000)}`);
    expect(cleaned.length).toBe(MAX_PROVIDER_ERROR_LENGTH);
  });
});
