import { checkResourceName } from './names';

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
