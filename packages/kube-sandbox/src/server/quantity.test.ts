import { formatQuantity, parseQuantity } from './quantity';

describe('quantity', () => {
  it('parses decimal, binary and exponent forms', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('abc')).toBeUndefined();
    expect(parseQuantity('1Xi')).toBeUndefined();
  });

  it('prints canonical forms', () => {
    expect(formatQuantity(0.5)).toBe('500m');
    expect(formatQuantity(2)).toBe('2');
    expect(formatQuantity(1.5)).toBe('1500m');
    expect(formatQuantity(2 ** 30, true)).toBe('1Gi');
    expect(formatQuantity(1536 * 2 ** 20, true)).toBe('1536Mi');
    expect(formatQuantity(3000)).toBe('3k');
    expect(formatQuantity(3)).toBe('3');
  });
});
