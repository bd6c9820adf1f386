import { checkInstanceName } from './checkInstanceName';

describe('checkInstanceName', () => {
  it.each(['cache', 'orders-db', 'a1', 'a'.repeat(40)])('accepts %p', name => {
    expect(checkInstanceName(name)).toBeUndefined();
  });

  it.each([
    ['', 'Enter a name'],
    ['a'.repeat(41), 'at most 40 characters (it has 41)'],
    ['Orders', 'RFC 1123'],
    ['orders_db', 'RFC 1123'],
    ['orders.db', 'RFC 1123'],
    ['orders-', 'RFC 1123'],
    ['-orders', 'RFC 1123'],
    ['1cache', 'start with a letter'],
  ])('rejects %p', (name, reason) => {
    expect(checkInstanceName(name)).toContain(reason);
  });
});
