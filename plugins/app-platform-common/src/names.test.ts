import { checkApplicationName, checkResourceName } from './names';

describe('checkResourceName', () => {
  it.each(['a', 'payments', 'team-a-2', '0abc', 'a'.repeat(63)])(
    'accepts %p',
    name => {
      expect(checkResourceName(name)).toBeUndefined();
    },
  );

  it.each([
    ['', 'non-empty'],
    [undefined, 'non-empty'],
    [42, 'non-empty'],
    ['a'.repeat(64), 'at most 63'],
    ['Payments', 'RFC 1123'],
    ['-abc', 'RFC 1123'],
    ['abc-', 'RFC 1123'],
    ['a_b', 'RFC 1123'],
    ['a.b', 'RFC 1123'],
  ])('rejects %p', (name, reason) => {
    expect(checkResourceName(name)).toContain(reason);
  });
});

describe('checkApplicationName', () => {
  it.each(['payments', 'kube', 'defaults', 'my-kube-system'])(
    'accepts %p',
    name => {
      expect(checkApplicationName(name, ['monitoring'])).toBeUndefined();
    },
  );

  it.each([
    ['default', 'matches "default"'],
    ['kube-system', 'matches "kube-*"'],
    ['kube-', 'RFC 1123'],
    ['openshift-console', 'matches "openshift-*"'],
    ['monitoring', 'matches "monitoring"'],
    ['team-x-prod', 'matches "team-*"'],
    ['Bad_Name', 'RFC 1123'],
  ])('rejects %p', (name, reason) => {
    expect(checkApplicationName(name, ['monitoring', 'team-*'])).toContain(
      reason,
    );
  });
});
