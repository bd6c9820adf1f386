import { categoriesOf, filterDefinitions } from './filterDefinitions';
import { postgresql, rabbitmq, redis } from './middlewareFixtures';

const all = [postgresql, rabbitmq, redis];
const names = (found: Array<{ name: string }>) => found.map(d => d.name);

describe('filterDefinitions', () => {
  it('keeps everything without a search or category', () => {
    expect(names(filterDefinitions(all, { search: '  ' }))).toEqual([
      'postgresql',
      'rabbitmq',
      'redis',
    ]);
  });

  it('searches title, name and description, ignoring case, every word', () => {
    expect(names(filterDefinitions(all, { search: 'REDIS' }))).toEqual([
      'redis',
    ]);
    expect(names(filterDefinitions(all, { search: 'postgres' }))).toEqual([
      'postgresql',
    ]);
    expect(names(filterDefinitions(all, { search: 'broker' }))).toEqual([
      'rabbitmq',
    ]);
    expect(
      names(filterDefinitions(all, { search: 'key-value queues' })),
    ).toEqual(['redis']);
    expect(filterDefinitions(all, { search: 'key-value oracle' })).toEqual([]);
  });

  it('narrows to one category, together with the search', () => {
    expect(
      names(filterDefinitions(all, { search: '', category: 'queue' })),
    ).toEqual(['rabbitmq']);
    expect(
      filterDefinitions(all, { search: 'redis', category: 'database' }),
    ).toEqual([]);
  });
});

describe('categoriesOf', () => {
  it('lists the categories present, in shelf order', () => {
    expect(categoriesOf([redis, rabbitmq, postgresql])).toEqual([
      'database',
      'cache',
      'queue',
    ]);
    expect(categoriesOf([])).toEqual([]);
  });
});
