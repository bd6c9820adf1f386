import { middlewareEnvName } from './middleware';

describe('middlewareEnvName', () => {
  it('upper-cases the instance and turns - into _', () => {
    expect(middlewareEnvName('orders-db', 'host')).toBe('ORDERS_DB_HOST');
    expect(middlewareEnvName('cache', 'password')).toBe('CACHE_PASSWORD');
  });
});
